import { beforeAll, describe, expect, it } from 'vitest';
import { MARKET_IMAGE_OWNER, PUBLIC_IMAGE_OWNER } from '../../src/emulator/catalog.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, BOB, BOOLEAN_PARAMS, sortedIds, useEmulator, visibleSet, walk, wireBool } from '../helpers/emulator-client.js';

const REGION = 'cn-north-4';

const emulator = useEmulator();
let visible: ImageInfo[];

beforeAll(async () => {
  visible = await visibleSet(emulator, REGION, ALICE.token);
});

const EXACT = ['id', 'name', 'owner', '__os_type', 'status', 'virtual_env_type', 'visibility', '__imagetype', '__support_kvm_gpu_type', '__support_xen_gpu_type'];
const BOOLEAN: readonly string[] = BOOLEAN_PARAMS;

/** The oracle: the documented filter semantics, written independently of the emulator. */
function oracle(images: readonly ImageInfo[], query: Record<string, string>): ImageInfo[] {
  return images.filter((image) =>
    Object.entries(query).every(([param, wanted]) => {
      if (EXACT.includes(param)) return image[param] === wanted;
      if (param === '__isregistered' && query.__imagetype === 'gold') return true;
      if (BOOLEAN.includes(param)) return wireBool(image[param]) === (wanted === 'true');
      throw new Error(`the oracle knows no parameter ${param}`);
    }),
  );
}

async function filtered(query: Record<string, string>, token = ALICE.token): Promise<ImageInfo[]> {
  return (await walk(emulator, REGION, query, token)).images;
}

function mostCommonName(images: readonly ImageInfo[]): string {
  const counts = new Map<string, number>();
  for (const image of images) counts.set(image.name, (counts.get(image.name) ?? 0) + 1);
  const [name, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  expect(count).toBeGreaterThan(1);
  return name;
}

type Case = [label: string, query: () => Record<string, string>];

const single: Case[] = [
  ['__imagetype=gold', () => ({ __imagetype: 'gold' })],
  ['__imagetype=private', () => ({ __imagetype: 'private' })],
  ['__isregistered=true', () => ({ __isregistered: 'true' })],
  ['__isregistered=false', () => ({ __isregistered: 'false' })],
  ['__os_type=Linux', () => ({ __os_type: 'Linux' })],
  ['__os_type=Windows', () => ({ __os_type: 'Windows' })],
  ['__os_type=Other', () => ({ __os_type: 'Other' })],
  ['__support_diskintensive=true', () => ({ __support_diskintensive: 'true' })],
  ['__support_highperformance=true', () => ({ __support_highperformance: 'true' })],
  ['__support_kvm=true', () => ({ __support_kvm: 'true' })],
  ['__support_kvm_infiniband=true', () => ({ __support_kvm_infiniband: 'true' })],
  ['__support_largememory=true', () => ({ __support_largememory: 'true' })],
  ['__support_xen=true', () => ({ __support_xen: 'true' })],
  ['__support_xen_hana=true', () => ({ __support_xen_hana: 'true' })],
  ['__support_kvm_gpu_type=V100_vGPU', () => ({ __support_kvm_gpu_type: 'V100_vGPU' })],
  ['__support_kvm_gpu_type=RTX5000', () => ({ __support_kvm_gpu_type: 'RTX5000' })],
  ['__support_xen_gpu_type=M60_vGPU', () => ({ __support_xen_gpu_type: 'M60_vGPU' })],
  ['id (a private image)', () => ({ id: visible.find((i) => i.visibility === 'private')!.id })],
  ['id (a public image)', () => ({ id: visible.find((i) => i.visibility === 'public')!.id })],
  ['name (a name several images share)', () => ({ name: mostCommonName(visible) })],
  ['name (a Chinese private name)', () => ({ name: visible.find((i) => /[\u4e00-\u9fff]/.test(i.name))!.name })],
  ['owner=own project', () => ({ owner: ALICE.projectId })],
  ['owner=public image owner', () => ({ owner: PUBLIC_IMAGE_OWNER })],
  ['owner=market image owner', () => ({ owner: MARKET_IMAGE_OWNER })],
  ['protected=true', () => ({ protected: 'true' })],
  ['protected=false', () => ({ protected: 'false' })],
  ...(['queued', 'saving', 'deleted', 'killed', 'active'].map((status) => [`status=${status}`, () => ({ status })]) as Case[]),
  ['virtual_env_type=FusionCompute', () => ({ virtual_env_type: 'FusionCompute' })],
  ['visibility=public', () => ({ visibility: 'public' })],
  ['visibility=private', () => ({ visibility: 'private' })],
];

const combined: Case[] = [
  ['__imagetype=private&__isregistered=false', () => ({ __imagetype: 'private', __isregistered: 'false' })],
  ['__imagetype=private&__isregistered=true', () => ({ __imagetype: 'private', __isregistered: 'true' })],
  ['__os_type=Windows&status=active&visibility=public', () => ({ __os_type: 'Windows', status: 'active', visibility: 'public' })],
  ['__support_kvm=true&__support_highperformance=true&protected=false', () => ({ __support_kvm: 'true', __support_highperformance: 'true', protected: 'false' })],
  ['__support_kvm_gpu_type=V100_vGPU&__imagetype=gold', () => ({ __support_kvm_gpu_type: 'V100_vGPU', __imagetype: 'gold' })],
  ['virtual_env_type=FusionCompute&__os_type=Linux&__support_xen=true', () => ({ virtual_env_type: 'FusionCompute', __os_type: 'Linux', __support_xen: 'true' })],
  ['owner=own&name=shared name&status=active', () => {
    const own = visible.filter((i) => i.owner === ALICE.projectId && i.status === 'active');
    return { owner: ALICE.projectId, name: mostCommonName(own), status: 'active' };
  }],
  ['visibility=private&__imagetype=private&protected=true&__isregistered=true', () => ({ visibility: 'private', __imagetype: 'private', protected: 'true', __isregistered: 'true' })],
];

describe('filters, each against the oracle over the whole visible set', () => {
  it('starts from a visible set of more than one page', () => {
    expect(visible.length).toBeGreaterThan(500);
    expect(new Set(visible.map((i) => i.id)).size).toBe(visible.length);
  });

  it.each([...single, ...combined])('%s', async (_label, makeQuery) => {
    const query = makeQuery();
    const expected = oracle(visible, query);
    expect(expected.length).toBeGreaterThan(0);
    const got = await filtered(query);
    expect(sortedIds(got)).toEqual(sortedIds(expected));
  });
});

describe('filter semantics the oracle encodes', () => {
  it('__isregistered=true matches both the string "true" and the JSON boolean true', async () => {
    const got = await filtered({ __isregistered: 'true' });
    expect(got.some((i) => i.__isregistered === 'true')).toBe(true);
    expect(got.some((i) => i.__isregistered === true)).toBe(true);
    expect(got.every((i) => i.__isregistered === 'true' || i.__isregistered === true)).toBe(true);
  });

  it('__isregistered=false matches both the string "false" and the JSON boolean false', async () => {
    const got = await filtered({ __isregistered: 'false' });
    expect(new Set(got.map((i) => i.__isregistered))).toEqual(new Set(['false', false]));
  });

  it('__isregistered is ignored with __imagetype=gold', async () => {
    const gold = oracle(visible, { __imagetype: 'gold' });
    expect(gold.length).toBeGreaterThan(0);
    expect(gold.some((i) => wireBool(i.__isregistered) === false)).toBe(false);
    for (const value of ['true', 'false']) {
      expect(sortedIds(await filtered({ __imagetype: 'gold', __isregistered: value }))).toEqual(sortedIds(gold));
    }
  });

  it('__isregistered still applies to public images when __imagetype is not gold', async () => {
    expect(await filtered({ visibility: 'public', __isregistered: 'false' })).toEqual([]);
  });

  it('__imagetype=gold excludes market images although they are public', async () => {
    const got = await filtered({ __imagetype: 'gold' });
    expect(got.every((i) => i.__imagetype === 'gold')).toBe(true);
    expect(visible.some((i) => i.__imagetype === 'market')).toBe(true);
  });

  it.each(BOOLEAN.filter((p) => p.startsWith('__support_')))('%s=false matches nothing: the flag is absent, never "false"', async (flag) => {
    expect(visible.some((i) => i[flag] === undefined)).toBe(true);
    expect(oracle(visible, { [flag]: 'false' })).toEqual([]);
    expect(await filtered({ [flag]: 'false' })).toEqual([]);
  });

  it('an absent flag does not match true', async () => {
    const got = await filtered({ __support_kvm: 'true' });
    expect(got.every((i) => i.__support_kvm === 'true')).toBe(true);
    expect(visible.filter((i) => i.__support_kvm === undefined).length).toBeGreaterThan(0);
  });

  it('matches exactly: no prefix, case or substring matches', async () => {
    const name = mostCommonName(visible);
    expect(await filtered({ name: name.slice(0, -1) })).toEqual([]);
    expect(await filtered({ name: name.toUpperCase() === name ? name.toLowerCase() : name.toUpperCase() })).toEqual([]);
    expect(await filtered({ name: ` ${name}` })).toEqual([]);
    expect(await filtered({ id: visible[0]!.id.toUpperCase() })).toEqual([]);
    expect(await filtered({ __support_kvm_gpu_type: 'V100' })).toEqual([]);
  });

  it('a filter value nothing has gives an empty list, not an error', async () => {
    expect(await filtered({ id: '00000000-0000-4000-8000-000000000000' })).toEqual([]);
    expect(await filtered({ __support_xen_gpu_type: 'A100' })).toEqual([]);
  });

  it('contradictory filters give an empty list', async () => {
    const publicId = visible.find((i) => i.visibility === 'public')!.id;
    expect(await filtered({ id: publicId, visibility: 'private' })).toEqual([]);
  });

  it('filters apply to the other tenant in the same way', async () => {
    const bobs = await visibleSet(emulator, REGION, BOB.token);
    const query = { __imagetype: 'private', status: 'active' };
    const expected = oracle(bobs, query);
    expect(expected.length).toBeGreaterThan(0);
    expect(sortedIds(await filtered(query, BOB.token))).toEqual(sortedIds(expected));
  });
});
