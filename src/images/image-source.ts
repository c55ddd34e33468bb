import DataLoader from 'dataloader';
import type { CloudImagesClient, Credentials } from '../upstream/client.js';
import type { ImageInfo, ListImagesQuery, ListingQuery } from '../upstream/wire.js';
import type { Lane } from './fair-gate.js';

/**
 * The images one GraphQL request can see, shaped like Apollo's RESTDataSource: one instance per
 * request and caller, so nothing is shared between callers or requests. It owns the translation of
 * a page request into the upstream's `limit`, `marker` and (for backward pages) reversed `sort_dir`;
 * within the request:
 * - identical upstream calls (same URL: aliases, fragments, the same connection twice) share one call;
 * - by-id lookups (`image`, `node`, `parentImage`) go through one DataLoader: duplicates cost one
 *   call, and an image a finished list call returned is primed into it, so it costs none. A lookup
 *   never waits for a list call still in flight: it pays its own call instead.
 * - every call goes through the request's lane of the process-wide FairGate, and listens to the
 *   request's signal (deadline, client gone).
 */

/** Rows of a listing after `marker` (exclusive), in its order (`forward`) or against it (`backward`). */
export interface PageRequest {
  direction: 'forward' | 'backward';
  limit: number;
  marker: string | undefined;
}

export interface ImageSourceOptions {
  client: CloudImagesClient;
  credentials: Credentials | undefined;
  /** This request's share of the upstream (its own limit inside the process-wide one). */
  lane: Lane;
  /** Fires at the request's deadline or when its client goes away. */
  signal: AbortSignal;
}

interface ImageKey {
  region: string;
  imageId: string;
}

const imageKey = ({ region, imageId }: ImageKey): string => `${region}\n${imageId}`;

export class ImageSource {
  private readonly calls = new Map<string, Promise<ImageInfo[]>>();
  private readonly images: DataLoader<ImageKey, ImageInfo | null, string>;
  /** Pages not yet primed into the by-id loader: most requests never look an image up by id. */
  private unprimed: { region: string; images: ImageInfo[] }[] = [];

  constructor(private readonly options: ImageSourceOptions) {
    this.images = new DataLoader((keys) => Promise.all(keys.map((key) => this.fetchImage(key).catch((error: Error) => error))), {
      cacheKeyFn: imageKey,
    });
  }

  /** One page of a listing, as the request describes it (backward pages come in reverse order). */
  async page(region: string, listing: ListingQuery, request: PageRequest): Promise<ImageInfo[]> {
    const direction = listing.sort_dir ?? 'desc';
    const query: ListImagesQuery = {
      ...listing,
      sort_dir: request.direction === 'forward' ? direction : direction === 'asc' ? 'desc' : 'asc',
      limit: request.limit,
      ...(request.marker !== undefined ? { marker: request.marker } : {}),
    };
    const images = await this.list(region, query);
    this.unprimed.push({ region, images });
    return images;
  }

  /** One image by id, or null when the caller cannot see it. */
  image(region: string, imageId: string): Promise<ImageInfo | null> {
    if (this.unprimed.length > 0) {
      for (const page of this.unprimed) for (const image of page.images) this.images.prime({ region: page.region, imageId: image.id }, image);
      this.unprimed = [];
    }
    return this.images.load({ region, imageId });
  }

  private async fetchImage({ region, imageId }: ImageKey): Promise<ImageInfo | null> {
    const images = await this.list(region, { id: imageId });
    return images.find((image) => image.id === imageId) ?? null;
  }

  /** One upstream call per distinct URL in this request. */
  private list(region: string, query: ListImagesQuery): Promise<ImageInfo[]> {
    const { client, credentials, lane, signal } = this.options;
    const url = client.listUrl(region, query);
    let call = this.calls.get(url.href);
    if (!call) {
      call = lane.run(() => client.fetchList(credentials, url, signal), signal).then(({ images }) => images);
      this.calls.set(url.href, call);
    }
    return call;
  }
}
