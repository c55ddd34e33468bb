import { beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_REGIONS } from '../../src/emulator/catalog.js';
import type { RecordedRequest } from '../../src/emulator/server.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, BOB, startApi, useApi, type ApiHarness, type GraphQLResponse } from '../helpers/api-server.js';
import { expectedOrder, wireBool, type SortKey } from '../helpers/emulator-client.js';
import { dataOf, onlyError, restPage, restWalk, type RestParams } from '../helpers/graphql-oracle.js';

/**
 * The image picker (issue 11): filters the upstream cannot express (`nameContains`, `platform`,
 * `architecture`, `hasGpu`, `createdAfter`/`createdBefore`), `totalCount`, `imageFacets`,
 * `latestImage` and `regions`, all served from a per-caller snapshot of the upstream listing.
 *
 * The oracle is the emulator's REST listing of everything the caller sees in the region (default
 * order, pages of 500 by marker), filtered, sorted and counted here, by the contract of the issue;
 * nothing is computed with src/. Upstream calls are counted from the emulator's request log, on
 * harnesses of their own (same seed, so the same data as the oracle's).
 */

const BIG = 'cn-north-4';
const SMALL = 'tr-west-1';
const PROJECT: Record<string, string> = { [ALICE.token]: ALICE.projectId, [BOB.token]: BOB.projectId };

type Key = 'CREATED_AT' | 'NAME' | 'STATUS' | 'DISK_FORMAT';
type Direction = 'ASC' | 'DESC';
interface Sort {
  key: Key;
  direction: Direction;
}
const WIRE_KEY: Record<Key, SortKey> = { CREATED_AT: 'created_at', NAME: 'name', STATUS: 'status', DISK_FORMAT: 'disk_format' };

interface Filter {
  imageType?: 'GOLD' | 'PRIVATE';
  osType?: 'LINUX' | 'WINDOWS' | 'OTHER';
  status?: 'ACTIVE' | 'QUEUED' | 'SAVING' | 'DELETED' | 'KILLED';
  nameContains?: string;
  platform?: string;
  architecture?: 'X86' | 'ARM';
  hasGpu?: boolean;
  createdAfter?: string;
  createdBefore?: string;
}

const api = useApi();

// ---------------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------------

const everythingCache = new Map<string, Promise<ImageInfo[]>>();

/** Everything `token` sees in `region`, in the upstream's default order (created_at desc, id). */
function everything(region: string, token: string = ALICE.token): Promise<ImageInfo[]> {
  const key = `${region} ${token}`;
  let images = everythingCache.get(key);
  if (!images) {
    images = restWalk(api, region, { sort_key: 'created_at', sort_dir: 'desc' }, token);
    everythingCache.set(key, images);
  }
  return images;
}

const OS_TYPE: Record<string, string> = { Linux: 'LINUX', Windows: 'WINDOWS', Other: 'OTHER' };
const STATUS: Record<string, string> = { queued: 'QUEUED', saving: 'SAVING', deleted: 'DELETED', killed: 'KILLED', active: 'ACTIVE' };
const DISK_FORMAT: Record<string, string> = { vhd: 'VHD', zvhd: 'ZVHD', zvhd2: 'ZVHD2', raw: 'RAW', qcow2: 'QCOW2', iso: 'ISO' };
const IMAGE_TYPE: Record<string, string> = { gold: 'GOLD', private: 'PRIVATE', shared: 'SHARED', market: 'MARKET' };

function enumName(table: Record<string, string>, value: unknown): string {
  return typeof value === 'string' && Object.hasOwn(table, value) ? table[value]! : 'UNKNOWN';
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function architectureOf(image: ImageInfo): 'X86' | 'ARM' {
  return wireBool(image.__support_arm) === true ? 'ARM' : 'X86';
}

/** The GPU types an image has: each distinct GPU type string, plus "T4" for the T4 flag. */
function gpuTypesOf(image: ImageInfo): string[] {
  const types = new Set<string>();
  if (nonEmpty(image.__support_kvm_gpu_type)) types.add(image.__support_kvm_gpu_type);
  if (nonEmpty(image.__support_xen_gpu_type)) types.add(image.__support_xen_gpu_type);
  if (wireBool(image.__support_gpu_t4) === true) types.add('T4');
  return [...types];
}

function createdMs(image: ImageInfo): number {
  return Date.parse(image.created_at);
}

function matches(image: ImageInfo, filter: Filter): boolean {
  if (filter.imageType !== undefined && image.__imagetype !== filter.imageType.toLowerCase()) return false;
  if (filter.osType !== undefined && enumName(OS_TYPE, image.__os_type) !== filter.osType) return false;
  if (filter.status !== undefined && image.status !== filter.status.toLowerCase()) return false;
  if (filter.nameContains !== undefined && !image.name.toLowerCase().includes(filter.nameContains.toLowerCase())) return false;
  if (filter.platform !== undefined && image.__platform !== filter.platform) return false;
  if (filter.architecture !== undefined && architectureOf(image) !== filter.architecture) return false;
  if (filter.hasGpu !== undefined && gpuTypesOf(image).length > 0 !== filter.hasGpu) return false;
  if (filter.createdAfter !== undefined && !(createdMs(image) > Date.parse(filter.createdAfter))) return false;
  if (filter.createdBefore !== undefined && !(createdMs(image) < Date.parse(filter.createdBefore))) return false;
  return true;
}

/** The expected listing: the filtered visible set in the sort's total order. */
async function expectedIds(region: string, filter: Filter, sort: Sort, token: string = ALICE.token): Promise<string[]> {
  const images = (await everything(region, token)).filter((image) => matches(image, filter));
  return expectedOrder(images, WIRE_KEY[sort.key], sort.direction === 'ASC' ? 'asc' : 'desc').map((image) => image.id);
}

interface FacetCount {
  value: string;
  count: number;
}
type FacetName = 'osType' | 'platform' | 'architecture' | 'gpuType' | 'status' | 'diskFormat' | 'imageType';
type Facets = Record<FacetName, FacetCount[]>;

/** Each facet: the filter field it ignores, and the values one image counts for. */
const FACETS: Record<FacetName, { ignores: keyof Filter | null; values: (image: ImageInfo) => string[] }> = {
  osType: { ignores: 'osType', values: (image) => [enumName(OS_TYPE, image.__os_type)] },
  platform: { ignores: 'platform', values: (image) => (nonEmpty(image.__platform) ? [image.__platform] : []) },
  architecture: { ignores: 'architecture', values: (image) => [architectureOf(image)] },
  gpuType: { ignores: 'hasGpu', values: gpuTypesOf },
  status: { ignores: 'status', values: (image) => [enumName(STATUS, image.status)] },
  diskFormat: { ignores: null, values: (image) => (nonEmpty(image.disk_format) ? [enumName(DISK_FORMAT, image.disk_format)] : []) },
  imageType: { ignores: 'imageType', values: (image) => [enumName(IMAGE_TYPE, image.__imagetype)] },
};

async function expectedFacets(region: string, filter: Filter, token: string = ALICE.token): Promise<Facets> {
  const all = await everything(region, token);
  const facets = {} as Facets;
  for (const [name, facet] of Object.entries(FACETS) as [FacetName, (typeof FACETS)[FacetName]][]) {
    const own = { ...filter };
    if (facet.ignores) delete own[facet.ignores];
    const counts = new Map<string, number>();
    for (const image of all.filter((i) => matches(i, own))) {
      for (const value of new Set(facet.values(image))) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    facets[name] = [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  return facets;
}

/** The most recently created ACTIVE match; ties go to the first in the default order. */
async function expectedLatest(region: string, filter: Filter, token: string = ALICE.token): Promise<ImageInfo | null> {
  let best: ImageInfo | null = null;
  for (const image of await everything(region, token)) {
    if (image.status !== 'active' || !matches(image, filter)) continue;
    if (best === null || createdMs(image) > createdMs(best)) best = image;
  }
  return best;
}

/** The created_at (as sent) of the image at `index` of the default order. */
async function createdAtIndex(region: string, index: number, token: string = ALICE.token): Promise<string> {
  const image = (await everything(region, token))[index];
  if (!image) throw new Error(`no image at ${index} in ${region}`);
  return image.created_at;
}

// ---------------------------------------------------------------------------------------------
// GraphQL
// ---------------------------------------------------------------------------------------------

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
interface Page {
  totalCount?: number;
  ids: string[];
  cursors: string[];
  pageInfo: PageInfo;
}
interface ListArgs {
  region: string;
  filter?: Filter;
  sort?: Sort;
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

const pageQuery = (withTotal: boolean): string => `query Page($region: String!, $filter: ImageFilter, $sort: ImageSort, $first: Int, $after: String, $last: Int, $before: String) {
  images(region: $region, filter: $filter, sort: $sort, first: $first, after: $after, last: $last, before: $before) {
    ${withTotal ? 'totalCount' : ''}
    edges { cursor node { imageId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
const PAGE_WITH_TOTAL = pageQuery(true);
const PAGE_WITHOUT_TOTAL = pageQuery(false);

interface PageData {
  images: { totalCount?: number; edges: { cursor: string; node: { imageId: string } }[]; pageInfo: PageInfo };
}

function listPage(harness: ApiHarness, args: ListArgs, token: string = ALICE.token, withTotal = true): Promise<GraphQLResponse<PageData>> {
  return harness.query<PageData>(withTotal ? PAGE_WITH_TOTAL : PAGE_WITHOUT_TOTAL, { ...args }, token);
}

async function page(harness: ApiHarness, args: ListArgs, token: string = ALICE.token, withTotal = true): Promise<Page> {
  const data = dataOf(await listPage(harness, args, token, withTotal));
  return {
    ...(withTotal ? { totalCount: data.images.totalCount } : {}),
    ids: data.images.edges.map((edge) => edge.node.imageId),
    cursors: data.images.edges.map((edge) => edge.cursor),
    pageInfo: data.images.pageInfo,
  };
}

type WalkArgs = Omit<ListArgs, 'first' | 'after' | 'last' | 'before'>;

async function forwardWalk(harness: ApiHarness, args: WalkArgs, size: number, token: string = ALICE.token): Promise<Page[]> {
  const pages: Page[] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i++) {
    const current = await page(harness, { ...args, first: size, ...(after === undefined ? {} : { after }) }, token);
    pages.push(current);
    if (!current.pageInfo.hasNextPage) return pages;
    if (current.pageInfo.endCursor === null) throw new Error('hasNextPage without an endCursor');
    after = current.pageInfo.endCursor;
  }
  throw new Error('forward walk did not end');
}

async function backwardWalk(harness: ApiHarness, args: WalkArgs, size: number, token: string = ALICE.token): Promise<Page[]> {
  const pages: Page[] = [];
  let before: string | undefined;
  for (let i = 0; i < 100; i++) {
    const current = await page(harness, { ...args, last: size, ...(before === undefined ? {} : { before }) }, token);
    pages.push(current);
    if (!current.pageInfo.hasPreviousPage) return pages;
    if (current.pageInfo.startCursor === null) throw new Error('hasPreviousPage without a startCursor');
    before = current.pageInfo.startCursor;
  }
  throw new Error('backward walk did not end');
}

function expectCursorsConsistent(current: Page): void {
  expect(current.pageInfo.startCursor).toBe(current.cursors[0] ?? null);
  expect(current.pageInfo.endCursor).toBe(current.cursors[current.cursors.length - 1] ?? null);
  expect(new Set(current.cursors).size).toBe(current.cursors.length);
}

/** A forward walk in pages of `size` must be `expected`, page by page, with exact pageInfo and totalCount. */
function expectForward(pages: Page[], expected: string[], size: number): void {
  expect(pages.flatMap((p) => p.ids)).toEqual(expected);
  expect(pages).toHaveLength(Math.max(1, Math.ceil(expected.length / size)));
  pages.forEach((current, i) => {
    expect(current.ids, `page ${i}`).toEqual(expected.slice(i * size, (i + 1) * size));
    expect(current.totalCount, `page ${i} totalCount`).toBe(expected.length);
    expect(current.pageInfo.hasNextPage, `page ${i} hasNextPage`).toBe(i < pages.length - 1);
    expect(current.pageInfo.hasPreviousPage, `page ${i} hasPreviousPage`).toBe(i > 0);
    expectCursorsConsistent(current);
  });
}

function expectBackward(pages: Page[], expected: string[], size: number): void {
  expect(pages).toHaveLength(Math.max(1, Math.ceil(expected.length / size)));
  pages.forEach((current, i) => {
    const end = expected.length - i * size;
    const start = Math.max(0, end - size);
    expect(current.ids, `backward page ${i}`).toEqual(expected.slice(start, end));
    expect(current.totalCount, `backward page ${i} totalCount`).toBe(expected.length);
    expect(current.pageInfo.hasPreviousPage, `backward page ${i} hasPreviousPage`).toBe(start > 0);
    expect(current.pageInfo.hasNextPage, `backward page ${i} hasNextPage`).toBe(i > 0);
    expectCursorsConsistent(current);
  });
  expect([...pages].reverse().flatMap((p) => p.ids)).toEqual(expected);
}

const FACETS_QUERY = `query Facets($region: String!, $filter: ImageFilter) {
  imageFacets(region: $region, filter: $filter) {
    osType { value count } platform { value count } architecture { value count } gpuType { value count }
    status { value count } diskFormat { value count } imageType { value count }
  }
}`;

const LATEST_QUERY = `query Latest($region: String!, $filter: ImageFilter) {
  latestImage(region: $region, filter: $filter) { imageId status createdAt }
}`;

interface LatestData {
  latestImage: { imageId: string; status: string; createdAt: string } | null;
}

// ---------------------------------------------------------------------------------------------
// Derived filters over the connection
// ---------------------------------------------------------------------------------------------

interface WalkCase {
  label: string;
  region: string;
  filter: () => Promise<Filter>;
  sort: Sort;
  size: number;
  token?: string;
  /** The expected listing must have at least this many images (the data makes the case meaningful). */
  atLeast: number;
}

const fixed = (filter: Filter) => (): Promise<Filter> => Promise.resolve(filter);

const WALKS: WalkCase[] = [
  { label: 'nameContains, mixed case', region: BIG, filter: fixed({ nameContains: 'uBuNtU' }), sort: { key: 'CREATED_AT', direction: 'DESC' }, size: 37, atLeast: 60 },
  { label: 'nameContains, CJK', region: BIG, filter: fixed({ nameContains: '镜像' }), sort: { key: 'NAME', direction: 'ASC' }, size: 3, atLeast: 5 },
  { label: 'nameContains, a literal dot', region: BIG, filter: fixed({ nameContains: '.04' }), sort: { key: 'NAME', direction: 'DESC' }, size: 37, atLeast: 60 },
  { label: 'platform (EulerOS, not Huawei Cloud EulerOS)', region: BIG, filter: fixed({ platform: 'EulerOS' }), sort: { key: 'CREATED_AT', direction: 'ASC' }, size: 37, atLeast: 40 },
  { label: 'architecture ARM', region: BIG, filter: fixed({ architecture: 'ARM' }), sort: { key: 'STATUS', direction: 'ASC' }, size: 37, atLeast: 60 },
  { label: 'architecture X86', region: BIG, filter: fixed({ architecture: 'X86' }), sort: { key: 'DISK_FORMAT', direction: 'DESC' }, size: 37, atLeast: 500 },
  { label: 'hasGpu true', region: BIG, filter: fixed({ hasGpu: true }), sort: { key: 'DISK_FORMAT', direction: 'ASC' }, size: 37, atLeast: 60 },
  { label: 'hasGpu false', region: BIG, filter: fixed({ hasGpu: false }), sort: { key: 'STATUS', direction: 'DESC' }, size: 37, atLeast: 500 },
  {
    label: 'createdAfter',
    region: BIG,
    filter: async () => ({ createdAfter: await createdAtIndex(BIG, 300) }),
    sort: { key: 'CREATED_AT', direction: 'DESC' },
    size: 37,
    atLeast: 300,
  },
  {
    label: 'createdBefore',
    region: BIG,
    filter: async () => ({ createdBefore: await createdAtIndex(BIG, 100) }),
    sort: { key: 'NAME', direction: 'ASC' },
    size: 37,
    atLeast: 500,
  },
  {
    label: 'createdAfter and createdBefore',
    region: BIG,
    filter: async () => ({ createdAfter: await createdAtIndex(BIG, 500), createdBefore: await createdAtIndex(BIG, 100) }),
    sort: { key: 'STATUS', direction: 'ASC' },
    size: 37,
    atLeast: 399,
  },
  { label: 'imageType PRIVATE + nameContains', region: BIG, filter: fixed({ imageType: 'PRIVATE', nameContains: 'WEB' }), sort: { key: 'CREATED_AT', direction: 'DESC' }, size: 2, atLeast: 4 },
  {
    label: 'imageType GOLD + status ACTIVE + architecture ARM',
    region: BIG,
    filter: fixed({ imageType: 'GOLD', status: 'ACTIVE', architecture: 'ARM' }),
    sort: { key: 'NAME', direction: 'DESC' },
    size: 37,
    atLeast: 40,
  },
  { label: 'osType WINDOWS + hasGpu true', region: BIG, filter: fixed({ osType: 'WINDOWS', hasGpu: true }), sort: { key: 'CREATED_AT', direction: 'ASC' }, size: 4, atLeast: 5 },
  {
    label: 'status ACTIVE + platform + architecture X86',
    region: BIG,
    filter: fixed({ status: 'ACTIVE', platform: 'Ubuntu', architecture: 'X86' }),
    sort: { key: 'DISK_FORMAT', direction: 'ASC' },
    size: 37,
    atLeast: 40,
  },
  {
    label: 'osType LINUX + createdAfter + hasGpu false',
    region: BIG,
    filter: async () => ({ osType: 'LINUX', hasGpu: false, createdAfter: await createdAtIndex(BIG, 400) }),
    sort: { key: 'NAME', direction: 'ASC' },
    size: 37,
    atLeast: 200,
  },
  {
    label: 'imageType PRIVATE + status ACTIVE + platform + createdBefore',
    region: BIG,
    filter: async () => ({ imageType: 'PRIVATE', status: 'ACTIVE', platform: 'CentOS', createdBefore: await createdAtIndex(BIG, 50) }),
    sort: { key: 'STATUS', direction: 'DESC' },
    size: 3,
    atLeast: 5,
  },
  { label: 'architecture ARM + hasGpu false, small region', region: SMALL, filter: fixed({ architecture: 'ARM', hasGpu: false }), sort: { key: 'DISK_FORMAT', direction: 'DESC' }, size: 7, atLeast: 20 },
  { label: 'bob: nameContains', region: BIG, filter: fixed({ nameContains: 'k8s' }), sort: { key: 'NAME', direction: 'ASC' }, size: 2, token: BOB.token, atLeast: 3 },
  {
    label: 'bob: osType LINUX + platform, small region',
    region: SMALL,
    filter: fixed({ osType: 'LINUX', platform: 'Ubuntu' }),
    sort: { key: 'CREATED_AT', direction: 'DESC' },
    size: 11,
    token: BOB.token,
    atLeast: 20,
  },
];

describe.each(WALKS)('$label ($region, $sort.key $sort.direction, pages of $size)', ({ region, filter, sort, size, token = ALICE.token, atLeast }) => {
  it('first/after to the end: the oracle’s images in order, exact pageInfo, totalCount on every page', async () => {
    const f = await filter();
    const expected = await expectedIds(region, f, sort, token);
    expect(expected.length).toBeGreaterThanOrEqual(atLeast);
    expectForward(await forwardWalk(api, { region, filter: f, sort }, size, token), expected, size);
  });

  it('last/before from the end: the same images, page by page from the back', async () => {
    const f = await filter();
    const expected = await expectedIds(region, f, sort, token);
    expectBackward(await backwardWalk(api, { region, filter: f, sort }, size, token), expected, size);
  });
});

describe('derived filters, details', () => {
  it('platform is exact: another case or a prefix matches nothing', async () => {
    for (const platform of ['ubuntu', 'Ubunt', 'EulerOS ']) {
      const result = await page(api, { region: BIG, filter: { platform }, first: 5 });
      expect(result.ids, platform).toEqual([]);
      expect(result.totalCount).toBe(0);
    }
    const euler = await expectedIds(BIG, { platform: 'EulerOS' }, { key: 'CREATED_AT', direction: 'DESC' });
    const hce = await expectedIds(BIG, { platform: 'Huawei Cloud EulerOS' }, { key: 'CREATED_AT', direction: 'DESC' });
    expect(euler.length).toBeGreaterThan(0);
    expect(hce.length).toBeGreaterThan(0);
    expect((await page(api, { region: BIG, filter: { platform: 'EulerOS' }, first: 1 })).totalCount).toBe(euler.length);
  });

  it('nameContains is a literal, case-insensitive substring (not a pattern)', async () => {
    for (const nameContains of ['.04', 'FOR arm', 'cUdA 11.4', '测试', '(', '*', 'no-such-image-name']) {
      const expected = await expectedIds(BIG, { nameContains }, { key: 'CREATED_AT', direction: 'DESC' });
      const result = await page(api, { region: BIG, filter: { nameContains }, first: 500 });
      expect(result.ids, nameContains).toEqual(expected);
      expect(result.totalCount, nameContains).toBe(expected.length);
    }
  });

  it('a filter that matches nothing: no edges, nothing before or after, totalCount 0', async () => {
    const filter: Filter = { platform: 'Windows', architecture: 'ARM' };
    expect(await expectedIds(BIG, filter, { key: 'CREATED_AT', direction: 'DESC' })).toEqual([]);
    for (const args of [{ first: 10 }, { last: 10 }, { first: 0 }, { last: 0 }]) {
      const result = await page(api, { region: BIG, filter, ...args });
      expect(result).toEqual({ totalCount: 0, ids: [], cursors: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
    }
  });

  it('`first: 0` / `last: 0` with a derived filter: no edges, exact flags, the total', async () => {
    const filter: Filter = { hasGpu: true };
    const expected = await expectedIds(BIG, filter, { key: 'CREATED_AT', direction: 'DESC' });
    expect(await page(api, { region: BIG, filter, first: 0 })).toEqual({
      totalCount: expected.length,
      ids: [],
      cursors: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
    expect(await page(api, { region: BIG, filter, last: 0 })).toEqual({
      totalCount: expected.length,
      ids: [],
      cursors: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });

  it('pages of 500 over more than 500 matches, both ways', async () => {
    const filter: Filter = { architecture: 'X86' };
    const sort: Sort = { key: 'NAME', direction: 'ASC' };
    const expected = await expectedIds(BIG, filter, sort);
    expect(expected.length).toBeGreaterThan(500);
    expectForward(await forwardWalk(api, { region: BIG, filter, sort }, 500), expected, 500);
    expectBackward(await backwardWalk(api, { region: BIG, filter, sort }, 500), expected, 500);
  });

  it('every edge’s cursor continues right after (or ends right before) its own image', async () => {
    const filter: Filter = { nameContains: 'for', hasGpu: false };
    const sort: Sort = { key: 'DISK_FORMAT', direction: 'ASC' };
    const expected = await expectedIds(BIG, filter, sort);
    expect(expected.length).toBeGreaterThan(60);
    const first = await page(api, { region: BIG, filter, sort, first: 60 });
    expect(first.ids).toEqual(expected.slice(0, 60));
    for (const i of [0, 5, 31, 59]) {
      const after = await page(api, { region: BIG, filter, sort, first: 4, after: first.cursors[i]! });
      expect(after.ids, `after edge ${i}`).toEqual(expected.slice(i + 1, i + 5));
      expect(after.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: i + 5 < expected.length });
      const before = await page(api, { region: BIG, filter, sort, last: 4, before: first.cursors[i]! });
      expect(before.ids, `before edge ${i}`).toEqual(expected.slice(Math.max(0, i - 4), i));
      expect(before.pageInfo).toMatchObject({ hasPreviousPage: i > 4, hasNextPage: true });
    }
  });
});

describe('createdAfter / createdBefore are strict', () => {
  it('an image created at exactly the bound is left out; a second earlier/later takes it in', async () => {
    const all = await everything(BIG);
    const index = 250;
    const pivot = all[index]!;
    // The data has no two images created at the same instant, so the counts below are exact.
    expect(all.filter((image) => image.created_at === pivot.created_at)).toHaveLength(1);
    const t = Date.parse(pivot.created_at);
    const iso = (ms: number): string => new Date(ms).toISOString();
    /** The same instant written with a +08:00 offset. */
    const plus8 = new Date(t + 8 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');

    const count = async (filter: Filter): Promise<{ total: number; ids: string[] }> => {
      const result = await page(api, { region: BIG, filter, first: 500 });
      return { total: result.totalCount!, ids: result.ids };
    };

    const after = await count({ createdAfter: pivot.created_at });
    expect(after.total).toBe(index);
    expect(after.ids).toEqual(all.slice(0, index).map((image) => image.id));
    expect(after.ids).not.toContain(pivot.id);
    expect((await count({ createdAfter: plus8 })).total).toBe(index);
    expect((await count({ createdAfter: iso(t - 1000) })).total).toBe(index + 1);

    const before = await count({ createdBefore: pivot.created_at });
    expect(before.total).toBe(all.length - index - 1);
    expect(before.ids).not.toContain(pivot.id);
    expect((await count({ createdBefore: plus8 })).total).toBe(all.length - index - 1);
    expect((await count({ createdBefore: iso(t + 1000) })).total).toBe(all.length - index);

    // Both bounds on the pivot itself: nothing; a second around it: the pivot alone.
    expect((await count({ createdAfter: pivot.created_at, createdBefore: pivot.created_at })).total).toBe(0);
    expect((await count({ createdAfter: iso(t - 1000), createdBefore: iso(t + 1000) })).ids).toEqual([pivot.id]);
  });
});

// ---------------------------------------------------------------------------------------------
// totalCount
// ---------------------------------------------------------------------------------------------

describe('totalCount', () => {
  it.each([
    ['no filter', BIG, {}, { key: 'CREATED_AT', direction: 'DESC' }, 97, ALICE.token],
    ['upstream filters only', BIG, { imageType: 'PRIVATE', status: 'ACTIVE' }, { key: 'NAME', direction: 'ASC' }, 23, ALICE.token],
    ['osType only, bob', SMALL, { osType: 'WINDOWS' }, { key: 'STATUS', direction: 'DESC' }, 7, BOB.token],
  ] as [string, string, Filter, Sort, number, string][])('%s: the oracle’s count on every page, both ways (and the same images)', async (_label, region, filter, sort, size, token) => {
    const expected = await expectedIds(region, filter, sort, token);
    expect(expected.length).toBeGreaterThan(size);
    expectForward(await forwardWalk(api, { region, filter, sort }, size, token), expected, size);
    expectBackward(await backwardWalk(api, { region, filter, sort }, size, token), expected, size);
  });
});

// ---------------------------------------------------------------------------------------------
// imageFacets
// ---------------------------------------------------------------------------------------------

describe('imageFacets', () => {
  it.each([
    ['no filter', BIG, async (): Promise<Filter> => ({}), ALICE.token],
    ['osType and architecture set (their own facets ignore them)', BIG, async (): Promise<Filter> => ({ osType: 'LINUX', architecture: 'ARM' }), ALICE.token],
    ['imageType PRIVATE + nameContains', BIG, async (): Promise<Filter> => ({ imageType: 'PRIVATE', nameContains: 'web' }), ALICE.token],
    ['platform + hasGpu + status', BIG, async (): Promise<Filter> => ({ platform: 'Windows', hasGpu: true, status: 'ACTIVE' }), ALICE.token],
    ['imageType GOLD + createdAfter', BIG, async (): Promise<Filter> => ({ imageType: 'GOLD', createdAfter: await createdAtIndex(BIG, 300) }), ALICE.token],
    ['bob, hasGpu false', SMALL, async (): Promise<Filter> => ({ hasGpu: false }), BOB.token],
    ['matching nothing', BIG, async (): Promise<Filter> => ({ nameContains: 'no-such-image-name' }), ALICE.token],
  ] as [string, string, () => Promise<Filter>, string][])('%s: every facet equals the oracle’s counts, in order', async (_label, region, makeFilter, token) => {
    const filter = await makeFilter();
    const expected = await expectedFacets(region, filter, token);
    const data = dataOf(await api.query<{ imageFacets: Facets }>(FACETS_QUERY, { region, filter }, token));
    for (const name of Object.keys(FACETS) as FacetName[]) {
      expect(data.imageFacets[name], name).toEqual(expected[name]);
    }
  });

  it('the data gives the facets something to show (guards the cases above)', async () => {
    const facets = await expectedFacets(BIG, {});
    expect(facets.gpuType.map((f) => f.value)).toEqual(expect.arrayContaining(['T4', 'V100_vGPU', 'RTX5000', 'M60_vGPU']));
    expect(facets.architecture.map((f) => f.value).sort()).toEqual(['ARM', 'X86']);
    expect(facets.imageType.map((f) => f.value).sort()).toEqual(['GOLD', 'MARKET', 'PRIVATE']);
    expect(facets.status).toHaveLength(5);
    const linuxArm = await expectedFacets(BIG, { osType: 'LINUX', architecture: 'ARM' });
    // Own filter ignored: the osType facet still shows OTHER (ARM data images), the architecture facet X86.
    expect(linuxArm.osType.map((f) => f.value)).toContain('OTHER');
    expect(linuxArm.architecture.map((f) => f.value)).toContain('X86');
    // Bob's imported vmdk images make a diskFormat UNKNOWN in the 'bob, hasGpu false' case.
    expect((await expectedFacets(SMALL, { hasGpu: false }, BOB.token)).diskFormat.map((f) => f.value)).toContain('UNKNOWN');
  });
});

// ---------------------------------------------------------------------------------------------
// latestImage
// ---------------------------------------------------------------------------------------------

describe('latestImage', () => {
  it.each([
    ['no filter', BIG, async (): Promise<Filter> => ({}), ALICE.token],
    ['platform', BIG, async (): Promise<Filter> => ({ platform: 'Ubuntu' }), ALICE.token],
    ['architecture ARM + hasGpu false', BIG, async (): Promise<Filter> => ({ architecture: 'ARM', hasGpu: false }), ALICE.token],
    ['imageType PRIVATE', BIG, async (): Promise<Filter> => ({ imageType: 'PRIVATE' }), ALICE.token],
    ['osType WINDOWS + hasGpu true', BIG, async (): Promise<Filter> => ({ osType: 'WINDOWS', hasGpu: true }), ALICE.token],
    ['nameContains CJK, bob', BIG, async (): Promise<Filter> => ({ nameContains: '镜像' }), BOB.token],
    ['createdBefore the newest active image (strict)', BIG, async (): Promise<Filter> => ({ createdBefore: (await expectedLatest(BIG, {}))!.created_at }), ALICE.token],
    ['createdAfter, small region', SMALL, async (): Promise<Filter> => ({ createdAfter: await createdAtIndex(SMALL, 200) }), ALICE.token],
  ] as [string, string, () => Promise<Filter>, string][])('%s: the most recently created ACTIVE match', async (_label, region, makeFilter, token) => {
    const filter = await makeFilter();
    const expected = await expectedLatest(region, filter, token);
    expect(expected).not.toBeNull();
    const data = dataOf(await api.query<LatestData>(LATEST_QUERY, { region, filter }, token));
    expect(data.latestImage).toEqual({ imageId: expected!.id, status: 'ACTIVE', createdAt: new Date(expected!.created_at).toISOString() });
  });

  it('the newest image overall is not active in some filter: latestImage skips it', async () => {
    // A filter whose newest match is not ACTIVE exists in the data; latestImage must pass over it.
    const all = await everything(BIG);
    const newestInactive = all.find((image) => image.status !== 'active')!;
    const filter: Filter = { createdBefore: new Date(createdMs(newestInactive) + 1000).toISOString() };
    const first = all.find((image) => matches(image, filter))!;
    expect(first.id).toBe(newestInactive.id);
    const expected = await expectedLatest(BIG, filter);
    expect(expected!.id).not.toBe(newestInactive.id);
    const data = dataOf(await api.query<LatestData>(LATEST_QUERY, { region: BIG, filter }));
    expect(data.latestImage?.imageId).toBe(expected!.id);
  });

  it.each([
    ['a name nobody has', async (): Promise<Filter> => ({ nameContains: 'no-such-image-name' })],
    ['status DELETED (never ACTIVE)', async (): Promise<Filter> => ({ status: 'DELETED' })],
    ['Windows on ARM', async (): Promise<Filter> => ({ platform: 'Windows', architecture: 'ARM' })],
    ['createdBefore the oldest image', async (): Promise<Filter> => ({ createdBefore: (await everything(BIG)).at(-1)!.created_at })],
  ] as [string, () => Promise<Filter>][])('%s: null, no error', async (_label, makeFilter) => {
    const filter = await makeFilter();
    expect(await expectedLatest(BIG, filter)).toBeNull();
    const result = await api.query<LatestData>(LATEST_QUERY, { region: BIG, filter });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ latestImage: null });
  });
});

// ---------------------------------------------------------------------------------------------
// regions
// ---------------------------------------------------------------------------------------------

describe('regions', () => {
  it('lists the emulator’s seven regions, each once', async () => {
    const data = dataOf(await api.query<{ regions: string[] }>('{ regions }'));
    expect(new Set(data.regions).size).toBe(data.regions.length);
    expect([...data.regions].sort()).toEqual([...EMULATOR_REGIONS].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// Cursors
// ---------------------------------------------------------------------------------------------

describe('cursors under derived filters', () => {
  const FILTER: Filter = { platform: 'Ubuntu', hasGpu: false };
  const SORT: Sort = { key: 'NAME', direction: 'ASC' };
  let cursor: string;
  beforeAll(async () => {
    cursor = (await page(api, { region: BIG, filter: FILTER, sort: SORT, first: 3 })).pageInfo.endCursor!;
  });

  it('works with the arguments it came from (control)', async () => {
    const expected = await expectedIds(BIG, FILTER, SORT);
    expect((await page(api, { region: BIG, filter: FILTER, sort: SORT, first: 3, after: cursor })).ids).toEqual(expected.slice(3, 6));
    expect((await page(api, { region: BIG, filter: FILTER, sort: SORT, last: 2, before: cursor })).ids).toEqual(expected.slice(0, 2));
  });

  it.each([
    ['another derived value', { region: BIG, filter: { ...FILTER, platform: 'CentOS' }, sort: SORT }],
    ['another derived field', { region: BIG, filter: { ...FILTER, architecture: 'X86' }, sort: SORT }],
    ['a derived field dropped', { region: BIG, filter: { platform: 'Ubuntu' }, sort: SORT }],
    ['an extra upstream filter', { region: BIG, filter: { ...FILTER, imageType: 'GOLD' }, sort: SORT }],
    ['no filter (pass-through listing)', { region: BIG, sort: SORT }],
    ['createdAfter added', { region: BIG, filter: { ...FILTER, createdAfter: '2018-01-01T00:00:00Z' }, sort: SORT }],
    ['another sort', { region: BIG, filter: FILTER, sort: { key: 'NAME', direction: 'DESC' } }],
    ['another region', { region: SMALL, filter: FILTER, sort: SORT }],
  ] as [string, WalkArgs][])('reused under %s → BAD_USER_INPUT, as `after` and as `before`', async (_label, args) => {
    for (const extra of [{ first: 2, after: cursor }, { last: 2, before: cursor }]) {
      const error = onlyError(await listPage(api, { ...args, ...extra }));
      expect(error.extensions?.code, error.message).toBe('BAD_USER_INPUT');
    }
  });

  it('a cursor of the pass-through listing is refused under a derived filter', async () => {
    const plain = (await page(api, { region: BIG, first: 3 }, ALICE.token, false)).pageInfo.endCursor!;
    const error = onlyError(await listPage(api, { region: BIG, filter: { nameContains: 'a' }, first: 2, after: plain }));
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('with the same arguments, cursors go both ways between snapshot pages (totalCount) and pass-through pages', async () => {
    const filter: Filter = { imageType: 'PRIVATE' };
    const sort: Sort = { key: 'STATUS', direction: 'ASC' };
    const expected = await expectedIds(BIG, filter, sort);
    const withTotal = await page(api, { region: BIG, filter, sort, first: 10 });
    expect(withTotal.totalCount).toBe(expected.length);
    const plain = await page(api, { region: BIG, filter, sort, first: 10, after: withTotal.pageInfo.endCursor! }, ALICE.token, false);
    expect(plain.ids).toEqual(expected.slice(10, 20));
    const back = await page(api, { region: BIG, filter, sort, first: 10, after: plain.pageInfo.endCursor! });
    expect(back.ids).toEqual(expected.slice(20, 30));
    expect(back.totalCount).toBe(expected.length);
    const previous = await page(api, { region: BIG, filter, sort, last: 5, before: plain.pageInfo.startCursor! });
    expect(previous.ids).toEqual(expected.slice(5, 10));
  });
});

// ---------------------------------------------------------------------------------------------
// The snapshot, counted from the upstream's side
// ---------------------------------------------------------------------------------------------

/** A harness of its own (empty snapshots), closed after `run`. */
async function withFresh(env: Record<string, string>, run: (harness: ApiHarness) => Promise<void>): Promise<void> {
  const harness = await startApi({ env });
  try {
    await run(harness);
  } finally {
    await harness.close();
  }
}

async function measured<T>(harness: ApiHarness, run: () => Promise<T>): Promise<{ value: T; calls: RecordedRequest[] }> {
  harness.emulator.clearRequests();
  const value = await run();
  return { value, calls: [...harness.emulator.apiRequests] };
}

/**
 * `calls` are exactly one walk of the upstream listing for (token, region, upstream filter part):
 * pages of limit=500, the first without a marker, each next one after the last image of the one
 * before (replayed on the oracle), the last one short, together the whole listing.
 */
async function expectOneWalk(calls: readonly RecordedRequest[], region: string, token: string, upstream: RestParams = {}): Promise<void> {
  expect(calls.length, JSON.stringify(calls.map((c) => c.query))).toBeGreaterThan(0);
  const wanted = Object.fromEntries(Object.entries(upstream).map(([k, v]) => [k, String(v)]));
  const seen: string[] = [];
  for (const [i, call] of calls.entries()) {
    expect(call.region).toBe(region);
    expect(call.projectId).toBe(PROJECT[token]);
    expect(call.status).toBe(200);
    const { limit, marker, sort_key: _key, sort_dir: _dir, ...rest } = call.query;
    expect(limit, `call ${i} limit`).toBe('500');
    expect(rest, `call ${i} filter part`).toEqual(wanted);
    if (i === 0) expect(marker).toBeUndefined();
    const answer = await restPage(api, region, call.query, token);
    seen.push(...answer.map((image) => image.id));
    const next = calls[i + 1];
    if (next) {
      expect(answer).toHaveLength(500);
      expect(next.query.marker, `call ${i + 1} marker`).toBe(answer.at(-1)!.id);
    } else {
      expect(answer.length).toBeLessThan(500);
    }
  }
  const whole = await restWalk(api, region, upstream, token);
  expect(seen.length).toBe(whole.length);
  expect(new Set(seen)).toEqual(new Set(whole.map((image) => image.id)));
}

describe('the snapshot, counted upstream', () => {
  it('a derived-filter walk reads the listing once (pages of 500 by marker), then every page, way and field comes from it', async () => {
    await withFresh({}, async (fresh) => {
      const filter: Filter = { platform: 'Ubuntu' };
      const sort: Sort = { key: 'CREATED_AT', direction: 'DESC' };
      const expected = await expectedIds(BIG, filter, sort);

      const firstPage = await measured(fresh, () => page(fresh, { region: BIG, filter, sort, first: 37 }));
      expect(firstPage.value.ids).toEqual(expected.slice(0, 37));
      expect(firstPage.calls).toHaveLength(2); // alice sees more than 500 images in cn-north-4
      await expectOneWalk(firstPage.calls, BIG, ALICE.token);

      const rest = await measured(fresh, async () => {
        expectForward(await forwardWalk(fresh, { region: BIG, filter, sort }, 37), expected, 37);
        expectBackward(await backwardWalk(fresh, { region: BIG, filter, sort }, 37), expected, 37);
        await page(fresh, { region: BIG, filter: { architecture: 'ARM' }, sort: { key: 'NAME', direction: 'DESC' }, first: 5 });
        dataOf(await fresh.query(FACETS_QUERY, { region: BIG, filter: { hasGpu: true } }));
        dataOf(await fresh.query(LATEST_QUERY, { region: BIG, filter: { nameContains: 'x' } }));
      });
      expect(rest.calls.map((call) => call.query)).toEqual([]);
    });
  });

  it('totalCount with no derived filter: served by the snapshot, no upstream call per page of the walk', async () => {
    await withFresh({}, async (fresh) => {
      const sort: Sort = { key: 'CREATED_AT', direction: 'DESC' };
      const expected = await expectedIds(SMALL, {}, sort);
      const { value, calls } = await measured(fresh, () => forwardWalk(fresh, { region: SMALL, sort }, 97));
      expectForward(value, expected, 97);
      expect(value.length).toBeGreaterThan(1);
      await expectOneWalk(calls, SMALL, ALICE.token);
      const again = await measured(fresh, () => page(fresh, { region: SMALL, first: 5 }));
      expect(again.value.totalCount).toBe(expected.length);
      expect(again.calls.map((call) => call.query)).toEqual([]);
    });
  });

  it('the snapshot is per upstream filter part: imageType PRIVATE reads the private listing', async () => {
    await withFresh({}, async (fresh) => {
      const filter: Filter = { imageType: 'PRIVATE', nameContains: 'web' };
      const sort: Sort = { key: 'NAME', direction: 'ASC' };
      const expected = await expectedIds(BIG, filter, sort);
      const { value, calls } = await measured(fresh, () => forwardWalk(fresh, { region: BIG, filter, sort }, 2));
      expectForward(value, expected, 2);
      await expectOneWalk(calls, BIG, ALICE.token, { __imagetype: 'private' });
    });
  });

  it('two callers never share a snapshot; each keeps its own', async () => {
    await withFresh({}, async (fresh) => {
      const filter: Filter = { nameContains: '镜像' };
      const sort: Sort = { key: 'CREATED_AT', direction: 'DESC' };
      const forAlice = await expectedIds(BIG, filter, sort, ALICE.token);
      const forBob = await expectedIds(BIG, filter, sort, BOB.token);
      expect(forAlice).not.toEqual(forBob);

      const a = await measured(fresh, () => page(fresh, { region: BIG, filter, sort, first: 50 }, ALICE.token));
      expect(a.value.ids).toEqual(forAlice);
      expect(a.value.totalCount).toBe(forAlice.length);
      await expectOneWalk(a.calls, BIG, ALICE.token);

      const b = await measured(fresh, () => page(fresh, { region: BIG, filter, sort, first: 50 }, BOB.token));
      expect(b.value.ids).toEqual(forBob);
      expect(b.value.totalCount).toBe(forBob.length);
      await expectOneWalk(b.calls, BIG, BOB.token);

      const again = await measured(fresh, async () => {
        expect((await page(fresh, { region: BIG, filter, sort, first: 50 }, ALICE.token)).ids).toEqual(forAlice);
        expect((await page(fresh, { region: BIG, filter, sort, first: 50 }, BOB.token)).ids).toEqual(forBob);
      });
      expect(again.calls).toEqual([]);
    });
  });

  it('5 identical parallel queries make one walk; 5 parallel reads of another caller’s cold snapshot, one more', async () => {
    await withFresh({}, async (fresh) => {
      const filter: Filter = { hasGpu: true };
      const sort: Sort = { key: 'CREATED_AT', direction: 'DESC' };
      const expected = await expectedIds(BIG, filter, sort);
      const same = await measured(fresh, () => Promise.all(Array.from({ length: 5 }, () => page(fresh, { region: BIG, filter, sort, first: 10 }))));
      for (const result of same.value) {
        expect(result.ids).toEqual(expected.slice(0, 10));
        expect(result.totalCount).toBe(expected.length);
      }
      await expectOneWalk(same.calls, BIG, ALICE.token);

      // Five different reads that all need bob's whole-region snapshot.
      const mixed = await measured(fresh, () =>
        Promise.all([
          page(fresh, { region: BIG, filter: { platform: 'CentOS' }, first: 5 }, BOB.token),
          page(fresh, { region: BIG, filter: { nameContains: 'k8s' }, first: 5 }, BOB.token),
          page(fresh, { region: BIG, filter: { createdAfter: '2019-06-01T00:00:00Z' }, first: 5 }, BOB.token),
          fresh.query(FACETS_QUERY, { region: BIG, filter: { architecture: 'ARM' } }, BOB.token).then(dataOf),
          fresh.query(LATEST_QUERY, { region: BIG, filter: { hasGpu: false } }, BOB.token).then(dataOf),
        ]),
      );
      expect(mixed.value[2].totalCount).toBe((await everything(BIG, BOB.token)).filter((image) => matches(image, { createdAfter: '2019-06-01T00:00:00Z' })).length);
      await expectOneWalk(mixed.calls, BIG, BOB.token);
    });
  });

  it('queries the upstream answers alone keep pass-through paging, even with a snapshot there', async () => {
    await withFresh({}, async (fresh) => {
      // Build the snapshot first.
      const warm = await measured(fresh, () => page(fresh, { region: BIG, filter: { hasGpu: true }, first: 1 }));
      await expectOneWalk(warm.calls, BIG, ALICE.token);

      const all = await everything(BIG);
      const one = await measured(fresh, () => page(fresh, { region: BIG, first: 20 }, ALICE.token, false));
      expect(one.value.ids).toEqual(all.slice(0, 20).map((image) => image.id));
      expect(one.calls.map((call) => call.query)).toEqual([{ limit: '21', sort_key: 'created_at', sort_dir: 'desc' }]);

      const two = await measured(fresh, () => page(fresh, { region: BIG, first: 20, after: one.value.pageInfo.endCursor! }, ALICE.token, false));
      expect(two.value.ids).toEqual(all.slice(20, 40).map((image) => image.id));
      expect(two.calls.map((call) => call.query)).toEqual([{ limit: '21', marker: all[19]!.id, sort_key: 'created_at', sort_dir: 'desc' }]);

      const filter: Filter = { imageType: 'PRIVATE' };
      const sort: Sort = { key: 'NAME', direction: 'ASC' };
      const expected = await expectedIds(BIG, filter, sort);
      const filtered = await measured(fresh, () => page(fresh, { region: BIG, filter, sort, first: 5 }, ALICE.token, false));
      expect(filtered.value.ids).toEqual(expected.slice(0, 5));
      expect(filtered.calls.map((call) => call.query)).toEqual([{ __imagetype: 'private', limit: '6', sort_key: 'name', sort_dir: 'asc' }]);

      const backward = await measured(fresh, () => page(fresh, { region: BIG, last: 10 }, ALICE.token, false));
      expect(backward.value.ids).toEqual(all.slice(-10).map((image) => image.id));
      expect(backward.calls.map((call) => call.query)).toEqual([{ limit: '11', sort_key: 'created_at', sort_dir: 'asc' }]);
    });
  });

  it('SNAPSHOT_MAX_IMAGES: a listing larger than it is BAD_USER_INPUT without a walk; one that fits works', async () => {
    const small = await everything(SMALL);
    await withFresh({ SNAPSHOT_MAX_IMAGES: String(small.length) }, async (fresh) => {
      // Exactly at the limit: fine.
      const fits = await measured(fresh, () => page(fresh, { region: SMALL, filter: { hasGpu: true }, first: 5 }));
      expect(fits.value.totalCount).toBe((await expectedIds(SMALL, { hasGpu: true }, { key: 'CREATED_AT', direction: 'DESC' })).length);
      await expectOneWalk(fits.calls, SMALL, ALICE.token);

      // cn-north-4 (654 for alice) is larger: every snapshot read is refused, none walks the region.
      for (const [query, variables] of [
        [PAGE_WITH_TOTAL, { region: BIG, filter: { platform: 'Ubuntu' }, first: 5 }],
        [PAGE_WITH_TOTAL, { region: BIG, first: 5 }],
        [FACETS_QUERY, { region: BIG }],
        [LATEST_QUERY, { region: BIG, filter: { hasGpu: true } }],
      ] as [string, Record<string, unknown>][]) {
        const { value, calls } = await measured(fresh, () => fresh.query(query, variables));
        const error = onlyError(value);
        expect(error.extensions?.code, error.message).toBe('BAD_USER_INPUT');
        expect(error.message.length).toBeGreaterThan(10);
        // At most the first page of 500 is read: no marker, no second page.
        expect(calls.filter((call) => call.query.limit === '500').length, 'no walk of the whole region').toBeLessThanOrEqual(1);
        expect(calls.filter((call) => call.query.marker !== undefined)).toEqual([]);
      }

      // An upstream filter part small enough fits (114 private images for alice).
      const filter: Filter = { imageType: 'PRIVATE', platform: 'CentOS' };
      const expected = await expectedIds(BIG, filter, { key: 'CREATED_AT', direction: 'DESC' });
      const privateOnly = await measured(fresh, () => page(fresh, { region: BIG, filter, first: 100 }));
      expect(privateOnly.value.ids).toEqual(expected);
      await expectOneWalk(privateOnly.calls, BIG, ALICE.token, { __imagetype: 'private' });

      // Pass-through paging needs no snapshot, so it still works there.
      const plain = await page(fresh, { region: BIG, first: 5 }, ALICE.token, false);
      expect(plain.ids).toEqual((await everything(BIG)).slice(0, 5).map((image) => image.id));
    });
  });

  it('SNAPSHOT_TTL_MS: within it no new walk; after it, one new walk', async () => {
    const ttl = 1000;
    await withFresh({ SNAPSHOT_TTL_MS: String(ttl) }, async (fresh) => {
      const filter: Filter = { architecture: 'ARM' };
      const expected = await expectedIds(SMALL, filter, { key: 'CREATED_AT', direction: 'DESC' });
      const started = Date.now();
      const first = await measured(fresh, () => page(fresh, { region: SMALL, filter, first: 100 }));
      expect(first.value.ids).toEqual(expected);
      await expectOneWalk(first.calls, SMALL, ALICE.token);

      const cached = await measured(fresh, () => page(fresh, { region: SMALL, filter, first: 100 }));
      expect(Date.now() - started).toBeLessThan(ttl); // still within the TTL (the check is only meaningful then)
      expect(cached.calls).toEqual([]);

      let walkedAt = 0;
      await expect
        .poll(
          async () => {
            const at = Date.now();
            const again = await measured(fresh, () => page(fresh, { region: SMALL, filter, first: 100 }));
            expect(again.value.ids).toEqual(expected);
            if (again.calls.length > 0) {
              walkedAt = at;
              await expectOneWalk(again.calls, SMALL, ALICE.token);
            }
            return again.calls.length;
          },
          { timeout: 5_000, interval: 100 },
        )
        .toBe(1);
      expect(walkedAt - started).toBeGreaterThanOrEqual(ttl - 10);
    });
  });
});
