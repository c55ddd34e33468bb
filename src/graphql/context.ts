import type { Logger } from 'pino';
import type { ImageCatalog } from '../images/image-catalog.js';
import type { LiveImages } from '../images/image-watch.js';

/** What every resolver of one GraphQL request sees. Built fresh per request (src/context.ts): nothing is shared. */
export interface Context {
  /** The images this request's caller can see (its image source holds the credentials sent upstream: nothing else does). */
  images: ImageCatalog;
  requestId: string;
  log: Logger;
  /** Fires at the request's deadline or when its client goes away. */
  signal: AbortSignal;
  /** The regions this server serves. */
  regions: readonly string[];
  /** Subscriptions only (WebSocket, SSE): watches of images as this caller sees them. Undefined over HTTP, which runs no subscription. */
  live?: LiveImages | undefined;
}
