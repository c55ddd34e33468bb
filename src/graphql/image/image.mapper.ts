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
import { VIRTUAL_ENV_TYPE_WIRE } from './virtual-env-type.enum.js';

/** The wire image (`ImageInfo` as sent) to the GraphQL `Image`: pure, tolerant of every upstream quirk. */

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

/** The upstream sends UTC; a time without a zone is read as UTC, never in the server's zone. */
function date(value: unknown): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
  return new Date(zoned);
}

function enumOrNull<E>(value: unknown, fromWire: (v: unknown) => E): E | null {
  return value === undefined || value === null || value === '' ? null : fromWire(value);
}

export function toImage(raw: ImageInfo, region: string): Image {
  const os = Object.assign(new ImageOs(), {
    type: OS_TYPE_WIRE.fromWire(raw.__os_type),
    version: str(raw.__os_version),
    bit: int(raw.__os_bit),
    platform: str(raw.__platform),
  });
  const support = Object.assign(new ImageSupport(), {
    kvm: flag(raw.__support_kvm),
    xen: flag(raw.__support_xen),
    largeMemory: flag(raw.__support_largememory),
    diskIntensive: flag(raw.__support_diskintensive),
    highPerformance: flag(raw.__support_highperformance),
    kvmInfiniband: flag(raw.__support_kvm_infiniband),
    xenHana: flag(raw.__support_xen_hana),
    arm: flag(raw.__support_arm),
    amd: flag(raw.__support_amd),
    gpuT4: flag(raw.__support_gpu_t4),
    kvmGpuType: str(raw.__support_kvm_gpu_type),
    xenGpuType: str(raw.__support_xen_gpu_type),
  });
  // `createdAt`/`updatedAt` are required upstream; an unreadable one fails its field loudly
  // (Invalid Date) rather than inventing a time.
  return Object.assign(new Image(), {
    id: imageGlobalId(region, raw.id),
    imageId: raw.id,
    region,
    name: typeof raw.name === 'string' ? raw.name : '',
    description: str(raw.__description),
    status: IMAGE_STATUS_WIRE.fromWire(raw.status),
    visibility: IMAGE_VISIBILITY_WIRE.fromWire(raw.visibility),
    imageType: IMAGE_TYPE_WIRE.fromWire(raw.__imagetype),
    registered: parseWireBoolean(raw.__isregistered) ?? null,
    owner: typeof raw.owner === 'string' ? raw.owner : '',
    protected: flag(raw.protected),
    tags: Array.isArray(raw.tags) ? raw.tags.filter((tag): tag is string => typeof tag === 'string') : [],
    os,
    support,
    diskFormat: enumOrNull(raw.disk_format, (v) => DISK_FORMAT_WIRE.fromWire(v)),
    containerFormat: str(raw.container_format),
    imageSize: parseByteSize(raw.__image_size),
    minDisk: int(raw.min_disk) ?? 0,
    minRam: int(raw.min_ram) ?? 0,
    maxRam: int(raw.max_ram),
    virtualEnvType: VIRTUAL_ENV_TYPE_WIRE.fromWire(raw.virtual_env_type),
    firmwareType: enumOrNull(raw.hw_firmware_type, (v) => FIRMWARE_TYPE_WIRE.fromWire(v)),
    createdAt: date(raw.created_at) ?? new Date(NaN),
    updatedAt: date(raw.updated_at) ?? new Date(NaN),
    parentImageId: str(raw.__originalimagename),
    imageSourceType: str(raw.__image_source_type),
    backupId: str(raw.__backup_id),
    dataOrigin: str(raw.__data_origin),
    dataSource: str(raw.data_source),
    productCode: str(raw.__productcode),
    rootOrigin: str(raw.__root_origin),
    sequenceNum: str(raw.__sequence_num),
    checksum: str(raw.checksum),
    size: parseByteSize(raw.size),
    virtualSize: parseByteSize(raw.virtual_size),
    enterpriseProjectId: str(raw.enterprise_project_id),
    file: str(raw.file),
    schema: str(raw.schema),
    self: str(raw.self),
    vifMultiqueueEnabled: parseWireBoolean(raw.hw_vif_multiqueue_enabled) ?? null,
    lazyLoading: parseWireBoolean(raw.__lazyloading) ?? null,
    deleted: parseWireBoolean(raw.deleted) ?? null,
    deletedAt: date(raw.deleted_at),
    raw,
  });
}
