/**
 * The upstream's wire shapes, exactly as `GET /v1/cloudimages/{region_id}` sends and takes them
 * (see shared/reference/ListCloudImages.md). Shared with the emulator; nothing GraphQL here.
 */

/** A string the upstream uses for booleans; some responses send JSON booleans instead. */
export type WireBoolean = 'true' | 'false' | boolean;

/** One image as the upstream sends it. Documented keys are typed; any other key may arrive too. */
export interface ImageInfo {
  id: string;
  name: string;
  status: string;
  visibility: string;
  __imagetype: string;
  __isregistered?: WireBoolean;
  __os_type: string;
  __os_version?: string;
  __os_bit?: string;
  __platform?: string;
  __image_size: string;
  __image_source_type?: string;
  __backup_id?: string;
  __data_origin?: string;
  __description?: string;
  __originalimagename?: string;
  __productcode?: string;
  __root_origin?: string;
  __sequence_num?: string;
  __support_kvm?: WireBoolean;
  __support_xen?: WireBoolean;
  __support_largememory?: WireBoolean;
  __support_diskintensive?: WireBoolean;
  __support_highperformance?: WireBoolean;
  __support_kvm_infiniband?: WireBoolean;
  __support_xen_hana?: WireBoolean;
  __support_kvm_gpu_type?: string;
  __support_xen_gpu_type?: string;
  __support_arm?: WireBoolean;
  __support_amd?: WireBoolean;
  checksum?: string;
  size?: number | string | null;
  virtual_size?: number | string | null;
  container_format?: string;
  disk_format?: string;
  created_at: string;
  updated_at: string;
  enterprise_project_id?: string;
  file?: string;
  min_disk: number;
  min_ram: number;
  max_ram?: string;
  owner: string;
  protected: boolean;
  schema?: string;
  self?: string;
  tags: string[];
  virtual_env_type: string;
  hw_firmware_type?: string;
  hw_vif_multiqueue_enabled?: WireBoolean;
  [undocumented: string]: unknown;
}

export interface ListCloudImagesResponse {
  images: ImageInfo[];
}

/** The query parameters of the call, by wire name; every one optional, every one a string on the wire. */
export interface ListImagesQuery {
  __imagetype?: 'gold' | 'private';
  __isregistered?: boolean;
  __os_type?: 'Linux' | 'Windows' | 'Other';
  __support_diskintensive?: true;
  __support_highperformance?: true;
  __support_kvm?: true;
  __support_kvm_infiniband?: true;
  __support_largememory?: true;
  __support_xen?: true;
  __support_xen_hana?: true;
  __support_kvm_gpu_type?: string;
  __support_xen_gpu_type?: string;
  id?: string;
  name?: string;
  owner?: string;
  protected?: boolean;
  status?: 'queued' | 'saving' | 'deleted' | 'killed' | 'active';
  virtual_env_type?: 'FusionCompute';
  visibility?: 'public' | 'private';
  limit?: number;
  marker?: string;
  sort_key?: WireSortKey;
  sort_dir?: WireSortDir;
}

/** What defines a listing (its filters and order), without the page: `limit` and `marker` come per call. */
export type ListingQuery = Omit<ListImagesQuery, 'limit' | 'marker'>;

export type WireSortKey = 'created_at' | 'name' | 'status' | 'disk_format';
export type WireSortDir = 'asc' | 'desc';

export const WIRE_SORT_KEYS: readonly WireSortKey[] = ['created_at', 'name', 'status', 'disk_format'];
export const WIRE_SORT_DIRS: readonly WireSortDir[] = ['asc', 'desc'];

/** Query parameters in the order the client sends them (also the emulator's list of known ones). */
export const LIST_QUERY_PARAMS = [
  '__imagetype',
  '__isregistered',
  '__os_type',
  '__support_diskintensive',
  '__support_highperformance',
  '__support_kvm',
  '__support_kvm_gpu_type',
  '__support_kvm_infiniband',
  '__support_largememory',
  '__support_xen',
  '__support_xen_gpu_type',
  '__support_xen_hana',
  'id',
  'limit',
  'marker',
  'name',
  'owner',
  'protected',
  'sort_dir',
  'sort_key',
  'status',
  'virtual_env_type',
  'visibility',
] as const satisfies readonly (keyof ListImagesQuery)[];

export const MAX_LIMIT = 500;

/** Region ids as DESIGN.md allows them: never a path, never a host. */
export const REGION_PATTERN = /^[a-z]{2,}(-[a-z0-9]+)+$/;
export const REGION_MAX_LENGTH = 64;

export function isValidRegion(region: string): boolean {
  return region.length <= REGION_MAX_LENGTH && REGION_PATTERN.test(region);
}

/** `"true"`, `true` → true; `"false"`, `false` → false; anything else (absent included) → undefined. */
export function parseWireBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/** A wire date-time: the upstream sends UTC, and a time without a zone is read as UTC, never in the server's zone; null when absent. */
export function wireDate(value: unknown): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
  return new Date(zoned);
}
