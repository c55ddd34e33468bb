import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Extensions, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { ConnectionArgs } from '../relay/connection.args.js';
import { listingBinding } from '../relay/cursor.js';
import { cursorFor, pageCost, pageInfoOf, pageSizeOf, planPage, staleCursorError } from '../relay/pagination.js';
import { nodeSelectsField, selectsField } from '../selects-field.js';
import { ImageConnection, ImageEdge } from './image-connection.type.js';
import { facetListing, toImageFacets } from './image-facets.js';
import { ImageFacets } from './image-facets.type.js';
import { ImageFilter } from './image-filter.input.js';
import { catalogQuery, derivedFilterOf, hasDerivedFields } from './image-query.js';
import { ImageSort } from './image-sort.input.js';
import { toImage } from './image.mapper.js';
import { checkImageId, loadImage } from './load-image.js';
import { Image } from './image.type.js';

/** The image queries: each maps its arguments to the catalog's (src/images/image-catalog.ts) and the catalog's answer to the schema's types. */
@Resolver(() => Image)
export class ImageResolver {
  @Query(() => ImageConnection, {
    description:
      'The images the caller can see in a region, as a Relay connection. Passed through to the upstream listing (one call per page), unless the filter has a field the upstream cannot apply or `totalCount` is selected: then paged from a snapshot of the whole listing.',
    // The page call and maybe a probe, priced by their rows, then whatever each image's fields cost
    // (a derived filter adds the snapshot's pages: see apollo/query-cost.ts).
    complexity: ({ args, childComplexity }) => pageCost(pageSizeOf(args)) + pageSizeOf(args) * childComplexity,
  })
  // A snapshot read: a derived filter, or `totalCount` selected (the same test the catalog makes).
  @Extensions({
    readsSnapshot: (args: { filter?: ImageFilter | null }, node: FieldNode, fragments: Record<string, FragmentDefinitionNode>) =>
      hasDerivedFields(args.filter) || nodeSelectsField(node, fragments, 'totalCount'),
  })
  async images(
    @Arg('region', () => String, { description: 'Region id, e.g. "cn-north-4".' }) region: string,
    @Arg('filter', () => ImageFilter, { nullable: true, description: 'What the images must match; all of them when omitted.' }) filter: ImageFilter | null,
    @Arg('sort', () => ImageSort, { nullable: true, description: 'Listing order; newest first when omitted.' }) sort: ImageSort | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { images }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ImageConnection> {
    const query = catalogQuery(filter, sort);
    // Derived filters are part of what a cursor is bound to; without one, cursors stay as they were.
    const binding = listingBinding(query.derived ? [region, query.listing, query.derived] : [region, query.listing]);
    const page = await images.page(region, query, planPage(args, binding), { counted: selectsField(info, 'totalCount') }).catch((error: unknown) => {
      throw staleCursorError(error);
    });
    const cursorOf = cursorFor((raw: { id: string }) => raw.id, binding);
    const nodes = page.rows.map((raw) => toImage(raw, region));
    const connection = new ImageConnection();
    connection.nodes = nodes;
    connection.edges = nodes.map((node, at) => new ImageEdge(node, () => cursorOf(page.rows[at]!)));
    connection.pageInfo = pageInfoOf(page, cursorOf);
    connection.count = page.count;
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
    return toImageFacets(await images.facets(region, listing, facetFilters, derivedFilterOf(filter)));
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
    const latest = await images.latest(region, catalogQuery(filter, null));
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
