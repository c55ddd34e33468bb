import type { Facet, FacetFilters } from '../../images/facets.js';
import type { ListingQuery } from '../../upstream/wire.js';
import { DISK_FORMAT_WIRE } from './disk-format.enum.js';
import type { ImageFilter } from './image-filter.input.js';
import { FacetCount, ImageFacets } from './image-facets.type.js';
import { toListQuery } from './image-query.js';
import { IMAGE_STATUS_WIRE } from './image-status.enum.js';
import { IMAGE_TYPE_WIRE } from './image-type.enum.js';
import { OS_TYPE_WIRE } from './os-type.enum.js';

/** `imageFacets`' arguments to what the catalog counts, and its counts (by upstream value) to `ImageFacets` (by enum name). */

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

/** How a facet's upstream value is named in the schema: its enum's name (UNKNOWN for a value it does not know), or as it is. */
const NAME_OF: Record<Facet, (value: string) => string> = {
  osType: (value) => OS_TYPE_WIRE.fromWire(value),
  platform: (value) => value,
  architecture: (value) => value,
  gpuType: (value) => value,
  status: (value) => IMAGE_STATUS_WIRE.fromWire(value),
  diskFormat: (value) => DISK_FORMAT_WIRE.fromWire(value),
  imageType: (value) => IMAGE_TYPE_WIRE.fromWire(value),
};

/** Most common first, then by value; upstream values that share a name (UNKNOWN) add up. */
export function toImageFacets(counts: Record<Facet, Map<string, number>>): ImageFacets {
  const facets = new ImageFacets();
  for (const facet of Object.keys(NAME_OF) as Facet[]) {
    const byName = new Map<string, number>();
    for (const [value, count] of counts[facet]) {
      const name = NAME_OF[facet](value);
      byName.set(name, (byName.get(name) ?? 0) + count);
    }
    facets[facet] = [...byName]
      .map(([value, count]) => Object.assign(new FacetCount(), { value, count }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  return facets;
}
