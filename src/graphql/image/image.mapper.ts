import { parseWireBoolean, type ImageInfo } from '../../upstream/wire.js';
import { toGlobalId } from '../relay/global-id.js';
import { parseByteSize } from '../scalars/byte-size.scalar.js';
import { DISK_FORMAT_WIRE } from './disk-format.enum.js';
import { FIRMWARE_TYPE_WIRE } from './firmware-type.enum.js';
import { ImageOs } from './image-os.type.js';
import { IMAGE_STATUS_WIRE } from './image-status.enum.js';
import { ImageSupport } from './image-support.type.js';
import { IMAGE_TYPE_WIRE } from './image-type.enum.js';
import { IMAGE_VISIBILITY_WIRE } from './image-visibility.enum.js';
import { Image } from './image.type.js';
import { OS_TYPE_WIRE } from './os-type.enum.js';
import { dateTimeField } from './upstream-date.js';
import { VIRTUAL_ENV_TYPE_WIRE } from './virtual-env-type.enum.js';

/** The wire image (`ImageInfo` as sent) to the GraphQL `Image`: pure readers, tolerant of every upstream quirk, run only when a field is read. */

export const IMAGE_TYPENAME = 'Image';

export function imageGlobalId(region: string, imageId: string): string {
  return toGlobalId({ type: IMAGE_TYPENAME, scope: region, localId: imageId });
}

/** A non-empty string, or null: the upstream sends "" for "none" in many fields. */
function str(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A 32-bit GraphQL Int from a number or a decimal string; null when absent or out of range. */
function int(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 ? n : null;
}

function flag(value: unknown): boolean {
  return parseWireBoolean(value) ?? false;
}

function enumOrNull<E>(value: unknown, fromWire: (v: unknown) => E): E | null {
  return value === undefined || value === null || value === '' ? null : fromWire(value);
}

type Readers<T, Own extends keyof T> = { readonly [K in Exclude<keyof T, Own | 'raw'> as T[K] extends (...args: never[]) => unknown ? never : K]: (raw: ImageInfo, self: T) => T[K] };

/** How each `Image` field is read from the wire object; tolerant of every upstream quirk, never throws. */
const IMAGE: Readers<Image, 'region' | 'os' | 'support'> = {
  id: (raw, image) => imageGlobalId(image.region, raw.id),
  imageId: (raw) => raw.id,
  name: (raw) => (typeof raw.name === 'string' ? raw.name : ''),
  description: (raw) => str(raw.__description),
  status: (raw) => IMAGE_STATUS_WIRE.fromWire(raw.status),
  visibility: (raw) => IMAGE_VISIBILITY_WIRE.fromWire(raw.visibility),
  imageType: (raw) => IMAGE_TYPE_WIRE.fromWire(raw.__imagetype),
  registered: (raw) => parseWireBoolean(raw.__isregistered) ?? null,
  owner: (raw) => (typeof raw.owner === 'string' ? raw.owner : ''),
  protected: (raw) => flag(raw.protected),
  tags: (raw) => (Array.isArray(raw.tags) ? raw.tags.filter((tag): tag is string => typeof tag === 'string') : []),
  diskFormat: (raw) => enumOrNull(raw.disk_format, (v) => DISK_FORMAT_WIRE.fromWire(v)),
  containerFormat: (raw) => str(raw.container_format),
  imageSize: (raw) => parseByteSize(raw.__image_size),
  minDisk: (raw) => int(raw.min_disk) ?? 0,
  minRam: (raw) => int(raw.min_ram) ?? 0,
  maxRam: (raw) => int(raw.max_ram),
  virtualEnvType: (raw) => VIRTUAL_ENV_TYPE_WIRE.fromWire(raw.virtual_env_type),
  firmwareType: (raw) => enumOrNull(raw.hw_firmware_type, (v) => FIRMWARE_TYPE_WIRE.fromWire(v)),
  // Required upstream: an unreadable (or absent) one fails its field with UPSTREAM_ERROR rather than inventing a time.
  createdAt: (raw) => dateTimeField(raw.created_at, 'created_at'),
  updatedAt: (raw) => dateTimeField(raw.updated_at, 'updated_at'),
  parentImageId: (raw) => str(raw.__originalimagename),
  imageSourceType: (raw) => str(raw.__image_source_type),
  backupId: (raw) => str(raw.__backup_id),
  dataOrigin: (raw) => str(raw.__data_origin),
  dataSource: (raw) => str(raw.data_source),
  productCode: (raw) => str(raw.__productcode),
  rootOrigin: (raw) => str(raw.__root_origin),
  sequenceNum: (raw) => str(raw.__sequence_num),
  checksum: (raw) => str(raw.checksum),
  size: (raw) => parseByteSize(raw.size),
  virtualSize: (raw) => parseByteSize(raw.virtual_size),
  enterpriseProjectId: (raw) => str(raw.enterprise_project_id),
  file: (raw) => str(raw.file),
  schema: (raw) => str(raw.schema),
  self: (raw) => str(raw.self),
  vifMultiqueueEnabled: (raw) => parseWireBoolean(raw.hw_vif_multiqueue_enabled) ?? null,
  lazyLoading: (raw) => parseWireBoolean(raw.__lazyloading) ?? null,
  deleted: (raw) => parseWireBoolean(raw.deleted) ?? null,
  // Undocumented: anything but a non-empty string reads as no date (as it always has); an unreadable string fails the field.
  deletedAt: (raw) => (typeof raw.deleted_at !== 'string' || raw.deleted_at === '' ? null : dateTimeField(raw.deleted_at, 'deleted_at')),
};

const OS: Readers<ImageOs, never> = {
  type: (raw) => OS_TYPE_WIRE.fromWire(raw.__os_type),
  version: (raw) => str(raw.__os_version),
  bit: (raw) => int(raw.__os_bit),
  platform: (raw) => str(raw.__platform),
};

const SUPPORT: Readers<ImageSupport, never> = {
  kvm: (raw) => flag(raw.__support_kvm),
  xen: (raw) => flag(raw.__support_xen),
  largeMemory: (raw) => flag(raw.__support_largememory),
  diskIntensive: (raw) => flag(raw.__support_diskintensive),
  highPerformance: (raw) => flag(raw.__support_highperformance),
  kvmInfiniband: (raw) => flag(raw.__support_kvm_infiniband),
  xenHana: (raw) => flag(raw.__support_xen_hana),
  arm: (raw) => flag(raw.__support_arm),
  amd: (raw) => flag(raw.__support_amd),
  gpuT4: (raw) => flag(raw.__support_gpu_t4),
  kvmGpuType: (raw) => str(raw.__support_kvm_gpu_type),
  xenGpuType: (raw) => str(raw.__support_xen_gpu_type),
};

/** Each reader becomes a getter on the type's prototype: a field is computed when (and each time) it is read. */
function installReaders<T extends { raw: ImageInfo }>(type: { prototype: T }, readers: object): void {
  for (const [field, read] of Object.entries(readers) as [string, (raw: ImageInfo, self: T) => unknown][]) {
    Object.defineProperty(type.prototype, field, {
      get(this: T) {
        return read(this.raw, this);
      },
      configurable: true,
      enumerable: true,
    });
  }
}

installReaders(Image, IMAGE);
installReaders(ImageOs, OS);
installReaders(ImageSupport, SUPPORT);

/** The field names of each type that the readers fill (every schema field but `raw`, `region`, `os` and `support`). */
export const READ_FIELDS = { image: Object.keys(IMAGE), os: Object.keys(OS), support: Object.keys(SUPPORT) } as const;

export function toImage(raw: ImageInfo, region: string): Image {
  return new Image(raw, region);
}
