import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import type { ImageInfo } from '../../upstream/wire.js';
import { ConnectionArgs } from '../relay/connection.args.js';
import { listingBinding } from '../relay/cursor.js';
import { pageCost, paginate, pageSizeOf, planPage } from '../relay/pagination.js';
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
    description: 'The images the caller can see in a region, as a Relay connection over the upstream listing.',
    // The page call and maybe a probe, priced by their rows, then whatever each image's fields cost.
    complexity: ({ args, childComplexity }) => pageCost(pageSizeOf(args)) + pageSizeOf(args) * childComplexity,
  })
  async images(
    @Arg('region', () => String, { description: 'Region id, e.g. "cn-north-4".' }) region: string,
    @Arg('filter', () => ImageFilter, { nullable: true }) filter: ImageFilter | null,
    @Arg('sort', () => ImageSort, { nullable: true }) sort: ImageSort | null,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() { images, log, signal }: Context,
  ): Promise<ImageConnection> {
    const listing = toListQuery(filter, sort);
    const binding = listingBinding([region, listing]);
    const plan = planPage(page, binding);
    const { rows, cursorOf, pageInfo } = await paginate<ImageInfo>(plan, binding, (request) => images.page(region, listing, request), {
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
    return connection;
  }

  @Query(() => Image, { nullable: true, description: 'One image by its upstream id; null when the caller cannot see it.', complexity: ({ childComplexity }) => 1 + childComplexity })
  image(
    @Arg('region', () => String) region: string,
    @Arg('imageId', () => String) imageId: string,
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
