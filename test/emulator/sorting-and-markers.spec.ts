import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, BOB, expectedOrder, ids, listPage, SORT_KEYS, useEmulator, visibleSet, walk } from '../helpers/emulator-client.js';

/** cn-north-4: one tenant sees more than 500 images, so a limit=500 walk takes two pages. */
const REGION = 'cn-north-4';

const emulator = useEmulator();
let visible: ImageInfo[];

beforeAll(async () => {
  visible = await visibleSet(emulator, REGION, ALICE.token);
});

const combos = SORT_KEYS.flatMap((key) => (['asc', 'desc'] as const).map((dir) => [key, dir] as const));

describe('sort order and marker walks', () => {
  it('the visible set of cn-north-4 fills more than one page of 500', () => {
    expect(visible.length).toBeGreaterThan(500);
    expect(new Set(ids(visible)).size).toBe(visible.length);
  });

  it('the default order is created_at desc, id desc on ties', async () => {
    const { images, pageSizes } = await walk(emulator, REGION, {}, ALICE.token, 500);
    expect(pageSizes.length).toBeGreaterThan(1);
    expect(pageSizes[0]).toBe(500);
    expect(ids(images)).toEqual(ids(expectedOrder(visible, 'created_at', 'desc')));
  });

  it('without limit, one call returns the first 500', async () => {
    const page = await listPage(emulator, REGION);
    expect(ids(page)).toEqual(ids(expectedOrder(visible, 'created_at', 'desc')).slice(0, 500));
  });

  it.each(combos)('sort_key=%s sort_dir=%s: walks with limit 500 and 97 equal the total order', async (key, dir) => {
    const expected = ids(expectedOrder(visible, key, dir));
    for (const limit of [500, 97]) {
      const { images, pageSizes } = await walk(emulator, REGION, { sort_key: key, sort_dir: dir }, ALICE.token, limit);
      expect(pageSizes.slice(0, -1).every((size) => size === limit)).toBe(true);
      expect(pageSizes.length).toBe(Math.floor(visible.length / limit) + 1);
      expect(new Set(ids(images)).size).toBe(images.length);
      expect(ids(images)).toEqual(expected);
    }
  });

  it('sort_dir alone uses created_at; sort_key alone uses desc', async () => {
    expect(ids(await listPage(emulator, REGION, { sort_dir: 'asc', limit: 50 }))).toEqual(ids(expectedOrder(visible, 'created_at', 'asc')).slice(0, 50));
    expect(ids(await listPage(emulator, REGION, { sort_key: 'name', limit: 50 }))).toEqual(ids(expectedOrder(visible, 'name', 'desc')).slice(0, 50));
  });

  it('ties on the sort key exist and are broken by id (status and disk_format have many)', async () => {
    for (const key of ['status', 'disk_format'] as const) {
      const page = await listPage(emulator, REGION, { sort_key: key, sort_dir: 'asc', limit: 60 });
      const firstValue = page[0]![key];
      const tied = page.filter((image) => image[key] === firstValue);
      expect(tied.length).toBeGreaterThan(1);
      expect(ids(tied)).toEqual([...ids(tied)].sort());
    }
  });

  it('a tenant walk of another region also covers its visible set exactly once', async () => {
    const bobs = await visibleSet(emulator, 'la-north-2', BOB.token);
    const { images } = await walk(emulator, 'la-north-2', { sort_key: 'name', sort_dir: 'asc' }, BOB.token, 97);
    expect(ids(images)).toEqual(ids(expectedOrder(bobs, 'name', 'asc')));
  });
});

describe('limit and marker', () => {
  it('limit=0 returns an empty list, with or without a marker', async () => {
    expect(await listPage(emulator, REGION, { limit: 0 })).toEqual([]);
    expect(await listPage(emulator, REGION, { limit: 0, marker: visible[3]!.id })).toEqual([]);
  });

  it('limit=1 and limit=500 return exactly that many', async () => {
    expect(await listPage(emulator, REGION, { limit: 1 })).toHaveLength(1);
    expect(await listPage(emulator, REGION, { limit: 500 })).toHaveLength(500);
  });

  it('a page starts right after the marker in the current order', async () => {
    const order = expectedOrder(visible, 'name', 'asc');
    const marker = order[123]!;
    const page = await listPage(emulator, REGION, { sort_key: 'name', sort_dir: 'asc', marker: marker.id, limit: 10 });
    expect(ids(page)).toEqual(ids(order.slice(124, 134)));
  });

  it('the marker of the last image gives an empty page', async () => {
    const order = expectedOrder(visible, 'status', 'desc');
    const last = order[order.length - 1]!;
    expect(await listPage(emulator, REGION, { sort_key: 'status', sort_dir: 'desc', marker: last.id })).toEqual([]);
  });

  it('a marker outside the filter still positions the page', async () => {
    const order = expectedOrder(visible, 'created_at', 'desc');
    const markerIndex = order.findIndex((image, index) => index > 100 && image.visibility === 'private');
    expect(markerIndex).toBeGreaterThan(0);
    const expected = order.slice(markerIndex + 1).filter((image) => image.visibility === 'public');
    const { images } = await walk(emulator, REGION, { visibility: 'public', marker: order[markerIndex]!.id }, ALICE.token, 500);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(images)).toEqual(ids(expected));
  });

  it('walking backwards (reversed direction from a marker) returns the images before it', async () => {
    const order = expectedOrder(visible, 'created_at', 'desc');
    const marker = order[250]!;
    const page = await listPage(emulator, REGION, { sort_dir: 'asc', marker: marker.id, limit: 20 });
    expect(ids(page)).toEqual(ids(order.slice(230, 250).reverse()));
  });

});
