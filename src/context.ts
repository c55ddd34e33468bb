import { GraphQLError } from 'graphql';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode } from './graphql/errors.js';
import type { FairGate } from './images/fair-gate.js';
import { ImageSource } from './images/image-source.js';
import type { ListingCache } from './images/listing-cache.js';
import type { CloudImagesClient, Credentials } from './upstream/client.js';

/** What every resolver of one GraphQL request sees. Built fresh per request: nothing is shared. */
export interface Context {
  /** The images this request's caller can see (it holds the credentials sent upstream: nothing else does). */
  images: ImageSource;
  requestId: string;
  log: Logger;
  /** Fires at the request's deadline or when its client goes away. */
  signal: AbortSignal;
  /** The regions this server serves. */
  regions: readonly string[];
}

/** IAM tokens are long (several KB) base64-like strings; anything else is refused before it goes anywhere. */
const TOKEN = /^[A-Za-z0-9+/=_.-]{1,16384}$/;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `X-Auth-Token: <token>` or `Authorization: Bearer <token>`; a malformed one is refused. */
export function credentialsFrom(headers: IncomingHttpHeaders): Credentials | undefined {
  const header = single(headers['x-auth-token'])?.trim();
  const bearer = /^Bearer\s+(.+)$/i.exec(single(headers.authorization)?.trim() ?? '')?.[1]?.trim();
  const token = header || bearer;
  if (!token) return undefined;
  if (!TOKEN.test(token)) {
    throw new GraphQLError('The token is malformed: send the IAM token exactly as issued, in X-Auth-Token or Authorization: Bearer.', {
      extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
    });
  }
  return { token };
}

export interface ContextDeps {
  client: CloudImagesClient;
  /** AK/SK mode: the server's own credentials, used for every call (callers were authenticated on arrival, and an X-Auth-Token they send is never forwarded). Token mode: undefined. */
  serverCredentials?: Credentials | undefined;
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
  headers: IncomingHttpHeaders;
  requestId: string;
  signal: AbortSignal;
}

/**
 * A class, so that its lazy logger lives on the prototype: Apollo copies each request's context
 * with `Object.assign` (which would call an own getter), keeping the prototype.
 */
class RequestContext implements Context {
  private logger: Logger | undefined;

  constructor(
    readonly images: ImageSource,
    readonly requestId: string,
    readonly signal: AbortSignal,
    readonly regions: readonly string[],
    private readonly parentLog: Logger,
  ) {}

  /** Made on first use: most requests log nothing but their access-log line. */
  get log(): Logger {
    return (this.logger ??= this.parentLog.child({ requestId: this.requestId }));
  }
}

export function createContext(deps: ContextDeps, { headers, requestId, signal }: RequestInfo): Context {
  const credentials = deps.serverCredentials ?? credentialsFrom(headers);
  const images = new ImageSource({
    client: deps.client,
    credentials,
    lane: deps.gate.lane(deps.concurrency),
    signal,
    snapshots: deps.snapshots,
    pages: deps.pages,
    maxSnapshotImages: deps.maxSnapshotImages,
  });
  return new RequestContext(images, requestId, signal, deps.regions, deps.log);
}
