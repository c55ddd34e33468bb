import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANTS } from '../../src/emulator/options.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { useApi } from '../helpers/api-server.js';
import { dataOf, gqlAllIds, gqlPage, idsOf, restWalk, type RestParams } from '../helpers/graphql-oracle.js';

/**
 * Every `ImageFilter` field reaches the upstream as its query parameter, with the wire spelling, and
 * returns exactly what the REST API returns for that parameter (both walked to the end).
 */

const REGION = 'tr-west-1';
const ALICE_PROJECT = DEMO_TENANTS[0]!.projectId;
const PUBLIC_OWNER = 'c5f6d4b3a2e14f0e9d8c7b6a5f4e3d2c';

const api = useApi();
let everything: ImageInfo[];

beforeAll(async () => {
  everything = await restWalk(api, REGION);
});

interface Case {
  label: string;
  filter: Record<string, unknown>;
  params: RestParams;
  /** GraphQL field paths of ImageFilter this case exercises. */
  covers: string[];
}

const STATIC_CASES: Case[] = [
  { label: 'imageType GOLD', filter: { imageType: 'GOLD' }, params: { __imagetype: 'gold' }, covers: ['imageType'] },
  { label: 'imageType PRIVATE', filter: { imageType: 'PRIVATE' }, params: { __imagetype: 'private' }, covers: ['imageType'] },
  { label: 'registered true', filter: { registered: true }, params: { __isregistered: 'true' }, covers: ['registered'] },
  { label: 'registered false', filter: { registered: false }, params: { __isregistered: 'false' }, covers: ['registered'] },
  {
    label: 'imageType PRIVATE + registered false',
    filter: { imageType: 'PRIVATE', registered: false },
    params: { __imagetype: 'private', __isregistered: 'false' },
    covers: ['imageType', 'registered'],
  },
  { label: 'osType LINUX', filter: { osType: 'LINUX' }, params: { __os_type: 'Linux' }, covers: ['osType'] },
  { label: 'osType WINDOWS', filter: { osType: 'WINDOWS' }, params: { __os_type: 'Windows' }, covers: ['osType'] },
  { label: 'osType OTHER', filter: { osType: 'OTHER' }, params: { __os_type: 'Other' }, covers: ['osType'] },
  { label: 'owner (own project)', filter: { owner: ALICE_PROJECT }, params: { owner: ALICE_PROJECT }, covers: ['owner'] },
  { label: 'owner (public images)', filter: { owner: PUBLIC_OWNER }, params: { owner: PUBLIC_OWNER }, covers: ['owner'] },
  { label: 'protected true', filter: { protected: true }, params: { protected: 'true' }, covers: ['protected'] },
  { label: 'protected false', filter: { protected: false }, params: { protected: 'false' }, covers: ['protected'] },
  { label: 'status ACTIVE', filter: { status: 'ACTIVE' }, params: { status: 'active' }, covers: ['status'] },
  { label: 'status QUEUED', filter: { status: 'QUEUED' }, params: { status: 'queued' }, covers: ['status'] },
  { label: 'status SAVING', filter: { status: 'SAVING' }, params: { status: 'saving' }, covers: ['status'] },
  { label: 'status DELETED', filter: { status: 'DELETED' }, params: { status: 'deleted' }, covers: ['status'] },
  { label: 'status KILLED', filter: { status: 'KILLED' }, params: { status: 'killed' }, covers: ['status'] },
  { label: 'virtualEnvType FUSION_COMPUTE', filter: { virtualEnvType: 'FUSION_COMPUTE' }, params: { virtual_env_type: 'FusionCompute' }, covers: ['virtualEnvType'] },
  { label: 'visibility PUBLIC', filter: { visibility: 'PUBLIC' }, params: { visibility: 'public' }, covers: ['visibility'] },
  { label: 'visibility PRIVATE', filter: { visibility: 'PRIVATE' }, params: { visibility: 'private' }, covers: ['visibility'] },
  { label: 'support.kvm', filter: { support: { kvm: true } }, params: { __support_kvm: 'true' }, covers: ['support.kvm'] },
  { label: 'support.xen', filter: { support: { xen: true } }, params: { __support_xen: 'true' }, covers: ['support.xen'] },
  { label: 'support.largeMemory', filter: { support: { largeMemory: true } }, params: { __support_largememory: 'true' }, covers: ['support.largeMemory'] },
  { label: 'support.diskIntensive', filter: { support: { diskIntensive: true } }, params: { __support_diskintensive: 'true' }, covers: ['support.diskIntensive'] },
  {
    label: 'support.highPerformance',
    filter: { support: { highPerformance: true } },
    params: { __support_highperformance: 'true' },
    covers: ['support.highPerformance'],
  },
  { label: 'support.kvmInfiniband', filter: { support: { kvmInfiniband: true } }, params: { __support_kvm_infiniband: 'true' }, covers: ['support.kvmInfiniband'] },
  { label: 'support.xenHana', filter: { support: { xenHana: true } }, params: { __support_xen_hana: 'true' }, covers: ['support.xenHana'] },
  { label: 'support.kvmGpuType V100_vGPU', filter: { support: { kvmGpuType: 'V100_vGPU' } }, params: { __support_kvm_gpu_type: 'V100_vGPU' }, covers: ['support.kvmGpuType'] },
  { label: 'support.kvmGpuType RTX5000', filter: { support: { kvmGpuType: 'RTX5000' } }, params: { __support_kvm_gpu_type: 'RTX5000' }, covers: ['support.kvmGpuType'] },
  { label: 'support.xenGpuType M60_vGPU', filter: { support: { xenGpuType: 'M60_vGPU' } }, params: { __support_xen_gpu_type: 'M60_vGPU' }, covers: ['support.xenGpuType'] },
  {
    label: 'several at once',
    filter: { imageType: 'GOLD', osType: 'LINUX', status: 'ACTIVE', visibility: 'PUBLIC', protected: true, support: { kvm: true, highPerformance: true } },
    params: { __imagetype: 'gold', __os_type: 'Linux', status: 'active', visibility: 'public', protected: 'true', __support_kvm: 'true', __support_highperformance: 'true' },
    covers: ['imageType', 'osType', 'status', 'visibility', 'protected', 'support.kvm', 'support.highPerformance'],
  },
  {
    label: 'every support flag at once (nothing has them all)',
    filter: { support: { kvm: true, xen: true, largeMemory: true, diskIntensive: true, highPerformance: true, kvmInfiniband: true, xenHana: true } },
    params: {
      __support_kvm: 'true',
      __support_xen: 'true',
      __support_largememory: 'true',
      __support_diskintensive: 'true',
      __support_highperformance: 'true',
      __support_kvm_infiniband: 'true',
      __support_xen_hana: 'true',
    },
    covers: [],
  },
  { label: 'a GPU type nobody has', filter: { support: { kvmGpuType: 'A100' } }, params: { __support_kvm_gpu_type: 'A100' }, covers: [] },
];

/** Cases whose values come from the data: an id, names with spaces or Chinese. */
function dataCases(): Case[] {
  const counts = new Map<string, number>();
  for (const image of everything) counts.set(image.name, (counts.get(image.name) ?? 0) + 1);
  const repeated = [...counts].find(([name, n]) => n > 1 && name.includes(' '));
  const nonAscii = everything.find((image) => /[^\x20-\x7e]/.test(image.name));
  const privateImage = everything.find((image) => image.__imagetype === 'private');
  if (!repeated || !privateImage || !nonAscii) throw new Error('the data set lacks a repeated name, a private image or a non-ASCII name');
  return [
    { label: 'imageId (private image)', filter: { imageId: privateImage.id }, params: { id: privateImage.id }, covers: ['imageId'] },
    { label: 'imageId (unknown id)', filter: { imageId: '00000000-0000-4000-8000-000000000000' }, params: { id: '00000000-0000-4000-8000-000000000000' }, covers: ['imageId'] },
    { label: `name shared by ${repeated[1]} images`, filter: { name: repeated[0] }, params: { name: repeated[0] }, covers: ['name'] },
    { label: 'name with non-ASCII characters', filter: { name: nonAscii.name }, params: { name: nonAscii.name }, covers: ['name'] },
  ];
}

/** The query parameters every `images` call sends besides the filter's. */
const PAGING = { limit: '500', sort_key: 'created_at', sort_dir: 'desc' };

function asWire(params: RestParams): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
}

async function checkCase({ filter, params }: Case): Promise<number> {
  api.emulator.clearRequests();
  const gqlIds = await gqlAllIds(api, { region: REGION, filter });
  const calls = api.emulator.apiRequests;
  expect(calls.length).toBeGreaterThanOrEqual(1);
  expect(calls[0]!.query).toEqual({ ...asWire(params), ...PAGING });
  for (const call of calls) expect(call.query).toMatchObject(asWire(params));
  const restIds = idsOf(await restWalk(api, REGION, params));
  expect(gqlIds).toEqual(restIds);
  return gqlIds.length;
}

describe('every ImageFilter field → its query parameter → the REST answer', () => {
  it.each(STATIC_CASES.map((c) => [c.label, c] as const))('%s', async (_label, c) => {
    const count = await checkCase(c);
    if (c.covers.length > 0) expect(count, 'a case that exercises a filter must match something').toBeGreaterThan(0);
    else expect(count).toBe(0);
    if (c.covers.length > 0) expect(count).toBeLessThan(everything.length);
  });

  it('values from the data: image id, repeated names, non-ASCII names (URL-encoded correctly)', async () => {
    for (const c of dataCases()) {
      const count = await checkCase(c);
      if (c.label.startsWith('imageId (unknown')) expect(count).toBe(0);
      else if (c.label.startsWith('name shared')) expect(count).toBeGreaterThan(1);
      else expect(count).toBe(1);
    }
  });

  const DERIVED = ['nameContains', 'platform', 'architecture', 'hasGpu', 'createdAfter', 'createdBefore'];

  it('the cases cover every field of ImageFilter and ImageSupportFilter the upstream applies (derived ones: picker.spec.ts)', async () => {
    const data = dataOf(
      await api.query<{ f: { inputFields: { name: string }[] }; s: { inputFields: { name: string }[] } }>(
        '{ f: __type(name: "ImageFilter") { inputFields { name } } s: __type(name: "ImageSupportFilter") { inputFields { name } } }',
      ),
    );
    const fields = [
      ...data.f.inputFields.map((f) => f.name).filter((name) => name !== 'support' && !DERIVED.includes(name)),
      ...data.s.inputFields.map((f) => `support.${f.name}`),
    ].sort();
    const covered = new Set([...STATIC_CASES, ...dataCases()].flatMap((c) => c.covers));
    expect([...covered].sort()).toEqual(fields);
  });

  it('an empty filter and an omitted filter send only the paging parameters', async () => {
    for (const filter of [{}, null, { support: {} }, { imageType: null, support: { kvm: null } }]) {
      api.emulator.clearRequests();
      await gqlPage(api, { region: REGION, filter: filter as Record<string, unknown>, first: 5 });
      expect(api.emulator.apiRequests.map((r) => r.query)).toEqual([{ limit: '6', sort_key: 'created_at', sort_dir: 'desc' }]);
    }
  });

  it('a filter combines with sort and paging: walking Windows images by name in pages of 7', async () => {
    api.emulator.clearRequests();
    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await gqlPage(api, { region: REGION, filter: { osType: 'WINDOWS' }, sort: { key: 'NAME', direction: 'ASC' }, first: 7, ...(after ? { after } : {}) });
      pages.push(page.ids);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    const restIds = idsOf(await restWalk(api, REGION, { __os_type: 'Windows', sort_key: 'name', sort_dir: 'asc' }));
    expect(pages.flat()).toEqual(restIds);
    expect(pages.length).toBe(Math.ceil(restIds.length / 7));
    for (const call of api.emulator.apiRequests.filter((r) => r.query.limit === '8')) {
      expect(call.query).toMatchObject({ __os_type: 'Windows', sort_key: 'name', sort_dir: 'asc' });
    }
  });
});
