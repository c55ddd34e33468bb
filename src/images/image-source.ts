import DataLoader from 'dataloader';
import { CloudImagesError, ErrorCode } from '../upstream/errors.js';
import type { CloudImagesClient, Credentials } from '../upstream/client.js';
import type { ImageInfo, ListImagesQuery, ListingQuery } from '../upstream/wire.js';
import { sharedCallerKey } from './caller-digest.js';
import type { Lane } from './fair-gate.js';
import type { ListingCache, Walked } from './listing-cache.js';

/**
 * The images one GraphQL request can see, shaped like Apollo's RESTDataSource: one instance per
 * request and caller, so nothing is shared between callers, and between requests only through the
 * process-wide listing caches (snapshots; pages with CACHE_TTL_MS), keyed per caller. It owns the translation of
 * a page request into the upstream's `limit`, `marker` and (for backward pages) reversed `sort_dir`;
 * within the request:
 * - identical upstream calls (same URL: aliases, fragments, the same connection twice) share one call;
 * - by-id lookups (`image`, `node`, `parentImage`) go through one DataLoader: duplicates cost one
 *   call, and an image a finished list call returned is primed into it, so it costs none. A lookup
 *   never waits for a list call still in flight: it pays its own call instead.
 * - every call goes through the request's lane of the process-wide FairGate, and listens to the
 *   request's signal (deadline, client gone), except a call shared through a listing cache (a
 *   snapshot walk, a cached page), which goes on for the others: this request still leaves at
 *   its own deadline.
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
  /** Process-wide snapshots of whole listings (keyed per caller). */
  snapshots: ListingCache;
  /** Process-wide cache of pass-through pages (keyed per caller; CACHE_TTL_MS), when on. */
  pages?: ListingCache | undefined;
  /** A listing with more images is refused rather than walked. */
  maxSnapshotImages: number;
}

/** The upstream's largest page: snapshots are walked in pages of this size. */
export const SNAPSHOT_PAGE = 500;

/** Upstream calls a snapshot read may need, its price in the query cost: the pages of the largest listing kept, and the one that finds a listing too large. */
export function snapshotPagesOf(maxImages: number): number {
  return Math.floor(maxImages / SNAPSHOT_PAGE) + 1;
}

interface ImageKey {
  region: string;
  imageId: string;
}

const imageKey = ({ region, imageId }: ImageKey): string => `${region}\n${imageId}`;

export class ImageSource {
  private readonly calls = new Map<string, Promise<ImageInfo[]>>();
  private readonly images: DataLoader<ImageKey, ImageInfo | null, string>;
  /** Upstream calls this request has made (a snapshot walk it started included), for `extensions.cost.actual`. */
  upstreamCalls = 0;
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

  /**
   * Every image of a listing (its upstream filters; in the upstream's default order, whatever the
   * sort asked for), from a snapshot of at most SNAPSHOT_TTL_MS: walked in pages of 500 when there
   * is none, one walk for concurrent readers. This request leaves at its own deadline (or when its
   * client goes); the walk goes on while another reader waits for it, and stops when none does.
   */
  snapshot(region: string, listing: ListingQuery): Promise<ImageInfo[]> {
    const { client, credentials, lane, snapshots, maxSnapshotImages, signal } = this.options;
    const { sort_key: _key, sort_dir: _dir, ...filters } = listing;
    const first: ListImagesQuery = { ...filters, sort_key: 'created_at', sort_dir: 'desc', limit: SNAPSHOT_PAGE };
    const key = `${sharedCallerKey(credentials)}\n${client.listUrl(region, first).href}`;
    return snapshots.read(
      key,
      async ({ signal: wanted, grew }): Promise<Walked> => {
        const images: ImageInfo[] = [];
        let bytes = 0;
        for (let marker: string | undefined; ; ) {
          const url = client.listUrl(region, marker === undefined ? first : { ...first, marker });
          const { images: page, bytes: pageBytes } = await lane.run(() => this.counted(() => client.fetchList(credentials, url, wanted)), wanted);
          images.push(...page);
          bytes += pageBytes;
          grew(pageBytes);
          if (images.length > maxSnapshotImages) {
            throw new SnapshotRefused(
              ErrorCode.BAD_USER_INPUT,
              `This listing of ${region} has more than ${maxSnapshotImages} images (SNAPSHOT_MAX_IMAGES), too many to search, count or facet here. Narrow it with filters the image service applies itself (imageType, osType, status, visibility, name, support).`,
            );
          }
          if (page.length < SNAPSHOT_PAGE) return { images, bytes };
          marker = page[page.length - 1]!.id;
        }
      },
      (error) => error instanceof SnapshotRefused,
      signal,
    );
  }

  private async fetchImage({ region, imageId }: ImageKey): Promise<ImageInfo | null> {
    const images = await this.list(region, { id: imageId });
    return images.find((image) => image.id === imageId) ?? null;
  }

  /** Counts a call that will reach the upstream (without credentials none does). */
  private counted<T>(call: () => Promise<T>): Promise<T> {
    if (this.options.credentials) this.upstreamCalls++;
    return call();
  }

  /**
   * One upstream call per distinct URL in this request; with the page cache, one per URL and
   * caller while the cached page lives (on any instance sharing REDIS_URL). A cached call is
   * shared with other requests: this request leaves at its own deadline, and the call stops when
   * no request waits for it.
   */
  private list(region: string, query: ListImagesQuery): Promise<ImageInfo[]> {
    const { client, credentials, lane, signal, pages } = this.options;
    const url = client.listUrl(region, query);
    let call = this.calls.get(url.href);
    if (!call) {
      call = pages
        ? pages.read(`${sharedCallerKey(credentials)}\n${url.href}`, ({ signal: wanted }) => lane.run(() => this.counted(() => client.fetchList(credentials, url, wanted)), wanted), undefined, signal)
        : lane.run(() => this.counted(() => client.fetchList(credentials, url, signal)), signal).then(({ images }) => images);
      this.calls.set(url.href, call);
    }
    return call;
  }
}

/** A listing too large to snapshot: remembered for the snapshot TTL, so it is not walked again by every request. */
export class SnapshotRefused extends CloudImagesError {}
