import { isValidRegion, MAX_LIMIT, parseWireBoolean, WIRE_SORT_DIRS, WIRE_SORT_KEYS, type ImageInfo, type WireSortDir, type WireSortKey } from '../upstream/wire.js';
import type { Catalog } from './catalog.js';

/**
 * The listing semantics of `GET /v1/cloudimages/{region_id}`, pure: validation, visibility,
 * filters, the total order (sort key, then id) and marker pagination.
 */

export type ListOutcome =
  | { ok: true; images: ImageInfo[] }
  | { ok: false; status: 400; errorCode: 'IEC.000006' | 'IEC.000030' | 'IEC.000031'; errorMsg: string };

export interface ListRequest {
  region: string;
  query: URLSearchParams;
  /** The caller's project: private images of other projects are invisible to it. */
  projectId: string;
  /** An image as it is now (one that finished saving has its new status); default: as the catalog has it. */
  current?: (image: ImageInfo) => ImageInfo;
}

const QUERY_ILLEGAL = 'the query parameter is illegal';

const ENUM_PARAMS: Record<string, readonly string[]> = {
  __imagetype: ['gold', 'private'],
  __os_type: ['Linux', 'Windows', 'Other'],
  status: ['queued', 'saving', 'deleted', 'killed', 'active'],
  virtual_env_type: ['FusionCompute'],
  visibility: ['public', 'private'],
  sort_key: WIRE_SORT_KEYS,
  sort_dir: WIRE_SORT_DIRS,
};

const BOOLEAN_PARAMS = [
  '__isregistered',
  'protected',
  '__support_diskintensive',
  '__support_highperformance',
  '__support_kvm',
  '__support_kvm_infiniband',
  '__support_largememory',
  '__support_xen',
  '__support_xen_hana',
] as const;

const EXACT_PARAMS = ['id', 'name', 'owner', '__os_type', 'status', 'virtual_env_type', 'visibility', '__imagetype', '__support_kvm_gpu_type', '__support_xen_gpu_type'] as const;

function illegal(detail: string): ListOutcome {
  return { ok: false, status: 400, errorCode: 'IEC.000006', errorMsg: `${QUERY_ILLEGAL}: ${detail}` };
}

export function isVisibleTo(image: ImageInfo, projectId: string): boolean {
  return image.visibility === 'public' || image.owner === projectId;
}

function sortValue(image: ImageInfo, key: WireSortKey): string {
  const value = image[key];
  return typeof value === 'string' ? value : '';
}

/** The total order of a listing: the sort key, ties broken by id, both in the sort direction. */
export function compareImages(a: ImageInfo, b: ImageInfo, key: WireSortKey, dir: WireSortDir): number {
  const av = sortValue(a, key);
  const bv = sortValue(b, key);
  const byKey = av < bv ? -1 : av > bv ? 1 : 0;
  const order = byKey !== 0 ? byKey : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return dir === 'asc' ? order : -order;
}

function matches(image: ImageInfo, query: URLSearchParams): boolean {
  for (const param of EXACT_PARAMS) {
    const wanted = query.get(param);
    if (wanted !== null && image[param] !== wanted) return false;
  }
  const listingPublic = query.get('__imagetype') === 'gold';
  for (const param of BOOLEAN_PARAMS) {
    const wanted = query.get(param);
    if (wanted === null) continue;
    // The reference: `__isregistered` is ignored when listing public images.
    if (param === '__isregistered' && listingPublic) continue;
    if (parseWireBoolean(image[param]) !== (wanted === 'true')) return false;
  }
  return true;
}

export function listImages(catalog: Catalog, request: ListRequest): ListOutcome {
  const { region, query, projectId, current } = request;
  if (region === '') {
    return { ok: false, status: 400, errorCode: 'IEC.000031', errorMsg: 'the path parameter is empty: region_id' };
  }
  const regionImages = isValidRegion(region) ? catalog.get(region) : undefined;
  if (!regionImages) {
    return { ok: false, status: 400, errorCode: 'IEC.000030', errorMsg: `the path parameter is illegal: region_id ${JSON.stringify(region.slice(0, 64))}` };
  }

  for (const [param, allowed] of Object.entries(ENUM_PARAMS)) {
    const value = query.get(param);
    if (value !== null && !allowed.includes(value)) return illegal(`${param} must be one of ${allowed.join(', ')}`);
  }
  for (const param of BOOLEAN_PARAMS) {
    const value = query.get(param);
    if (value !== null && value !== 'true' && value !== 'false') return illegal(`${param} must be true or false`);
  }
  const limitParam = query.get('limit');
  let limit = MAX_LIMIT;
  if (limitParam !== null) {
    if (!/^\d{1,3}$/.test(limitParam) || Number(limitParam) > MAX_LIMIT) return illegal(`limit must be an integer from 0 to ${MAX_LIMIT}`);
    limit = Number(limitParam);
  }
  const key = (query.get('sort_key') ?? 'created_at') as WireSortKey;
  const dir = (query.get('sort_dir') ?? 'desc') as WireSortDir;

  const seen = regionImages.filter((image) => isVisibleTo(image, projectId));
  const visible = current ? seen.map(current) : seen;
  const markerId = query.get('marker');
  let marker: ImageInfo | undefined;
  if (markerId !== null) {
    marker = visible.find((image) => image.id === markerId);
    if (!marker) return illegal('marker does not name an image visible in this region');
  }

  const selected = visible
    .filter((image) => matches(image, query) && (!marker || compareImages(image, marker, key, dir) > 0))
    .sort((a, b) => compareImages(a, b, key, dir));
  return { ok: true, images: selected.slice(0, limit) };
}
