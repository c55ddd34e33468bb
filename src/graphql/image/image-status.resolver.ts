import { Arg, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { WatchEvent } from '../../images/image-watch.js';
import { isValidRegion, REGION_MAX_LENGTH } from '../../upstream/wire.js';
import type { Context } from '../context.js';
import { userInputError, watchEndedError } from '../errors.js';
import { toImage } from './image.mapper.js';
import { Image } from './image.type.js';
import { checkImageId } from './load-image.js';

/**
 * `imageStatus`, the live status of one image (issue 21): its events come from the process-wide
 * watch registry (src/images/image-watch.ts), one poll for every watcher of the caller's image;
 * this maps each to the `Image` the watcher's selection reads, `null` when the image is gone, or
 * the error the event carries. Served over WebSocket (graphql-ws) and Server-Sent Events
 * (graphql-sse), never over HTTP POST (src/http/live/).
 */

interface ImageStatusArgs {
  region: string;
  imageId: string;
}

/** A watch of the caller's view of one image; the arguments are checked before anything is polled. */
function watchImageStatus({ args, context }: SubscribeResolverData<unknown, ImageStatusArgs, Context>): AsyncIterable<WatchEvent> {
  // Over HTTP, src/apollo/subscriptions-elsewhere.ts refuses a subscription before it runs.
  if (!context.live) throw new Error('imageStatus subscribed to without the live image watches of a subscription transport');
  if (!isValidRegion(args.region)) {
    throw userInputError(`\`region\` must be a region id like "cn-north-4" (lower-case letters, digits and hyphens, at most ${REGION_MAX_LENGTH} characters).`, { argument: 'region' });
  }
  return context.live.watch(args.region, checkImageId(args.imageId, 'imageId'));
}

@Resolver()
export class ImageStatusResolver {
  @Subscription(() => Image, {
    nullable: true,
    description:
      'The live status of one image: the image when first seen, then again each time its `status` or `updatedAt` changes; the subscription completes after a terminal status (ACTIVE, KILLED, DELETED), or with a last `null` when the image is gone (or was never visible to the caller). The server polls the image service once for every watcher of the same image (per caller, every WATCH_INTERVAL_MS). A failed poll is an event with the error (`extensions.code`, e.g. UPSTREAM_UNAVAILABLE) and the watch goes on; it ends on UNAUTHENTICATED, after WATCH_MAX_MS (WATCH_EXPIRED), and when the server stops (SHUTTING_DOWN).',
    subscribe: watchImageStatus,
    // Per event: what the image's fields cost (its poll is shared by every watcher; parentImage is a call of its own).
    complexity: ({ childComplexity }) => 1 + childComplexity,
  })
  imageStatus(
    @Root() event: WatchEvent,
    @Arg('region', () => String, { description: 'Region id, e.g. "cn-north-4".' }) region: string,
    @Arg('imageId', () => String, { description: 'The upstream image id (`Image.imageId`), 1 to 255 characters.' }) _imageId: string,
  ): Image | null {
    switch (event.kind) {
      case 'image':
        return toImage(event.image, region);
      case 'gone':
        return null;
      case 'failed':
        throw event.error;
      case 'ended':
        throw watchEndedError(event.reason, event.afterMs);
    }
  }
}
