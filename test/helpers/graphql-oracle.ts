import { expect } from 'vitest';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, type ApiHarness, type GraphQLResponse } from './api-server.js';
import { wireBool } from './emulator-client.js';

/**
 * Oracles and walkers for the GraphQL specs: the REST listing read straight from the emulator, an
 * independent wire → GraphQL mapping (written from DESIGN.md and the reference, not from the
 * mapper), and Relay walks over `images`.
 */

/** Every scalar and nested field of `Image` except `parentImage` (asserted separately). */
export const IMAGE_FIELDS = `
  id imageId region name description status visibility imageType registered owner protected tags
  os { type version bit platform }
  support { kvm xen largeMemory diskIntensive highPerformance kvmInfiniband xenHana arm amd gpuT4 kvmGpuType xenGpuType }
  diskFormat containerFormat imageSize minDisk minRam maxRam virtualEnvType firmwareType createdAt updatedAt
  parentImageId imageSourceType backupId dataOrigin dataSource productCode rootOrigin sequenceNum checksum size virtualSize
  enterpriseProjectId file schema self vifMultiqueueEnabled lazyLoading deleted deletedAt raw`;

export type GqlImage = Record<string, unknown> & { id: string; imageId: string };

// ---------------------------------------------------------------------------------------------
// REST oracle
// ---------------------------------------------------------------------------------------------

export type RestParams = Record<string, string | number | boolean>;

export function restPath(region: string, params: RestParams = {}): string {
  const search = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return `/v1/cloudimages/${encodeURIComponent(region)}${search ? `?${search}` : ''}`;
}

/** One REST page that must answer 200. */
export async function restPage(api: ApiHarness, region: string, params: RestParams = {}, token: string = ALICE.token): Promise<ImageInfo[]> {
  const { status, body } = await api.rest<{ images: ImageInfo[] }>(restPath(region, params), token);
  if (status !== 200 || !Array.isArray(body.images)) throw new Error(`REST ${region} ${JSON.stringify(params)} -> ${status} ${JSON.stringify(body).slice(0, 200)}`);
  return body.images;
}

/** The whole REST listing for these parameters, following `marker` with pages of 500. */
export async function restWalk(api: ApiHarness, region: string, params: RestParams = {}, token: string = ALICE.token): Promise<ImageInfo[]> {
  const all: ImageInfo[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const batch = await restPage(api, region, { ...params, limit: 500, ...(marker === undefined ? {} : { marker }) }, token);
    all.push(...batch);
    const last = batch[batch.length - 1];
    if (batch.length < 500 || last === undefined) return all;
    marker = last.id;
  }
  throw new Error('REST walk did not end');
}

export function idsOf(images: readonly { id: string }[]): string[] {
  return images.map((image) => image.id);
}

// ---------------------------------------------------------------------------------------------
// Independent wire → GraphQL oracle
// ---------------------------------------------------------------------------------------------

const STATUS: Record<string, string> = { queued: 'QUEUED', saving: 'SAVING', deleted: 'DELETED', killed: 'KILLED', active: 'ACTIVE' };
const VISIBILITY: Record<string, string> = { public: 'PUBLIC', private: 'PRIVATE', shared: 'SHARED' };
const IMAGE_TYPE: Record<string, string> = { gold: 'GOLD', private: 'PRIVATE', shared: 'SHARED', market: 'MARKET' };
const OS_TYPE: Record<string, string> = { Linux: 'LINUX', Windows: 'WINDOWS', Other: 'OTHER' };
const DISK_FORMAT: Record<string, string> = { vhd: 'VHD', zvhd: 'ZVHD', zvhd2: 'ZVHD2', raw: 'RAW', qcow2: 'QCOW2', iso: 'ISO' };
const ENV_TYPE: Record<string, string> = { FusionCompute: 'FUSION_COMPUTE', Ironic: 'IRONIC', DataImage: 'DATA_IMAGE', IsoImage: 'ISO_IMAGE' };
const FIRMWARE: Record<string, string> = { bios: 'BIOS', uefi: 'UEFI' };

function enumOf(table: Record<string, string>, value: unknown): string {
  return typeof value === 'string' && Object.hasOwn(table, value) ? table[value]! : 'UNKNOWN';
}

function optionalEnum(table: Record<string, string>, value: unknown): string | null {
  return value === undefined || value === null || value === '' ? null : enumOf(table, value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isoDate(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? new Date(value).toISOString() : null;
}

function bytes(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

function intOrNull(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  return Number(value);
}

/** What DESIGN.md says the GraphQL image must be for this wire object (all fields of IMAGE_FIELDS but `id`). */
export function expectedImage(raw: ImageInfo, region: string): Record<string, unknown> {
  return {
    imageId: raw.id,
    region,
    name: raw.name,
    description: text(raw.__description),
    status: enumOf(STATUS, raw.status),
    visibility: enumOf(VISIBILITY, raw.visibility),
    imageType: enumOf(IMAGE_TYPE, raw.__imagetype),
    registered: wireBool(raw.__isregistered) ?? null,
    owner: raw.owner,
    protected: raw.protected,
    tags: raw.tags,
    os: {
      type: enumOf(OS_TYPE, raw.__os_type),
      version: text(raw.__os_version),
      bit: intOrNull(raw.__os_bit),
      platform: text(raw.__platform),
    },
    support: {
      kvm: wireBool(raw.__support_kvm) ?? false,
      xen: wireBool(raw.__support_xen) ?? false,
      largeMemory: wireBool(raw.__support_largememory) ?? false,
      diskIntensive: wireBool(raw.__support_diskintensive) ?? false,
      highPerformance: wireBool(raw.__support_highperformance) ?? false,
      kvmInfiniband: wireBool(raw.__support_kvm_infiniband) ?? false,
      xenHana: wireBool(raw.__support_xen_hana) ?? false,
      arm: wireBool(raw.__support_arm) ?? false,
      amd: wireBool(raw.__support_amd) ?? false,
      gpuT4: wireBool(raw.__support_gpu_t4) ?? false,
      kvmGpuType: text(raw.__support_kvm_gpu_type),
      xenGpuType: text(raw.__support_xen_gpu_type),
    },
    diskFormat: optionalEnum(DISK_FORMAT, raw.disk_format),
    containerFormat: text(raw.container_format),
    imageSize: bytes(raw.__image_size),
    minDisk: raw.min_disk,
    minRam: raw.min_ram,
    maxRam: intOrNull(raw.max_ram),
    virtualEnvType: enumOf(ENV_TYPE, raw.virtual_env_type),
    firmwareType: optionalEnum(FIRMWARE, raw.hw_firmware_type),
    createdAt: isoDate(raw.created_at),
    updatedAt: isoDate(raw.updated_at),
    parentImageId: text(raw.__originalimagename),
    imageSourceType: text(raw.__image_source_type),
    backupId: text(raw.__backup_id),
    dataOrigin: text(raw.__data_origin),
    dataSource: text(raw.data_source),
    productCode: text(raw.__productcode),
    rootOrigin: text(raw.__root_origin),
    sequenceNum: text(raw.__sequence_num),
    checksum: text(raw.checksum),
    size: bytes(raw.size),
    virtualSize: bytes(raw.virtual_size),
    enterpriseProjectId: text(raw.enterprise_project_id),
    file: text(raw.file),
    schema: text(raw.schema),
    self: text(raw.self),
    vifMultiqueueEnabled: wireBool(raw.hw_vif_multiqueue_enabled) ?? null,
    lazyLoading: wireBool(raw.__lazyloading) ?? null,
    deleted: wireBool(raw.deleted) ?? null,
    deletedAt: isoDate(raw.deleted_at),
    raw,
  };
}

/** The GraphQL image without its opaque global id, for comparison with `expectedImage`. */
export function withoutGlobalId(image: GqlImage): Record<string, unknown> {
  const { id: _id, ...rest } = image;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// GraphQL helpers
// ---------------------------------------------------------------------------------------------

export type ErrorEntry = NonNullable<GraphQLResponse['errors']>[number];

/** The single error of a response; also checks that no stack trace left the server. */
export function onlyError(result: GraphQLResponse<unknown>): ErrorEntry {
  expect(result.errors, JSON.stringify(result)).toHaveLength(1);
  const error = result.errors![0]!;
  expect(error.extensions?.stacktrace).toBeUndefined();
  expect(JSON.stringify(result)).not.toMatch(/\bat [^\s]+ \(|node_modules|\.ts:\d+/);
  return error;
}

/** The data of a response that must have no errors. */
export function dataOf<T>(result: GraphQLResponse<T>): T {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  expect(result.data).toBeTruthy();
  return result.data!;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Page {
  ids: string[];
  cursors: string[];
  pageInfo: PageInfo;
}

export interface ListArgs {
  region: string;
  filter?: Record<string, unknown>;
  sort?: { key?: string; direction?: string };
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

const PAGE_QUERY = `query Page($region: String!, $filter: ImageFilter, $sort: ImageSort, $first: Int, $after: String, $last: Int, $before: String) {
  images(region: $region, filter: $filter, sort: $sort, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { imageId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface PageData {
  images: { edges: { cursor: string; node: { imageId: string } }[]; pageInfo: PageInfo };
}

/** One page of `images` (ids, cursors and the full pageInfo); the query must succeed. */
export async function gqlPage(api: ApiHarness, args: ListArgs, token: string = ALICE.token): Promise<Page> {
  const data = dataOf(await api.query<PageData>(PAGE_QUERY, { ...args }, token));
  return {
    ids: data.images.edges.map((edge) => edge.node.imageId),
    cursors: data.images.edges.map((edge) => edge.cursor),
    pageInfo: data.images.pageInfo,
  };
}

/** `first`/`after` from the start until `hasNextPage` is false. */
export async function gqlForwardWalk(api: ApiHarness, args: Omit<ListArgs, 'first' | 'after' | 'last' | 'before'>, pageSize: number, token: string = ALICE.token): Promise<Page[]> {
  const pages: Page[] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await gqlPage(api, { ...args, first: pageSize, ...(after === undefined ? {} : { after }) }, token);
    pages.push(page);
    if (!page.pageInfo.hasNextPage) return pages;
    if (page.pageInfo.endCursor === null) throw new Error('hasNextPage without an endCursor');
    after = page.pageInfo.endCursor;
  }
  throw new Error('forward walk did not end');
}

/** `last`/`before` from the end until `hasPreviousPage` is false; pages in the order fetched. */
export async function gqlBackwardWalk(api: ApiHarness, args: Omit<ListArgs, 'first' | 'after' | 'last' | 'before'>, pageSize: number, token: string = ALICE.token): Promise<Page[]> {
  const pages: Page[] = [];
  let before: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await gqlPage(api, { ...args, last: pageSize, ...(before === undefined ? {} : { before }) }, token);
    pages.push(page);
    if (!page.pageInfo.hasPreviousPage) return pages;
    if (page.pageInfo.startCursor === null) throw new Error('hasPreviousPage without a startCursor');
    before = page.pageInfo.startCursor;
  }
  throw new Error('backward walk did not end');
}

/** All ids of a forward walk with pages of 500. */
export async function gqlAllIds(api: ApiHarness, args: Omit<ListArgs, 'first' | 'after' | 'last' | 'before'>, token: string = ALICE.token): Promise<string[]> {
  return (await gqlForwardWalk(api, args, 500, token)).flatMap((page) => page.ids);
}
