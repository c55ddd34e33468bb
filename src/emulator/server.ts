import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { ListCloudImagesResponse } from '../upstream/wire.js';
import { AkskVerifier, isSignedRequest } from './aksk.js';
import { buildCatalog, type Catalog } from './catalog.js';
import { FaultPlan, type FaultKind } from './faults.js';
import { listImages } from './listing.js';
import {
  DEFAULT_EMULATOR_HOST,
  DEFAULT_EMULATOR_PORT,
  DEFAULT_EMULATOR_SEED,
  DEMO_ACCESS_KEYS,
  DEMO_TENANTS,
  defaultEmulatorFaults,
  type EmulatorFaults,
  type AccessKey,
  type EmulatorOptions,
  type Tenant,
} from './options.js';
import { checkEmulatorOptions } from './settings.js';

export type { AccessKey, EmulatorFaults, EmulatorOptions, Tenant } from './options.js';

/**
 * A Huawei-compatible HTTP emulator of `GET /v1/cloudimages/{region_id}` on loopback: tenants by
 * token or AK/SK signature, the upstream's validation and error bodies, fault knobs, and a request
 * log for tests.
 */

/** How a caller authenticated: `X-Auth-Token`, or an AK/SK-signed request (`Authorization: SDK-HMAC-SHA256 ...`). */
export type AuthScheme = 'token' | 'aksk';

/**
 * One request as the emulator saw it, logged when it was answered or abandoned; credentials (tokens,
 * access keys, signatures) are never recorded, only the way they came and the project they map to.
 */
export interface RecordedRequest {
  /** Order of logging (answer or abandonment), from 1. */
  seq: number;
  method: string;
  path: string;
  /** Set when the path is the image-listing API (`''` for an empty region). */
  region?: string;
  query: Record<string, string>;
  /** The caller's project, once authenticated; on an aborted entry, the project its credentials map to (if any). */
  projectId?: string;
  /**
   * Which credentials the caller presented on the API path: `token` (X-Auth-Token, which wins when
   * both are sent) or `aksk` (an SDK-HMAC-SHA256 signature); set whether or not they were accepted
   * (`projectId` says that). Absent when there were none.
   */
  auth?: AuthScheme;
  /** The status sent; 0 on an aborted entry (nothing was sent). */
  status: number;
  /** Sent as `X-Request-Id` (never sent on an aborted entry). */
  requestId: string;
  /** The fault played, if one was already decided. */
  fault?: FaultKind;
  /**
   * The caller's connection closed before the emulator answered (a client that gave up, e.g. during
   * the added latency): the emulator stopped work on it and sent nothing. Absent on answered requests.
   */
  aborted?: boolean;
  /** The caller's TCP port: equal across requests that reused one keep-alive connection. */
  remotePort: number;
  /** When the request arrived, in ms since the epoch (fractional: sub-millisecond precision). */
  receivedAt: number;
}

const API_PREFIX = '/v1/cloudimages/';
/** The request log keeps the newest entries only, so a long-running emulator does not grow. */
const DEFAULT_LOG_CAPACITY = 10_000;

export class Emulator {
  private readonly log: RecordedRequest[] = [];
  private logged = 0;
  private pending = 0;
  private readonly tokens: ReadonlyMap<string, string>;
  private readonly verifier: AkskVerifier;

  private constructor(
    private readonly server: Server,
    readonly catalog: Catalog,
    readonly tenants: readonly Tenant[],
    /** The access keys AK/SK-signed requests may use. */
    readonly accessKeys: readonly AccessKey[],
    private readonly faults: FaultPlan,
    private readonly logCapacity: number,
  ) {
    this.tokens = new Map(tenants.map((t) => [t.token, t.projectId]));
    this.verifier = new AkskVerifier(accessKeys);
  }

  /** Starts listening (on loopback by default); every option missing or `undefined` takes its default (see `EmulatorOptions`). */
  static async start(options: EmulatorOptions = {}): Promise<Emulator> {
    checkEmulatorOptions(options);
    const tenants = options.tenants ?? DEMO_TENANTS;
    // The demo key goes with its demo tenant: with tenants of other projects there is none by default.
    const accessKeys = options.aksk ?? DEMO_ACCESS_KEYS.filter((key) => tenants.some((t) => t.projectId === key.projectId));
    const seed = options.seed ?? DEFAULT_EMULATOR_SEED;
    // Knobs given as undefined keep their default (FaultPlan.update skips them).
    const faults = new FaultPlan(defaultEmulatorFaults(), seed);
    faults.update(options.faults ?? {});
    // Like the real gateway, room for IAM tokens of several KB (Node allows 16 KB of headers by default).
    const server = createServer({ keepAliveTimeout: 5_000, maxHeaderSize: 64 * 1024 });
    const emulator = new Emulator(server, buildCatalog(seed, tenants), tenants, accessKeys, faults, options.logCapacity ?? DEFAULT_LOG_CAPACITY);
    server.on('request', (req, res) => {
      emulator.handle(req, res).catch((error: unknown) => {
        if (res.destroyed || res.writableEnded) return;
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(error instanceof Error ? 'emulator failure' : '');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_EMULATOR_PORT, options.host ?? DEFAULT_EMULATOR_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return emulator;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Base URL to give a client, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    const { address, family } = this.server.address() as AddressInfo;
    return `http://${family === 'IPv6' ? `[${address}]` : address}:${this.port}`;
  }

  /** The request log (the newest `logCapacity` entries) since start or the last `clearRequests()`, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return [...this.log];
  }

  /** Only the image-listing calls (those that reached the API path). */
  get apiRequests(): readonly RecordedRequest[] {
    return this.log.filter((r) => r.region !== undefined);
  }

  /** Requests received and neither answered nor abandoned yet (e.g. waiting out `latencyMs`). */
  get inFlight(): number {
    return this.pending;
  }

  /** Empties the log; numbering (`seq`) starts again at 1. */
  clearRequests(): void {
    this.log.length = 0;
    this.logged = 0;
  }

  get faultSettings(): Readonly<EmulatorFaults> {
    return this.faults.current;
  }

  setFaults(changes: Partial<EmulatorFaults>): void {
    this.faults.update(changes);
  }

  resetFaults(): void {
    this.faults.update(defaultEmulatorFaults());
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /**
   * Who is calling: X-Auth-Token when sent (as the gateway, a token wins over a signature), else an
   * SDK-HMAC-SHA256 `Authorization`, verified against the request as received; else nobody.
   */
  private authenticate(req: IncomingMessage, target: string): Caller {
    const token = req.headers['x-auth-token'];
    if (token !== undefined) {
      const projectId = typeof token === 'string' ? this.tokens.get(token) : undefined;
      return projectId === undefined ? { scheme: 'token', failure: 'Incorrect IAM authentication information: decrypt token fail' } : { scheme: 'token', projectId };
    }
    if (isSignedRequest(req.headers)) {
      const outcome = this.verifier.verify({ method: req.method ?? 'GET', target, headers: req.headers });
      return outcome.ok ? { scheme: 'aksk', projectId: outcome.projectId } : { scheme: 'aksk', failure: outcome.message };
    }
    return { failure: NO_CREDENTIALS };
  }

  /** Logs an entry, numbered when logged: requests overlap (latency), so numbering on arrival would repeat numbers. */
  private record(entry: RecordedRequest): void {
    entry.seq = ++this.logged;
    this.log.push(entry);
    if (this.log.length > this.logCapacity) this.log.splice(0, this.log.length - this.logCapacity);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(16).toString('hex');
    // The request target as sent: WHATWG URL parsing would resolve `..` and `%2E%2E` segments,
    // letting `/v1/cloudimages/%2E%2E/cloudimages/cn-north-4` through as a valid call.
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const pathname = queryStart < 0 ? target : target.slice(0, queryStart);
    const searchParams = new URLSearchParams(queryStart < 0 ? '' : target.slice(queryStart + 1));
    const entry: RecordedRequest = {
      seq: 0,
      method: req.method ?? 'GET',
      path: pathname,
      query: Object.fromEntries(searchParams),
      status: 0,
      requestId,
      remotePort: req.socket.remotePort ?? 0,
      receivedAt: performance.timeOrigin + performance.now(),
    };
    const region = routeRegion(req.method, pathname);
    if (region !== undefined) entry.region = region;
    // Credentials are checked on arrival (an X-Sdk-Date is judged against the time it came in), used after the fault knobs.
    const caller = region === undefined ? undefined : this.authenticate(req, target);
    if (caller?.scheme !== undefined) entry.auth = caller.scheme;
    const projectId = caller?.projectId;

    // One log entry per request: either its answer or, when the caller's connection closes first,
    // its abandonment; after that nothing more is done or written for it.
    this.pending++;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      this.pending--;
      return true;
    };
    const abandoned = new AbortController();
    const abandon = (): void => {
      if (!settle()) return;
      entry.status = 0;
      entry.aborted = true;
      if (region !== undefined && projectId !== undefined) entry.projectId = projectId;
      this.record(entry);
      abandoned.abort();
    };
    // 'close' also follows every answer; by then the entry is settled and this does nothing.
    res.once('close', abandon);

    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      if (settled) return;
      if (res.destroyed || req.socket.destroyed) return abandon();
      settle();
      entry.status = status;
      this.record(entry);
      res.writeHead(status, {
        'Content-Type': 'application/json;charset=UTF-8',
        'X-Request-Id': requestId,
        ...headers,
      });
      res.end(body);
    };
    const sendJson = (status: number, body: unknown, headers?: Record<string, string>): void => send(status, JSON.stringify(body), headers);

    const latency = this.faults.current.latencyMs;
    if (latency > 0) {
      try {
        await delay(latency, undefined, { signal: abandoned.signal });
      } catch {
        return; // the caller left during the latency: already logged as aborted
      }
    }
    if (settled) return;

    try {
      if (region === undefined) {
        return sendJson(404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment', request_id: requestId });
      }

      if (this.faults.beforeAuth() === 'throttled') {
        entry.fault = 'throttled';
        return sendJson(
          429,
          { error_code: 'APIGW.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second', request_id: requestId },
          { 'Retry-After': String(this.faults.current.retryAfterSeconds) },
        );
      }

      if (projectId === undefined) {
        return sendJson(401, { error_code: 'APIGW.0301', error_msg: caller?.failure ?? NO_CREDENTIALS, request_id: requestId });
      }
      entry.projectId = projectId;

      const fault = this.faults.afterAuth(searchParams);
      if (fault) {
        entry.fault = fault;
        if (fault === 'unavailable') {
          return send(503, '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>', {
            'Content-Type': 'text/html',
          });
        }
        return sendJson(500, { error: { code: 'IMG.0001', message: 'An internal error occurred in the image service.' } });
      }

      const outcome = listImages(this.catalog, { region, query: searchParams, projectId });
      if (!outcome.ok) {
        return sendJson(outcome.status, { error_code: outcome.errorCode, error_msg: outcome.errorMsg });
      }
      const body = JSON.stringify({ images: outcome.images } satisfies ListCloudImagesResponse);
      if (this.faults.malformed()) {
        entry.fault = 'malformed';
        return send(200, body.slice(0, Math.max(1, Math.floor(body.length / 2))));
      }
      return send(200, body);
    } catch {
      // A bug of the emulator's own: answered (and logged) as a plain 500 rather than left hanging.
      send(500, 'emulator failure', { 'Content-Type': 'text/plain' });
    }
  }
}

interface Caller {
  /** The credentials presented, if any. */
  scheme?: AuthScheme;
  /** Set when they were accepted. */
  projectId?: string;
  /** Why they were refused: the 401's `error_msg` (never holding a secret). */
  failure?: string;
}

const NO_CREDENTIALS = 'Incorrect IAM authentication information: x-auth-token not found';

/** The region of an image-listing call, '' when it is empty, undefined when the path is no such API. */
function routeRegion(method: string | undefined, pathname: string): string | undefined {
  if (method !== 'GET') return undefined;
  if (pathname === API_PREFIX.slice(0, -1)) return '';
  if (!pathname.startsWith(API_PREFIX)) return undefined;
  const segment = pathname.slice(API_PREFIX.length);
  if (segment.includes('/')) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function startEmulator(options?: EmulatorOptions): Promise<Emulator> {
  return Emulator.start(options);
}
