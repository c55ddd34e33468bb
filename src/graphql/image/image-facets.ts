import type { ImageInfo, ListingQuery } from '../../upstream/wire.js';
import { architectureOf, gpuTypesOf, matchesDerived, type DerivedFilter } from './derived-filter.js';
import { DISK_FORMAT_WIRE } from './disk-format.enum.js';
import type { ImageFilter } from './image-filter.input.js';
import { toListQuery } from './image-query.js';
import { IMAGE_STATUS_WIRE } from './image-status.enum.js';
import { IMAGE_TYPE_WIRE } from './image-type.enum.js';
import { OS_TYPE_WIRE } from './os-type.enum.js';
import { FacetCount, ImageFacets } from './image-facets.type.js';

/**
 * Facet counts for an image picker, computed on a snapshot: each facet counts the images that
 * match the filter without that facet's own filter (so a dropdown shows its alternatives).
 */

/** The upstream filters a facet drops, applied here instead: their wire values. */
export interface FacetFilters {
  osType?: string;
  status?: string;
  imageType?: string;
}

/**
 * The listing a facet snapshot reads: the filter's upstream part (validated as for `images`),
 * without the facets' own upstream filters, which are applied to the snapshot instead.
 */
export function facetListing(filter: ImageFilter | null): { listing: ListingQuery; facetFilters: FacetFilters } {
  const { __os_type, status, __imagetype, ...listing } = toListQuery(filter, null);
  const facetFilters: FacetFilters = {};
  if (__os_type !== undefined) facetFilters.osType = __os_type;
  if (status !== undefined) facetFilters.status = status;
  if (__imagetype !== undefined) facetFilters.imageType = __imagetype;
  return { listing, facetFilters };
}

type Facet = keyof ImageFacets;

const VALUES: Record<Facet, (image: ImageInfo) => string[]> = {
  osType: (image) => [OS_TYPE_WIRE.fromWire(image.__os_type)],
  platform: (image) => (typeof image.__platform === 'string' && image.__platform !== '' ? [image.__platform] : []),
  architecture: (image) => [architectureOf(image)],
  gpuType: (image) => gpuTypesOf(image),
  status: (image) => [IMAGE_STATUS_WIRE.fromWire(image.status)],
  diskFormat: (image) => (typeof image.disk_format === 'string' && image.disk_format !== '' ? [DISK_FORMAT_WIRE.fromWire(image.disk_format)] : []),
  imageType: (image) => [IMAGE_TYPE_WIRE.fromWire(image.__imagetype)],
};

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

export function countFacets(images: readonly ImageInfo[], facetFilters: FacetFilters, derived: DerivedFilter | undefined): ImageFacets {
  const facets = new ImageFacets();
  for (const facet of Object.keys(VALUES) as Facet[]) {
    const own = OWN_FILTER[facet];
    const counts = new Map<string, number>();
    for (const image of images) {
      if (!matchesFacetFilters(image, facetFilters, own.facet)) continue;
      if (derived && !matchesDerived(image, own.derived ? { ...derived, [own.derived]: undefined } : derived)) continue;
      for (const value of VALUES[facet](image)) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    facets[facet] = [...counts]
      .map(([value, count]) => Object.assign(new FacetCount(), { value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  return facets;
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
