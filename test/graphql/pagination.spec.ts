import { describe, expect, it } from 'vitest';
import { useApi } from '../helpers/api-server.js';
import { dataOf, gqlBackwardWalk, gqlForwardWalk, gqlPage, idsOf, restPath, restWalk, type Page } from '../helpers/graphql-oracle.js';

/**
 * Relay pagination over limit/marker: full walks in both directions for every sort key and
 * direction, exact pageInfo at every step, the 500-row probe, `first: 0`, and cursors.
 */

const SMALL = 'tr-west-1';
const BIG = 'cn-north-4';

type Key = 'CREATED_AT' | 'NAME' | 'STATUS' | 'DISK_FORMAT';
type Direction = 'ASC' | 'DESC';

const WIRE_KEY: Record<Key, string> = { CREATED_AT: 'created_at', NAME: 'name', STATUS: 'status', DISK_FORMAT: 'disk_format' };
const WIRE_DIR: Record<Direction, string> = { ASC: 'asc', DESC: 'desc' };
const REVERSED: Record<Direction, string> = { ASC: 'desc', DESC: 'asc' };

/** key, direction, region, page size: cn-north-4 (alice sees more than 500) with pages of 500 once. */
const WALKS: [Key, Direction, string, number][] = [
  ['CREATED_AT', 'DESC', BIG, 500],
  ['CREATED_AT', 'ASC', SMALL, 97],
  ['NAME', 'ASC', SMALL, 97],
  ['NAME', 'DESC', SMALL, 150],
  ['STATUS', 'ASC', SMALL, 150],
  ['STATUS', 'DESC', SMALL, 97],
  ['DISK_FORMAT', 'ASC', SMALL, 97],
  ['DISK_FORMAT', 'DESC', SMALL, 150],
];

const api = useApi();
const restCache = new Map<string, string[]>();

async function restIds(region: string, key: Key = 'CREATED_AT', direction: Direction = 'DESC'): Promise<string[]> {
  const cacheKey = `${region} ${key} ${direction}`;
  let ids = restCache.get(cacheKey);
  if (!ids) {
    ids = idsOf(await restWalk(api, region, { sort_key: WIRE_KEY[key], sort_dir: WIRE_DIR[direction] }));
    restCache.set(cacheKey, ids);
  }
  return ids;
}

function expectCursorsConsistent(page: Page): void {
  expect(page.pageInfo.startCursor).toBe(page.cursors[0] ?? null);
  expect(page.pageInfo.endCursor).toBe(page.cursors[page.cursors.length - 1] ?? null);
  expect(new Set(page.cursors).size).toBe(page.cursors.length);
}

describe.each(WALKS)('sort %s %s in %s, pages of %i', (key, direction, region, size) => {
  const sort = { key, direction };

  it('walking first/after to the end gives the REST walk, in order, with exact pageInfo', async () => {
    const expected = await restIds(region, key, direction);
    expect(expected.length).toBeGreaterThan(size);
    api.emulator.clearRequests();
    const pages = await gqlForwardWalk(api, { region, sort }, size);
    expect(pages.flatMap((page) => page.ids)).toEqual(expected);
    expect(pages).toHaveLength(Math.ceil(expected.length / size));
    pages.forEach((page, i) => {
      expect(page.ids).toEqual(expected.slice(i * size, (i + 1) * size));
      expect(page.pageInfo.hasNextPage, `page ${i} hasNextPage`).toBe(i < pages.length - 1);
      expect(page.pageInfo.hasPreviousPage, `page ${i} hasPreviousPage`).toBe(i > 0);
      expectCursorsConsistent(page);
    });
    for (const call of api.emulator.apiRequests) {
      expect(call.region).toBe(region);
      expect(call.query).toMatchObject({ sort_key: WIRE_KEY[key], sort_dir: WIRE_DIR[direction] });
    }
  });

  it('walking last/before from the end gives the same images, page by page from the back', async () => {
    const expected = await restIds(region, key, direction);
    api.emulator.clearRequests();
    const pages = await gqlBackwardWalk(api, { region, sort }, size);
    expect(pages).toHaveLength(Math.ceil(expected.length / size));
    pages.forEach((page, i) => {
      const end = expected.length - i * size;
      const start = Math.max(0, end - size);
      expect(page.ids, `backward page ${i}`).toEqual(expected.slice(start, end));
      expect(page.pageInfo.hasPreviousPage, `backward page ${i} hasPreviousPage`).toBe(start > 0);
      expect(page.pageInfo.hasNextPage, `backward page ${i} hasNextPage`).toBe(i > 0);
      expectCursorsConsistent(page);
    });
    expect([...pages].reverse().flatMap((page) => page.ids)).toEqual(expected);
    // Backward pages ask the upstream for the reversed order, after the cursor's image.
    const calls = api.emulator.apiRequests.filter((call) => call.query.limit !== '1');
    expect(calls).toHaveLength(pages.length);
    calls.forEach((call, i) => {
      expect(call.query).toMatchObject({ sort_key: WIRE_KEY[key], sort_dir: REVERSED[direction] });
      expect(call.query.marker).toBe(i === 0 ? undefined : pages[i - 1]!.ids[0]);
    });
  });
});

describe('the page of 500 and its probe', () => {
  /**
   * The GraphQL calls of the last query. A REST call goes last as a barrier, so that a probe fired
   * without being awaited (answered after the GraphQL response) would still show up here.
   */
  async function callsOfLastQuery(): Promise<Record<string, string>[]> {
    await api.rest(restPath(BIG, { limit: 0, name: 'barrier' }));
    const calls = api.emulator.apiRequests.map((r) => r.query);
    expect(calls.at(-1)).toEqual({ limit: '0', name: 'barrier' });
    return calls.slice(0, -1);
  }

  const PAGE_QUERY = (args: string, pageInfo: string) => `{ images(region: "${BIG}", ${args}) { nodes { imageId } ${pageInfo ? `pageInfo { ${pageInfo} }` : ''} } }`;

  it('makes no probe when pageInfo is not selected', async () => {
    const expected = await restIds(BIG);
    api.emulator.clearRequests();
    const data = dataOf(await api.query<{ images: { nodes: { imageId: string }[] } }>(PAGE_QUERY('first: 500', '')));
    expect(data.images.nodes.map((n) => n.imageId)).toEqual(expected.slice(0, 500));
    expect(await callsOfLastQuery()).toEqual([{ limit: '500', sort_key: 'created_at', sort_dir: 'desc' }]);
  });

  it('makes no probe when only cursors and the other direction’s flag are selected', async () => {
    api.emulator.clearRequests();
    const forward = dataOf(await api.query<{ images: { pageInfo: Record<string, unknown> } }>(PAGE_QUERY('first: 500', 'startCursor endCursor hasPreviousPage')));
    expect(forward.images.pageInfo.hasPreviousPage).toBe(false);
    expect(await callsOfLastQuery()).toHaveLength(1);
    api.emulator.clearRequests();
    const backward = dataOf(await api.query<{ images: { pageInfo: Record<string, unknown> } }>(PAGE_QUERY('last: 500', 'startCursor endCursor hasNextPage')));
    expect(backward.images.pageInfo.hasNextPage).toBe(false);
    expect(await callsOfLastQuery()).toHaveLength(1);
  });

  it('probes with limit=1 after the last row when hasNextPage is selected (forward)', async () => {
    const expected = await restIds(BIG);
    expect(expected.length).toBeGreaterThan(500);
    api.emulator.clearRequests();
    const data = dataOf(await api.query<{ images: { pageInfo: { hasNextPage: boolean } } }>(PAGE_QUERY('first: 500', 'hasNextPage')));
    expect(data.images.pageInfo.hasNextPage).toBe(true);
    expect(api.emulator.apiRequests.map((r) => r.query)).toEqual([
      { limit: '500', sort_key: 'created_at', sort_dir: 'desc' },
      { limit: '1', marker: expected[499], sort_key: 'created_at', sort_dir: 'desc' },
    ]);
  });

  it('probes with limit=1 before the first row when hasPreviousPage is selected (backward)', async () => {
    const expected = await restIds(BIG);
    api.emulator.clearRequests();
    const data = dataOf(await api.query<{ images: { nodes: { imageId: string }[]; pageInfo: { hasPreviousPage: boolean } } }>(PAGE_QUERY('last: 500', 'hasPreviousPage')));
    expect(data.images.nodes.map((n) => n.imageId)).toEqual(expected.slice(-500));
    expect(data.images.pageInfo.hasPreviousPage).toBe(true);
    expect(api.emulator.apiRequests.map((r) => r.query)).toEqual([
      { limit: '500', sort_key: 'created_at', sort_dir: 'asc' },
      { limit: '1', marker: expected[expected.length - 500], sort_key: 'created_at', sort_dir: 'asc' },
    ]);
  });

  it('says hasNextPage false when exactly 500 rows remain (the probe finds nothing)', async () => {
    const expected = await restIds(BIG);
    const index = expected.length - 501;
    const lead = await gqlPage(api, { region: BIG, first: index + 1 });
    expect(lead.ids.at(-1)).toBe(expected[index]);
    api.emulator.clearRequests();
    const page = await gqlPage(api, { region: BIG, first: 500, after: lead.pageInfo.endCursor! });
    expect(page.ids).toEqual(expected.slice(-500));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(api.emulator.apiRequests.map((r) => r.query.limit)).toEqual(['500', '1']);
  });

  it('says hasPreviousPage false when exactly 500 rows lie before the cursor', async () => {
    const expected = await restIds(BIG);
    const first = await gqlPage(api, { region: BIG, first: 500 });
    const next = await gqlPage(api, { region: BIG, first: 1, after: first.pageInfo.endCursor! });
    expect(next.ids).toEqual([expected[500]]);
    api.emulator.clearRequests();
    const page = await gqlPage(api, { region: BIG, last: 500, before: next.pageInfo.startCursor! });
    expect(page.ids).toEqual(expected.slice(0, 500));
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    expect(api.emulator.apiRequests.map((r) => r.query.limit)).toEqual(['500', '1']);
  });
});

describe('page sizes at the edges', () => {
  it('`first: 0` returns no edges, null cursors, and whether anything follows', async () => {
    api.emulator.clearRequests();
    const page = await gqlPage(api, { region: SMALL, first: 0 });
    expect(page).toEqual({ ids: [], cursors: [], pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null } });
    expect(api.emulator.apiRequests.map((r) => r.query)).toEqual([{ limit: '1', sort_key: 'created_at', sort_dir: 'desc' }]);
  });

  it('`first: 0` after the last image: nothing follows', async () => {
    const expected = await restIds(SMALL);
    const all = await gqlPage(api, { region: SMALL, first: expected.length });
    const page = await gqlPage(api, { region: SMALL, first: 0, after: all.pageInfo.endCursor! });
    expect(page).toEqual({ ids: [], cursors: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null } });
  });

  it('`last: 0` returns no edges and whether anything precedes', async () => {
    const page = await gqlPage(api, { region: SMALL, last: 0 });
    expect(page).toEqual({ ids: [], cursors: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null } });
  });

  it('an empty listing: no edges, nothing before or after', async () => {
    for (const args of [{ first: 10 }, { last: 10 }, { first: 0 }, { first: 500 }]) {
      const page = await gqlPage(api, { region: SMALL, filter: { support: { kvmGpuType: 'A100' } }, ...args });
      expect(page).toEqual({ ids: [], cursors: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
    }
  });

  it('a page that ends exactly at the last image says so; one short of it does not', async () => {
    const expected = await restIds(SMALL);
    const exact = await gqlPage(api, { region: SMALL, first: expected.length });
    expect(exact.ids).toEqual(expected);
    expect(exact.pageInfo.hasNextPage).toBe(false);
    const short = await gqlPage(api, { region: SMALL, first: expected.length - 1 });
    expect(short.pageInfo.hasNextPage).toBe(true);
    const exactBack = await gqlPage(api, { region: SMALL, last: expected.length });
    expect(exactBack.ids).toEqual(expected);
    expect(exactBack.pageInfo.hasPreviousPage).toBe(false);
    const shortBack = await gqlPage(api, { region: SMALL, last: expected.length - 1 });
    expect(shortBack.ids).toEqual(expected.slice(1));
    expect(shortBack.pageInfo.hasPreviousPage).toBe(true);
  });

  it('defaults to 20 (limit=21) without first or last', async () => {
    const expected = await restIds(SMALL);
    api.emulator.clearRequests();
    const page = await gqlPage(api, { region: SMALL });
    expect(page.ids).toEqual(expected.slice(0, 20));
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(api.emulator.apiRequests.map((r) => r.query.limit)).toEqual(['21']);
    const back = await gqlPage(api, { region: SMALL, before: page.pageInfo.endCursor! });
    expect(back.ids).toEqual(expected.slice(0, 19));
  });
});

describe('cursors', () => {
  it('every edge’s cursor continues right after (or ends right before) its own image', async () => {
    const expected = await restIds(SMALL, 'NAME', 'ASC');
    const sort = { key: 'NAME', direction: 'ASC' };
    const page = await gqlPage(api, { region: SMALL, sort, first: 40 });
    for (const i of [0, 7, 19, 39]) {
      const after = await gqlPage(api, { region: SMALL, sort, first: 5, after: page.cursors[i]! });
      expect(after.ids, `after edge ${i}`).toEqual(expected.slice(i + 1, i + 6));
      const before = await gqlPage(api, { region: SMALL, sort, last: 5, before: page.cursors[i]! });
      expect(before.ids, `before edge ${i}`).toEqual(expected.slice(Math.max(0, i - 5), i));
      expect(before.pageInfo.hasPreviousPage).toBe(i > 5);
      expect(before.pageInfo.hasNextPage).toBe(true);
    }
  });

  it('a forward page’s startCursor, used as `before`, gives the previous page back', async () => {
    const pages = await gqlForwardWalk(api, { region: SMALL }, 97);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < pages.length; i++) {
      const previous = await gqlPage(api, { region: SMALL, last: 97, before: pages[i]!.pageInfo.startCursor! });
      expect(previous.ids).toEqual(pages[i - 1]!.ids);
      expect(previous.cursors).toEqual(pages[i - 1]!.cursors);
    }
  });

  it('an explicit default sort and an empty filter accept the cursors of the plain listing', async () => {
    const expected = await restIds(SMALL);
    const page = await gqlPage(api, { region: SMALL, first: 3 });
    const explicit = await gqlPage(api, { region: SMALL, filter: {}, sort: { key: 'CREATED_AT', direction: 'DESC' }, first: 3, after: page.pageInfo.endCursor! });
    expect(explicit.ids).toEqual(expected.slice(3, 6));
  });

  it('a backward walk in pages of 500 over the big region matches the forward one', async () => {
    const expected = await restIds(BIG, 'NAME', 'DESC');
    const pages = await gqlBackwardWalk(api, { region: BIG, sort: { key: 'NAME', direction: 'DESC' } }, 500);
    expect(pages.map((p) => p.ids.length)).toEqual([500, expected.length - 500]);
    expect(pages.map((p) => p.pageInfo.hasPreviousPage)).toEqual([true, false]);
    expect([...pages].reverse().flatMap((p) => p.ids)).toEqual(expected);
  });
});
