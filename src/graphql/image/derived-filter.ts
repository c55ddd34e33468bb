import { parseWireBoolean, type ImageInfo } from '../../upstream/wire.js';
import { Architecture } from './architecture.enum.js';
import type { ImageFilter } from './image-filter.input.js';
import { textParam } from './image-query.js';
import { wireDate } from './upstream-date.js';

/**
 * The filters the upstream cannot apply, read from a snapshot of the listing: pure functions of
 * the wire image, with the semantics the schema documents.
 */
export interface DerivedFilter {
  nameContains?: string;
  platform?: string;
  architecture?: Architecture;
  hasGpu?: boolean;
  createdAfter?: Date;
  createdBefore?: Date;
}

/** Whether a filter has a field the upstream cannot apply (for pricing, before validation). */
export function hasDerivedFields(filter: Partial<Record<keyof DerivedFilter, unknown>> | null | undefined): boolean {
  return !!filter && DERIVED_FIELDS.some((field) => filter[field] !== null && filter[field] !== undefined);
}

const DERIVED_FIELDS: readonly (keyof DerivedFilter)[] = ['nameContains', 'platform', 'architecture', 'hasGpu', 'createdAfter', 'createdBefore'];

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

export function architectureOf(image: ImageInfo): Architecture {
  return parseWireBoolean(image.__support_arm) === true ? Architecture.ARM : Architecture.X86;
}

/** Every GPU an image names: its KVM and XEN GPU types, and "T4" for `__support_gpu_t4`. */
export function gpuTypesOf(image: ImageInfo): string[] {
  const types = new Set<string>();
  for (const value of [image.__support_kvm_gpu_type, image.__support_xen_gpu_type]) if (typeof value === 'string' && value !== '') types.add(value);
  if (parseWireBoolean(image.__support_gpu_t4) === true) types.add('T4');
  return [...types];
}

/** `created_at` as a time; NaN when unreadable (such an image matches no date filter). */
function createdAt(image: ImageInfo): number {
  return wireDate(image.created_at)?.getTime() ?? NaN;
}

export function matchesDerived(image: ImageInfo, filter: DerivedFilter): boolean {
  if (filter.nameContains !== undefined && !(typeof image.name === 'string' && image.name.toLowerCase().includes(filter.nameContains.toLowerCase()))) return false;
  if (filter.platform !== undefined && image.__platform !== filter.platform) return false;
  if (filter.architecture !== undefined && architectureOf(image) !== filter.architecture) return false;
  if (filter.hasGpu !== undefined && gpuTypesOf(image).length > 0 !== filter.hasGpu) return false;
  if (filter.createdAfter !== undefined && !(createdAt(image) > filter.createdAfter.getTime())) return false;
  if (filter.createdBefore !== undefined && !(createdAt(image) < filter.createdBefore.getTime())) return false;
  return true;
}
