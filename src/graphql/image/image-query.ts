import { DERIVED_FIELDS, type DerivedFilter } from '../../images/derived-filter.js';
import type { CatalogQuery } from '../../images/image-catalog.js';
import type { ListImagesQuery, ListingQuery } from '../../upstream/wire.js';
import { userInputError } from '../errors.js';
import { ImageFilter } from './image-filter.input.js';
import { IMAGE_SORT_KEY_WIRE } from './image-sort-key.enum.js';
import { ImageSort } from './image-sort.input.js';
import { IMAGE_STATUS_WIRE } from './image-status.enum.js';
import { IMAGE_TYPE_WIRE, ImageTypeFilter } from './image-type.enum.js';
import { IMAGE_VISIBILITY_WIRE } from './image-visibility.enum.js';
import { OS_TYPE_WIRE } from './os-type.enum.js';
import { SORT_DIRECTION_WIRE } from './sort-direction.enum.js';
import { VIRTUAL_ENV_TYPE_WIRE } from './virtual-env-type.enum.js';
import type { WireEnum } from './wire-enum.js';

/**
 * `ImageFilter` and `ImageSort` to what the catalog reads: the upstream's query parameters, and the
 * filters it cannot apply (derived, applied to a snapshot). The filter's input enums hold
 * only values the upstream accepts, so GraphQL validation has refused the rest already; what the
 * schema cannot say (a support flag of `false`, `registered` with GOLD, empty or overlong text) is
 * a BAD_USER_INPUT error here, never a silent no-op, and costs no upstream call.
 */

const MAX_TEXT = 255;

function invalid(field: string, message: string): never {
  throw userInputError(`filter.${field}: ${message}`, { argument: 'filter', field });
}

/** A filter enum's value (a known value of the output enum, by construction) as its wire string. */
function enumParam<E extends string>(value: Exclude<E, 'UNKNOWN'> | null | undefined, table: WireEnum<E>): string | undefined {
  return value === null || value === undefined ? undefined : table.toWire(value);
}

/** A text filter of 1 to MAX_TEXT characters, or undefined when not given. */
export function textParam(field: string, value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value === '' || value.length > MAX_TEXT) invalid(field, `must be 1 to ${MAX_TEXT} characters`);
  return value;
}

function requiredFlag(field: string, value: boolean | null | undefined): true | undefined {
  if (value === null || value === undefined) return undefined;
  if (!value) invalid(`support.${field}`, 'the image service can only require a support flag (true); it cannot filter on its absence');
  return true;
}

function booleanParam(value: boolean | null | undefined): boolean | undefined {
  return value === null || value === undefined ? undefined : value;
}

export function toListQuery(filter: ImageFilter | null | undefined, sort: ImageSort | null | undefined): ListingQuery {
  const f = filter ?? {};
  const s = sort ?? new ImageSort();
  if (f.registered !== null && f.registered !== undefined && f.imageType === ImageTypeFilter.GOLD) {
    invalid('registered', 'the image service ignores `registered` when listing GOLD images; leave one of them out');
  }
  const support = f.support ?? {};
  const query: ListingQuery = {
    __imagetype: enumParam(f.imageType, IMAGE_TYPE_WIRE) as ListImagesQuery['__imagetype'],
    __isregistered: booleanParam(f.registered),
    __os_type: enumParam(f.osType, OS_TYPE_WIRE) as ListImagesQuery['__os_type'],
    __support_diskintensive: requiredFlag('diskIntensive', support.diskIntensive),
    __support_highperformance: requiredFlag('highPerformance', support.highPerformance),
    __support_kvm: requiredFlag('kvm', support.kvm),
    __support_kvm_infiniband: requiredFlag('kvmInfiniband', support.kvmInfiniband),
    __support_largememory: requiredFlag('largeMemory', support.largeMemory),
    __support_xen: requiredFlag('xen', support.xen),
    __support_xen_hana: requiredFlag('xenHana', support.xenHana),
    __support_kvm_gpu_type: textParam('support.kvmGpuType', support.kvmGpuType),
    __support_xen_gpu_type: textParam('support.xenGpuType', support.xenGpuType),
    id: textParam('imageId', f.imageId),
    name: textParam('name', f.name),
    owner: textParam('owner', f.owner),
    protected: booleanParam(f.protected),
    status: enumParam(f.status, IMAGE_STATUS_WIRE) as ListImagesQuery['status'],
    virtual_env_type: enumParam(f.virtualEnvType, VIRTUAL_ENV_TYPE_WIRE) as ListImagesQuery['virtual_env_type'],
    visibility: enumParam(f.visibility, IMAGE_VISIBILITY_WIRE) as ListImagesQuery['visibility'],
    sort_key: IMAGE_SORT_KEY_WIRE[s.key],
    sort_dir: SORT_DIRECTION_WIRE[s.direction],
  };
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as ListingQuery;
}

/** Whether a filter has a field the upstream cannot apply (for pricing, before validation). */
export function hasDerivedFields(filter: Partial<Record<keyof DerivedFilter, unknown>> | null | undefined): boolean {
  return !!filter && DERIVED_FIELDS.some((field) => filter[field] !== null && filter[field] !== undefined);
}

/** The derived part of a filter; undefined when it has none (the upstream can answer alone). */
export function derivedFilterOf(filter: ImageFilter | null | undefined): DerivedFilter | undefined {
  if (!filter) return undefined;
  const derived: DerivedFilter = {};
  const nameContains = textParam('nameContains', filter.nameContains);
  if (nameContains !== undefined) derived.nameContains = nameContains;
  const platform = textParam('platform', filter.platform);
  if (platform !== undefined) derived.platform = platform;
  if (filter.architecture !== null && filter.architecture !== undefined) derived.architecture = filter.architecture;
  if (filter.hasGpu !== null && filter.hasGpu !== undefined) derived.hasGpu = filter.hasGpu;
  if (filter.createdAfter !== null && filter.createdAfter !== undefined) derived.createdAfter = filter.createdAfter;
  if (filter.createdBefore !== null && filter.createdBefore !== undefined) derived.createdBefore = filter.createdBefore;
  return Object.keys(derived).length > 0 ? derived : undefined;
}

/** The listing a filter and sort ask the catalog for. */
export function catalogQuery(filter: ImageFilter | null | undefined, sort: ImageSort | null | undefined): CatalogQuery {
  return { listing: toListQuery(filter, sort), derived: derivedFilterOf(filter) };
}
