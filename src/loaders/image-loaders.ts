import DataLoader from 'dataloader';
import pLimit, { type LimitFunction } from 'p-limit';
import type { CloudImagesClient, Credentials } from '../upstream/client.js';
import { LIST_QUERY_PARAMS, type ImageInfo, type ListImagesQuery } from '../upstream/wire.js';

/**
 * The per-request loaders between resolvers and the upstream client. One instance serves one
 * GraphQL request and one caller's credentials, so nothing is ever shared between callers or
 * requests; within the request:
 * - identical list calls (same region and query: aliases, fragments, repeats) share one upstream call;
 * - by-id lookups (`image`, `node`, `parentImage`) are deduplicated, run concurrently, and are
 *   answered without a call when a list page of the same request (and region) returned the image;
 * - at most `concurrency` upstream calls are in flight at once.
 */

export interface LoaderOptions {
  /** Upstream calls this request may have in flight at once. */
  concurrency: number;
}

interface PageKey {
  region: string;
  query: ListImagesQuery;
}

interface ImageKey {
  region: string;
  imageId: string;
}

function pageCacheKey({ region, query }: PageKey): string {
  const params = new URLSearchParams();
  for (const param of LIST_QUERY_PARAMS) {
    const value = query[param];
    if (value !== undefined) params.set(param, String(value));
  }
  return `${region}?${params.toString()}`;
}

function imageCacheKey({ region, imageId }: ImageKey): string {
  return `${region}\n${imageId}`;
}

/**
 * By-id batches run after the current turn's list calls have started (`setImmediate` comes after
 * the microtasks and next-ticks in which sibling resolvers call `listPage`), so that a detail
 * lookup of an image a sibling list returns can wait for that list instead of paying a call.
 */
const afterSiblingResolvers = (callback: () => void): void => {
  setImmediate(callback);
};

export class ImageLoaders {
  private readonly limit: LimitFunction;
  private readonly pages: DataLoader<PageKey, ImageInfo[], string>;
  private readonly images: DataLoader<ImageKey, ImageInfo | null, string>;
  private readonly listed = new Map<string, ImageInfo>();
  /** List calls in flight, by region: a by-id lookup waits only for those of its own region. */
  private readonly pendingPages = new Map<string, Set<Promise<unknown>>>();

  constructor(
    private readonly client: CloudImagesClient,
    private readonly credentials: Credentials | undefined,
    options: LoaderOptions,
  ) {
    this.limit = pLimit(options.concurrency);
    this.pages = new DataLoader((keys) => Promise.all(keys.map((key) => this.fetchPage(key).catch((error: Error) => error))), {
      cacheKeyFn: pageCacheKey,
    });
    this.images = new DataLoader((keys) => this.fetchImages(keys), {
      cacheKeyFn: imageCacheKey,
      batchScheduleFn: afterSiblingResolvers,
    });
  }

  /** One page of a listing; identical calls in this request share one upstream call. */
  listPage(region: string, query: ListImagesQuery): Promise<ImageInfo[]> {
    return this.pages.load({ region, query });
  }

  /** One image by id, or null when the caller cannot see it. */
  image(region: string, imageId: string): Promise<ImageInfo | null> {
    return this.images.load({ region, imageId });
  }

  private fetchPage({ region, query }: PageKey): Promise<ImageInfo[]> {
    const call = this.limit(() => this.client.listImages(this.credentials, region, query)).then(({ images }) => {
      for (const image of images) this.remember(region, image);
      return images;
    });
    const pending = this.pendingPages.get(region) ?? new Set<Promise<unknown>>();
    this.pendingPages.set(region, pending.add(call));
    const settled = (): void => {
      pending.delete(call);
    };
    call.then(settled, settled);
    return call;
  }

  private pendingIn(regions: ReadonlySet<string>): Promise<unknown>[] {
    return [...regions].flatMap((region) => [...(this.pendingPages.get(region) ?? [])]);
  }

  private remember(region: string, image: ImageInfo): void {
    const key = { region, imageId: image.id };
    this.listed.set(imageCacheKey(key), image);
    this.images.prime(key, image);
  }

  private async fetchImages(keys: readonly ImageKey[]): Promise<(ImageInfo | null | Error)[]> {
    const regions = new Set(keys.map((key) => key.region));
    for (let waiting = this.pendingIn(regions); waiting.length > 0; waiting = this.pendingIn(regions)) {
      await Promise.allSettled(waiting);
    }
    return Promise.all(
      keys.map(async (key) => {
        const known = this.listed.get(imageCacheKey(key));
        if (known) return known;
        try {
          const { images } = await this.limit(() => this.client.listImages(this.credentials, key.region, { id: key.imageId }));
          return images.find((image) => image.id === key.imageId) ?? null;
        } catch (error) {
          return error as Error;
        }
      }),
    );
  }
}

export function createLoaders(client: CloudImagesClient, credentials: Credentials | undefined, options: LoaderOptions): ImageLoaders {
  return new ImageLoaders(client, credentials, options);
}
