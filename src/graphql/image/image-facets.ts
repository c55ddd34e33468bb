import { Field, Int, ObjectType } from 'type-graphql';
import type { ImageInfo, ListingQuery } from '../../upstream/wire.js';
import { architectureOf, gpuTypesOf, matchesDerived, type DerivedFilter } from './derived-filter.js';
import { DISK_FORMAT_WIRE } from './disk-format.enum.js';
import type { ImageFilter } from './image-filter.input.js';
import { toListQuery } from './image-query.js';
import { IMAGE_STATUS_WIRE } from './image-status.enum.js';
import { IMAGE_TYPE_WIRE } from './image-type.enum.js';
import { OS_TYPE_WIRE } from './os-type.enum.js';

/**
 * Facet counts for an image picker, computed on a snapshot: each facet counts the images that
 * match the filter without that facet's own filter (so a dropdown shows its alternatives).
 */

@ObjectType({ simpleResolvers: true, description: 'How many images have one value of a facet.' })
export class FacetCount {
  @Field(() => String, { description: 'The GraphQL enum name for enum-typed facets (`LINUX`, `ACTIVE`, `ZVHD2`, `GOLD`, `X86`); the upstream string for `platform` and `gpuType`.' })
  value!: string;

  @Field(() => Int, { description: 'Images with this value.' })
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: 'Counts by value for each facet, most common first (then by value); values no image has are left out.' })
export class ImageFacets {
  @Field(() => [FacetCount], { description: 'By `OsType`, ignoring the filter\'s `osType`.' })
  osType!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By `__platform`, ignoring the filter\'s `platform`.' })
  platform!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By `Architecture`, ignoring the filter\'s `architecture`.' })
  architecture!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By GPU type (KVM and XEN GPU types, "T4"), ignoring the filter\'s `hasGpu`; an image counts once per GPU type it names.' })
  gpuType!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By `ImageStatus`, ignoring the filter\'s `status`.' })
  status!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By `DiskFormat` (images without one are left out).' })
  diskFormat!: FacetCount[];

  @Field(() => [FacetCount], { description: 'By `ImageType`, ignoring the filter\'s `imageType`.' })
  imageType!: FacetCount[];
}

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
