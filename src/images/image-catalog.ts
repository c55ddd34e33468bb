import type { ImageInfo, ListingQuery } from '../upstream/wire.js';
import { matchesDerived, type DerivedFilter } from './derived-filter.js';
import { countFacets, latestActive, type Facet, type FacetFilters } from './facets.js';
import type { ImageSource } from './image-source.js';
import { lazy, type Lazy } from './lazy.js';
import { inListingOrder } from './listing-order.js';
import { paginate, rowsOfList, type FetchRows, type Page, type PagePlan } from './paging.js';

/**
 * What one request asks of the images, as a service (type-graphql's examples keep such logic out of
 * resolvers): a page of a listing, its count, facet counts, the latest image, one image by id. It
 * decides what the upstream can answer alone (one call per page, passed through) and what needs a
 * snapshot of the whole listing (a filter the upstream cannot apply, a count), and pages either the
 * same way (over limit/marker). Built per request around the request's image source.
 */

/** A listing as the catalog reads it: the upstream's own filters and order, and the filters applied here. */
export interface CatalogQuery {
  listing: ListingQuery;
  derived?: DerivedFilter | undefined;
}

export interface CatalogPage extends Page<ImageInfo> {
  /** How many images match, whatever the page; read from the same snapshot as the page when asked for. */
  count: Lazy<number>;
}

export interface CatalogOptions {
  /** Told when the probe after a full page failed (the page still answers, with "maybe more"). */
  onProbeFailure: (error: unknown, region: string) => void;
}

export class ImageCatalog {
  constructor(
    readonly source: ImageSource,
    private readonly options: CatalogOptions,
  ) {}

  /** Upstream calls this request has made, for `extensions.cost.actual` and the access line. */
  get upstreamCalls(): number {
    return this.source.upstreamCalls;
  }

  /**
   * One page. From a snapshot when the query has a derived filter or the count is asked for (so
   * that page and count agree); else passed through to the upstream, one call per page.
   */
  async page(region: string, { listing, derived }: CatalogQuery, plan: PagePlan, { counted }: { counted: boolean }): Promise<CatalogPage> {
    const matching = lazy(async () => this.matching(region, listing, derived));
    const fetchRows: FetchRows<ImageInfo> =
      derived !== undefined || counted ? async (request) => rowsOfList(await matching(), (image) => image.id)(request) : (request) => this.source.page(region, listing, request);
    const page = await paginate(plan, fetchRows, { markerOf: (image) => image.id, onProbeFailure: (error) => this.options.onProbeFailure(error, region) });
    return { ...page, count: lazy(async () => (await matching()).length) };
  }

  /** Facet counts by each facet's values, the upstream filters a facet drops applied to the snapshot instead. */
  async facets(region: string, listing: ListingQuery, facetFilters: FacetFilters, derived: DerivedFilter | undefined): Promise<Record<Facet, Map<string, number>>> {
    return countFacets(await this.source.snapshot(region, listing), facetFilters, derived);
  }

  /** The most recently created ACTIVE image that matches; ties to the first in the upstream's default order. */
  async latest(region: string, { listing, derived }: CatalogQuery): Promise<ImageInfo | null> {
    const all = await this.source.snapshot(region, listing);
    return latestActive(derived ? all.filter((image) => matchesDerived(image, derived)) : all) ?? null;
  }

  /** One image by id, or null when the caller cannot see it. */
  image(region: string, imageId: string): Promise<ImageInfo | null> {
    return this.source.image(region, imageId);
  }

  /** The snapshot's images that match, in the listing's order. */
  private async matching(region: string, listing: ListingQuery, derived: DerivedFilter | undefined): Promise<ImageInfo[]> {
    const all = await this.source.snapshot(region, listing);
    return inListingOrder(derived ? all.filter((image) => matchesDerived(image, derived)) : [...all], listing);
  }
}
