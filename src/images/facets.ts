import type { ImageInfo } from '../upstream/wire.js';
import { architectureOf, gpuTypesOf, matchesDerived, type DerivedFilter } from './derived-filter.js';

/**
 * Facet counts for an image picker, computed on a snapshot: each facet counts the images that
 * match the filter without that facet's own filter (so a dropdown shows its alternatives). Values
 * are the upstream's (the GraphQL layer names them by its enums).
 */

export type Facet = 'osType' | 'platform' | 'architecture' | 'gpuType' | 'status' | 'diskFormat' | 'imageType';

/** The upstream filters a facet drops, applied here instead: their wire values. */
export interface FacetFilters {
  osType?: string;
  status?: string;
  imageType?: string;
}

/** A wire string, `''` standing for absent or not a string (the GraphQL layer names it UNKNOWN). */
const wire = (value: unknown): string => (typeof value === 'string' ? value : '');

const VALUES: Record<Facet, (image: ImageInfo) => string[]> = {
  osType: (image) => [wire(image.__os_type)],
  platform: (image) => (typeof image.__platform === 'string' && image.__platform !== '' ? [image.__platform] : []),
  architecture: (image) => [architectureOf(image)],
  gpuType: (image) => gpuTypesOf(image),
  status: (image) => [wire(image.status)],
  diskFormat: (image) => (typeof image.disk_format === 'string' && image.disk_format !== '' ? [image.disk_format] : []),
  imageType: (image) => [wire(image.__imagetype)],
};

export const FACETS = Object.keys(VALUES) as readonly Facet[];

/** Which filter each facet leaves out. */
const OWN_FILTER: Record<Facet, { facet?: keyof FacetFilters; derived?: keyof DerivedFilter }> = {
  osType: { facet: 'osType' },
  platform: { derived: 'platform' },
  architecture: { derived: 'architecture' },
  gpuType: { derived: 'hasGpu' },
  status: { facet: 'status' },
  diskFormat: {},
  imageType: { facet: 'imageType' },
};

const WIRE_OF: Record<keyof FacetFilters, (image: ImageInfo) => unknown> = {
  osType: (image) => image.__os_type,
  status: (image) => image.status,
  imageType: (image) => image.__imagetype,
};

/** For each facet, how many images have each value. */
export function countFacets(images: readonly ImageInfo[], facetFilters: FacetFilters, derived: DerivedFilter | undefined): Record<Facet, Map<string, number>> {
  const counted = {} as Record<Facet, Map<string, number>>;
  for (const facet of FACETS) {
    const own = OWN_FILTER[facet];
    const counts = new Map<string, number>();
    for (const image of images) {
      if (!matchesFacetFilters(image, facetFilters, own.facet)) continue;
      if (derived && !matchesDerived(image, own.derived ? { ...derived, [own.derived]: undefined } : derived)) continue;
      for (const value of VALUES[facet](image)) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    counted[facet] = counts;
  }
  return counted;
}

function matchesFacetFilters(image: ImageInfo, filters: FacetFilters, except: keyof FacetFilters | undefined): boolean {
  for (const key of Object.keys(filters) as (keyof FacetFilters)[]) {
    if (key !== except && WIRE_OF[key](image) !== filters[key]) return false;
  }
  return true;
}

/** The first ACTIVE image of a snapshot in the upstream's default order (newest first): the latest, ties to the first listed. */
export function latestActive(images: readonly ImageInfo[]): ImageInfo | undefined {
  return images.find((image) => image.status === 'active');
}
