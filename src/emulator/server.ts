import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { ListCloudImagesResponse } from '../upstream/wire.js';
import { Authenticator, NO_CREDENTIALS } from './auth.js';
import { buildCatalog, type Catalog } from './catalog.js';
import { FaultPlan } from './faults.js';
import { apiNotFound, imageServiceError, serviceUnavailable, throttled, unauthorized, type ErrorAnswer } from './gateway-errors.js';
import { listImages } from './listing.js';
import { Listener } from './listener.js';
import {
  DEFAULT_EMULATOR_HOST,
  DEFAULT_EMULATOR_PORT,
  DEFAULT_EMULATOR_SEED,
  DEMO_ACCESS_KEYS,
  DEMO_TENANTS,
  defaultEmulatorFaults,
  type AccessKey,
  type EmulatorFaults,
  type EmulatorOptions,
  type Tenant,
} from './options.js';
import { RequestLog, type RecordedRequest } from './request-log.js';
import { SavingSchedule, type SavingImage } from './saving.js';
import { checkEmulatorOptions } from './settings.js';

export type { AuthScheme } from './auth.js';
export type { AccessKey, EmulatorFaults, EmulatorOptions, Tenant } from './options.js';
export type { RecordedRequest } from './request-log.js';
export type { SavingImage, SavingOutcome } from './saving.js';

/**
 * A Huawei-compatible HTTP emulator of `GET /v1/cloudimages/{region_id}` on loopback: tenants by
 * token or AK/SK signature, the upstream's validation and error bodies, fault knobs, and a request
 * log for tests. This file puts the parts together: the listener (listener.ts), authentication
 * (auth.ts), fault plan (faults.ts), listing (listing.ts), error answers (gateway-errors.ts) and
 * request log (request-log.ts).
 */

const API_PREFIX = '/v1/cloudimages/';

export class Emulator {
  private readonly listener = new Listener((req, res) => this.handle(req, res));
  private readonly authenticator: Authenticator;
  private pending = 0;

  private constructor(
    readonly catalog: Catalog,
    readonly tenants: readonly Tenant[],
    /** The access keys AK/SK-signed requests may use. */
    readonly accessKeys: readonly AccessKey[],
    private readonly faults: FaultPlan,
    private readonly log: RequestLog,
    private readonly saving: SavingSchedule,
  ) {
    this.authenticator = new Authenticator(tenants, accessKeys);
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
    const catalog = buildCatalog(seed, tenants);
    const emulator = new Emulator(catalog, tenants, accessKeys, faults, new RequestLog(options.logCapacity), new SavingSchedule(catalog, seed, options.savingMs ?? 0));
    await emulator.listener.listen(options.port ?? DEFAULT_EMULATOR_PORT, options.host ?? DEFAULT_EMULATOR_HOST);
    return emulator;
  }

  get port(): number {
    return this.listener.port;
  }

  /** Base URL to give a client, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return this.listener.url;
  }

  /** The request log (the newest `logCapacity` entries) since start or the last `clearRequests()`, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.log.all;
  }

  /** Only the image-listing calls (those that reached the API path). */
  get apiRequests(): readonly RecordedRequest[] {
    return this.log.api;
  }

  /** Requests received and neither answered nor abandoned yet (e.g. waiting out `latencyMs`). */
  get inFlight(): number {
    return this.pending;
  }

  /** Empties the log; numbering (`seq`) starts again at 1. */
  clearRequests(): void {
    this.log.clear();
  }

  /** The private images that finish saving while it runs (`savingMs`), soonest first; empty when `savingMs` is 0. */
  get savingImages(): SavingImage[] {
    return this.saving.images;
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
    await this.listener.close();
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
    const caller = region === undefined ? undefined : this.authenticator.authenticate(req, target);
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
      this.log.record(entry);
      abandoned.abort();
    };
    // 'close' also follows every answer; by then the entry is settled and this does nothing.
    res.once('close', abandon);

    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      if (settled) return;
      if (res.destroyed || req.socket.destroyed) return abandon();
      settle();
      entry.status = status;
      this.log.record(entry);
      res.writeHead(status, {
        'Content-Type': 'application/json;charset=UTF-8',
        'X-Request-Id': requestId,
        ...headers,
      });
      res.end(body);
    };
    const sendError = ({ status, body, headers }: ErrorAnswer): void => send(status, body, headers);

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
      if (region === undefined) return sendError(apiNotFound(requestId));

      if (this.faults.beforeAuth() === 'throttled') {
        entry.fault = 'throttled';
        return sendError(throttled(requestId, this.faults.current.retryAfterSeconds));
      }

      if (projectId === undefined) return sendError(unauthorized(requestId, caller?.failure ?? NO_CREDENTIALS));
      entry.projectId = projectId;

      const fault = this.faults.afterAuth(searchParams);
      if (fault) {
        entry.fault = fault;
        return sendError(fault === 'unavailable' ? serviceUnavailable() : imageServiceError());
      }

      const outcome = listImages(this.catalog, { region, query: searchParams, projectId, ...(this.saving.active ? { current: (image) => this.saving.current(image) } : {}) });
      if (!outcome.ok) {
        return send(outcome.status, JSON.stringify({ error_code: outcome.errorCode, error_msg: outcome.errorMsg }));
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
