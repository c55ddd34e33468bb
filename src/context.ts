import type { Logger } from 'pino';
import type { Context } from './graphql/context.js';
import type { FairGate } from './images/fair-gate.js';
import { ImageCatalog } from './images/image-catalog.js';
import { ImageSource } from './images/image-source.js';
import type { LiveImages } from './images/image-watch.js';
import type { ListingCache } from './images/listing-cache.js';
import type { CloudImagesClient, Credentials } from './upstream/client.js';

/** The GraphQL context of one request, built from what the process shares and what the HTTP layer read of the request. */

export interface ContextDeps {
  client: CloudImagesClient;
  /** The process-wide bound on upstream calls in flight. */
  gate: FairGate;
  /** Upstream calls one request may have in flight at once. */
  concurrency: number;
  /** Process-wide snapshots of whole listings, and the most images one may hold. */
  snapshots: ListingCache;
  maxSnapshotImages: number;
  /** The process-wide page cache (CACHE_TTL_MS), when on. */
  pages?: ListingCache | undefined;
  /** What `regions` lists. */
  regions: readonly string[];
  log: Logger;
}

export interface RequestInfo {
  /** What the request's upstream calls carry (src/http/credentials.ts); undefined: none, and any call is refused UNAUTHENTICATED. */
  credentials: Credentials | undefined;
  requestId: string;
  signal: AbortSignal;
  /** Subscriptions only: watches of images as this caller sees them. */
  live?: LiveImages | undefined;
}

/**
 * A class, so that its lazy logger lives on the prototype: Apollo copies each request's context
 * with `Object.assign` (which would call an own getter), keeping the prototype.
 */
class RequestContext implements Context {
  private logger: Logger | undefined;

  constructor(
    readonly images: ImageCatalog,
    readonly requestId: string,
    readonly signal: AbortSignal,
    readonly regions: readonly string[],
    private readonly parentLog: Logger,
    readonly live: LiveImages | undefined,
  ) {}

  /** Made on first use: most requests log nothing but their access-log line. */
  get log(): Logger {
    return (this.logger ??= this.parentLog.child({ requestId: this.requestId }));
  }
}

export function createContext(deps: ContextDeps, { credentials, requestId, signal, live }: RequestInfo): Context {
  const source = new ImageSource({
    client: deps.client,
    credentials,
    lane: deps.gate.lane(deps.concurrency),
    signal,
    snapshots: deps.snapshots,
    pages: deps.pages,
    maxSnapshotImages: deps.maxSnapshotImages,
  });
  const context: RequestContext = new RequestContext(
    new ImageCatalog(source, {
      // A probe cut short by the request's own end (client gone, deadline) is no failure worth a warning.
      onProbeFailure: (error, region) => {
        if (!signal.aborted) context.log.warn({ err: error, region }, 'the probe for more images failed; answering true');
      },
    }),
    requestId,
    signal,
    deps.regions,
    deps.log,
    live,
  );
  return context;
}
