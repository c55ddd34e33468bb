import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Extensions, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import { inListingOrder } from '../../images/listing-order.js';
import type { Context } from '../context.js';
import type { ImageInfo } from '../../upstream/wire.js';
import { ConnectionArgs } from '../relay/connection.args.js';
import { listingBinding } from '../relay/cursor.js';
import { lazy } from '../relay/lazy.js';
import { nodeSelectsField, selectsField } from '../selects-field.js';
import { pageCost, paginate, pageSizeOf, planPage, rowsOfList, type FetchRows } from '../relay/pagination.js';
import { derivedFilterOf, hasDerivedFields, matchesDerived } from './derived-filter.js';
import { countFacets, facetListing, latestActive } from './image-facets.js';
import { ImageFacets } from './image-facets.type.js';
import { ImageConnection, ImageEdge } from './image-connection.type.js';
import { ImageFilter } from './image-filter.input.js';
import { toListQuery } from './image-query.js';
import { ImageSort } from './image-sort.input.js';
import { toImage } from './image.mapper.js';
import { checkImageId, loadImage } from './load-image.js';
import { Image } from './image.type.js';

@Resolver(() => Image)
export class ImageResolver {
  @Query(() => ImageConnection, {
    description:
      'The images the caller can see in a region, as a Relay connection. Passed through to the upstream listing (one call per page), unless the filter has a field the upstream cannot apply or `totalCount` is selected: then paged from a snapshot of the whole listing.',
    // The page call and maybe a probe, priced by their rows, then whatever each image's fields cost
    // (a derived filter adds the snapshot's pages: see apollo/query-cost.ts).
    complexity: ({ args, childComplexity }) => pageCost(pageSizeOf(args)) + pageSizeOf(args) * childComplexity,
  })
  // A snapshot read: a derived filter, or `totalCount` selected (the same test the resolver makes).
  @Extensions({
    readsSnapshot: (args: { filter?: ImageFilter | null }, node: FieldNode, fragments: Record<string, FragmentDefinitionNode>) =>
      hasDerivedFields(args.filter) || nodeSelectsField(node, fragments, 'totalCount'),
  })
  async images(
    @Arg('region', () => String, { description: 'Region id, e.g. "cn-north-4".' }) region: string,
    @Arg('filter', () => ImageFilter, { nullable: true, description: 'What the images must match; all of them when omitted.' }) filter: ImageFilter | null,
    @Arg('sort', () => ImageSort, { nullable: true, description: 'Listing order; newest first when omitted.' }) sort: ImageSort | null,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() { images, log, signal }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ImageConnection> {
    const listing = toListQuery(filter, sort);
    const derived = derivedFilterOf(filter);
    // With a count asked for, the page comes from the same snapshot, so edges and count agree.
    const fromSnapshot = derived !== undefined || selectsField(info, 'totalCount');
    // Derived filters are part of what a cursor is bound to; without one, cursors stay as they were.
    const binding = listingBinding(derived ? [region, listing, derived] : [region, listing]);
    const plan = planPage(page, binding);
    const matching = lazy(async () => {
      const all = await images.snapshot(region, listing);
      return inListingOrder(derived ? all.filter((image) => matchesDerived(image, derived)) : [...all], listing);
    });
    const fetchRows: FetchRows<ImageInfo> = fromSnapshot
      ? async (request) => rowsOfList(await matching(), (image) => image.id)(request)
      : (request) => images.page(region, listing, request);
    const { rows, cursorOf, pageInfo } = await paginate<ImageInfo>(plan, binding, fetchRows, {
      markerOf: (raw) => raw.id,
      // A probe cut short by the request's own end (client gone, deadline) is no failure worth a warning.
      onProbeFailure: (error) => (signal.aborted ? undefined : log.warn({ err: error, region }, 'the probe for more images failed; answering true')),
    });
    const nodes = rows.map((raw) => toImage(raw, region));
    const edges = nodes.map((node, at) => new ImageEdge(node, () => cursorOf(rows[at]!)));
    const connection = new ImageConnection();
    connection.edges = edges;
    connection.nodes = nodes;
    connection.pageInfo = pageInfo;
    connection.count = async () => (await matching()).length;
    return connection;
  }

  @Query(() => ImageFacets, {
    description:
      'Counts for an image picker\'s dropdowns: for each facet, the images matching the filter without that facet\'s own filter, by value. Read from a snapshot of the listing.',
  })
  @Extensions({ readsSnapshot: () => true })
  async imageFacets(
    @Arg('region', () => String, { description: 'Region id, e.g. "cn-north-4".' }) region: string,
    @Arg('filter', () => ImageFilter, { nullable: true, description: 'The filter the counts are for.' }) filter: ImageFilter | null,
    @Ctx() { images }: Context,
  ): Promise<ImageFacets> {
    const { listing, facetFilters } = facetListing(filter);
    return countFacets(await images.snapshot(region, listing), facetFilters, derivedFilterOf(filter));
  }

  @Query(() => Image, {
    nullable: true,
    description: 'The most recently created ACTIVE image that matches (Terraform\'s `most_recent`; ties go to the first in the upstream\'s default order), or null. Read from a snapshot of the listing.',
    complexity: ({ childComplexity }) => childComplexity,
  })
  @Extensions({ readsSnapshot: () => true })
  async latestImage(
    @Arg('region', () => String, { description: 'Region id, e.g. "cn-north-4".' }) region: string,
    @Arg('filter', () => ImageFilter, { nullable: true, description: 'What the image must match, besides being ACTIVE.' }) filter: ImageFilter | null,
    @Ctx() { images }: Context,
  ): Promise<Image | null> {
    const listing = toListQuery(filter, null);
    const derived = derivedFilterOf(filter);
    const latest = latestActive((await images.snapshot(region, listing)).filter((image) => !derived || matchesDerived(image, derived)));
    return latest ? toImage(latest, region) : null;
  }

  @Query(() => [String], { description: 'The regions this server serves (CLOUDIMAGES_REGIONS; the emulator\'s in emulator mode).' })
  regions(@Ctx() { regions }: Context): string[] {
    return [...regions];
  }

  @Query(() => Image, { nullable: true, description: 'One image by its upstream id; null when the caller cannot see it.', complexity: ({ childComplexity }) => 1 + childComplexity })
  image(
    @Arg('region', () => String, { description: 'Region id, e.g. "cn-north-4".' }) region: string,
    @Arg('imageId', () => String, { description: 'The upstream image id (`Image.imageId`), 1 to 255 characters.' }) imageId: string,
    @Ctx() context: Context,
  ): Promise<Image | null> {
    return loadImage(context, region, checkImageId(imageId, 'imageId'));
  }

  @FieldResolver(() => Image, {
    nullable: true,
    description: 'The image this one was made from (`parentImageId`), when the caller can see it.',
    complexity: ({ childComplexity }) => 1 + childComplexity,
  })
  parentImage(@Root() image: Image, @Ctx() context: Context): Promise<Image | null> | null {
    return image.parentImageId ? loadImage(context, image.region, image.parentImageId) : null;
  }
}
