import { parseWireBoolean, wireDate, type ImageInfo } from '../upstream/wire.js';

/**
 * The filters the upstream cannot apply, read from a snapshot of the listing: pure functions of
 * the wire image, with the semantics the schema documents (`ImageFilter`).
 */

/** CPU architecture: ARM when `__support_arm` is true, X86 otherwise. */
export type Architecture = 'X86' | 'ARM';

export interface DerivedFilter {
  nameContains?: string;
  platform?: string;
  architecture?: Architecture;
  hasGpu?: boolean;
  createdAfter?: Date;
  createdBefore?: Date;
}

export const DERIVED_FIELDS: readonly (keyof DerivedFilter)[] = ['nameContains', 'platform', 'architecture', 'hasGpu', 'createdAfter', 'createdBefore'];

export function architectureOf(image: ImageInfo): Architecture {
  return parseWireBoolean(image.__support_arm) === true ? 'ARM' : 'X86';
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
