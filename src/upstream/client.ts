import { setTimeout as delay } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import { errors as undiciErrors, Pool, type Dispatcher } from 'undici';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import { ClientGone, CloudImagesError, ErrorCode, errorFromResponse, isRetryableStatus } from './errors.js';
import { signRequest, type AkSk } from './aksk-signer.js';
import { listUrlBuilder } from './request-url.js';
import type { ImageInfo, ListImagesQuery } from './wire.js';

/**
 * How a call proves who it is upstream: a caller's IAM token, forwarded as `X-Auth-Token`; or the
 * server's own access key pair, with which every attempt is signed `SDK-HMAC-SHA256`.
 */
export type Credentials = { token: string } | ServerCredentials;

/** The server's own access key pair (AK/SK mode), with the ids sent (and signed) as `X-Domain-Id` and `X-Project-Id`. */
export interface ServerCredentials {
  aksk: AkSk;
  domainId?: string | undefined;
  projectId?: string | undefined;
}

export interface ListImagesResult {
  images: ImageInfo[];
  /** The upstream's `X-Request-Id`, when it sent one. */
  requestId: string | null;
  /** Size of the response body (for memory bounds of what keeps it). */
  bytes: number;
}

/**
 * A budget of upstream calls (UPSTREAM_RATE_LIMIT): `take` resolves once a call may be made, or
 * fails (RATE_LIMITED, or the signal's reason) when it may not in time. Taken right before each
 * attempt is sent, once it holds a connection, so what the budget counts is what the cloud sees.
 */
export interface CallBudget {
  take(signal: AbortSignal): Promise<void>;
}

/** How an upstream attempt ended, for observers: `ok`, an error code, or `cancelled` (its caller went away). */
export interface AttemptEnd {
  status: number | undefined;
  outcome: 'ok' | 'cancelled' | ErrorCode;
  requestId: string | null;
}

/**
 * Watches upstream traffic (metrics, traces) without the client knowing what for: told when each
 * attempt starts (it may add headers, e.g. `traceparent`) and ends, and of each retry.
 */
export interface UpstreamObserver {
  attempt(info: { url: URL; attempt: number }): { headers?: Record<string, string>; end(result: AttemptEnd): void };
  retry?(info: { url: URL; attempt: number; waitMs: number; code: ErrorCode }): void;
}

/** How calls to the upstream behave: what the configuration decides (UPSTREAM_*, BREAKER_*). */
export interface ClientSettings {
  /** One attempt. */
  timeoutMs: number;
  /** Attempts per call; retried on 429, 502, 503, 504 and network errors. */
  maxAttempts: number;
  /** Base of the jittered exponential backoff (`Retry-After` wins when sent). */
  retryBaseDelayMs: number;
  /** Upper bound on the time one call may take, retries and waits included. */
  totalBudgetMs: number;
  /** Calls the whole process may have in flight at once: the connection pool's size. */
  maxInFlight: number;
  /** Consecutive outages (5xx, timeouts, unreachable) that open the circuit breaker. */
  breakerFailures: number;
  /** How long an open breaker refuses calls before letting one probe through. */
  breakerOpenMs: number;
}

export type ClientOptions = Pick<ClientSettings, 'timeoutMs' | 'maxAttempts' | 'retryBaseDelayMs' | 'totalBudgetMs'> &
  Partial<Pick<ClientSettings, 'maxInFlight' | 'breakerFailures' | 'breakerOpenMs'>> & {
    endpoint: string;
    observers?: readonly UpstreamObserver[];
    budget?: CallBudget | undefined;
    /** Largest response body read; a larger one is an UPSTREAM_ERROR (default 64 MiB; a page of 500 is about 1 MiB). */
    maxResponseBytes?: number;
  };

const DEFAULT_MAX_RESPONSE_BYTES = 64 * 2 ** 20;

const DEFAULT_MAX_IN_FLIGHT = 64;

/**
 * The REST client of `GET /v1/cloudimages/{region_id}`: URL building, auth, keep-alive pool,
 * per-attempt timeout, retries with jittered backoff inside a total budget, a circuit breaker,
 * cancellation, error mapping, parsing. It knows nothing of GraphQL.
 */
export class CloudImagesClient {
  /** One keep-alive pool for the endpoint's origin (a client talks to one upstream). */
  private readonly pool: Pool;
  private readonly breaker: CircuitBreaker;
  /** One place per pooled connection: an attempt starts (and its timeout with it) only once it has a connection. */
  private readonly connections: LimitFunction;
  private readonly buildUrl: (region: string, query: ListImagesQuery) => URL;

  constructor(
    private readonly options: ClientOptions,
    private readonly random: () => number = Math.random,
  ) {
    const connections = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.pool = new Pool(new URL(options.endpoint).origin, {
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connections,
      // One request at a time on a connection: a slow answer never holds up the one behind it.
      pipelining: 1,
      // A larger body is refused as it arrives, and its connection dropped.
      maxResponseSize: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    });
    this.connections = pLimit(connections);
    this.buildUrl = listUrlBuilder(options.endpoint);
    this.breaker = new CircuitBreaker(options.breakerFailures ?? 5, options.breakerOpenMs ?? 10_000, isOutage, (error) => error instanceof CancelledAttempt);
  }

  get endpoint(): string {
    return this.options.endpoint;
  }

  /** The circuit breaker of this client's upstream origin, for /readyz. */
  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** The URL a listing is fetched from; it also keys the dedupe of identical calls. */
  listUrl(region: string, query: ListImagesQuery = {}): URL {
    return this.buildUrl(region, query);
  }

  async listImages(credentials: Credentials | undefined, region: string, query: ListImagesQuery = {}, signal?: AbortSignal): Promise<ListImagesResult> {
    return this.fetchList(credentials, this.listUrl(region, query), signal);
  }

  /**
   * GETs a listing URL (from `listUrl`). `signal` cancels it (the GraphQL request's deadline, or
   * its client gone): the attempt in flight and any backoff wait end at once with the signal's
   * reason when it is a CloudImagesError, else UPSTREAM_TIMEOUT.
   */
  async fetchList(credentials: Credentials | undefined, url: URL, signal?: AbortSignal): Promise<ListImagesResult> {
    if (!credentials) {
      // HTTP 401 for the whole response, so a client's usual "on 401, log in again" handler fires.
      throw new CloudImagesError(ErrorCode.UNAUTHENTICATED, 'No credentials: send an X-Auth-Token header (or Authorization: Bearer <token>).', undefined, undefined, 401);
    }
    const { totalBudgetMs, timeoutMs, budget } = this.options;
    const deadline = Date.now() + totalBudgetMs;
    // What the waits between attempts listen to (the rate budget, a backoff): made only when one waits.
    let waits: CallSignal | undefined;
    // The wait's own timer may fire a little before the wall clock says the deadline passed: either says the call is out of time.
    const outOfTime = (): boolean => signal?.aborted === true || waits?.signal.aborted === true || Date.now() >= deadline;
    const waitSignal = (): AbortSignal => (waits ??= new CallSignal(signal, deadline)).signal;
    try {
      for (let attempt = 1; ; attempt++) {
        let failure: CloudImagesError;
        try {
          // An open breaker refuses at once: no wait for a connection, no budget spent.
          this.breaker.throwIfOpen();
          return await this.connections(async () => {
            // The budget is taken once the attempt holds a connection, right before it is sent, and
            // outside the breaker: a call refused by the budget (or cancelled while it waited) says
            // nothing about the upstream, and must neither count as an outage nor close a half-open breaker.
            if (outOfTime()) throw new CancelledAttempt();
            if (budget) await budget.take(waitSignal());
            // Again, in the same tick as the breaker's own check: the breaker may have started a
            // half-open probe while this call waited, and cockatiel would hold it (deaf to its signal) until the probe ends.
            this.breaker.throwIfOpen();
            const left = deadline - Date.now();
            return this.breaker.run(() => this.observed(url, attempt, (headers) => this.attempt(url, credentials, { timeoutMs: Math.min(timeoutMs, left), last: left <= timeoutMs }, signal, headers)));
          });
        } catch (error) {
          if (!(error instanceof RetryableFailure)) throw error;
          failure = error.error;
        }
        const wait = failure.retryAfterSeconds !== undefined ? failure.retryAfterSeconds * 1000 : this.backoff(attempt);
        if (attempt >= this.options.maxAttempts || Date.now() + wait >= deadline) throw failure;
        for (const observer of this.options.observers ?? []) observer.retry?.({ url, attempt, waitMs: wait, code: failure.code });
        await delay(wait, undefined, { signal: waitSignal() });
      }
    } catch (error) {
      if (outOfTime()) throw cancelled(signal?.aborted ? signal.reason : undefined, totalBudgetMs);
      throw error;
    } finally {
      waits?.dispose();
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Full jitter: a random wait up to base·2^(attempt-1). */
  private backoff(attempt: number): number {
    return Math.round(this.random() * this.options.retryBaseDelayMs * 2 ** (attempt - 1));
  }

  /**
   * One attempt, once it holds one of the pool's connections: its timeout covers the attempt, not
   * the wait for a connection (undici's own headers timeout would, but only to about a second).
   */
  /** Runs one attempt under the observers' watch. */
  private async observed(url: URL, attempt: number, run: (headers: Record<string, string> | undefined) => Promise<ListImagesResult & { status: number }>): Promise<ListImagesResult> {
    const observers = this.options.observers ?? [];
    if (observers.length === 0) return strip(await run(undefined));
    const watches = observers.map((observer) => observer.attempt({ url, attempt }));
    let headers: Record<string, string> | undefined;
    for (const watch of watches) if (watch.headers) headers = { ...headers, ...watch.headers };
    try {
      const result = await run(headers);
      for (const watch of watches) watch.end({ status: result.status, outcome: 'ok', requestId: result.requestId });
      return strip(result);
    } catch (error) {
      const failure = error instanceof RetryableFailure ? error.error : error;
      const end: AttemptEnd =
        failure instanceof CloudImagesError
          ? { status: failure.upstream?.status ?? undefined, outcome: failure.code, requestId: failure.upstream?.requestId ?? null }
          : { status: undefined, outcome: 'cancelled', requestId: null };
      for (const watch of watches) watch.end(end);
      throw error;
    }
  }

  /**
   * One attempt. `time.last`: its timeout is what is left of the call's budget, so its running out
   * ends the call (no retry), as the budget running out during an attempt always has.
   */
  private async attempt(
    url: URL,
    credentials: Credentials,
    time: { timeoutMs: number; last: boolean },
    cancel: AbortSignal | undefined,
    extraHeaders: Record<string, string> | undefined,
  ): Promise<ListImagesResult & { status: number }> {
    // Cancelled while it waited for a connection: no call was made, nothing to count.
    if (cancel?.aborted) throw new CancelledAttempt();
    const timeout = Math.max(1, time.timeoutMs);
    // One signal for the attempt: its own timeout, or the call's caller gone (deadline, client gone).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    const onCancel = (): void => controller.abort();
    cancel?.addEventListener('abort', onCancel, { once: true });
    let response: Dispatcher.ResponseData;
    let body: string;
    try {
      const headers = authHeaders(credentials, url);
      response = await this.pool.request({ method: 'GET', path: `${url.pathname}${url.search}`, signal: controller.signal, headers: extraHeaders ? { ...extraHeaders, ...headers } : headers });
      body = await response.body.text();
    } catch (error) {
      if (cancel?.aborted) {
        // The caller going away is no outage (the breaker must not count it); the call's budget or
        // the request's deadline running out while the upstream still had not answered is one.
        if (cancel.reason instanceof ClientGone) throw new CancelledAttempt();
        throw new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, 'The image service did not answer before the call ran out of time');
      }
      if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
        throw new CloudImagesError(ErrorCode.UPSTREAM_ERROR, `The image service sent a response larger than ${this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES} bytes`);
      }
      if (timedOut && time.last) throw new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, 'The image service did not answer before the call ran out of time');
      if (timedOut) {
        throw new RetryableFailure(new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, `The image service did not answer within ${timeout} ms`));
      }
      const reason = error instanceof Error ? ((error as Error & { code?: string }).code ?? error.name) : 'unknown error';
      throw new RetryableFailure(new CloudImagesError(ErrorCode.UPSTREAM_UNAVAILABLE, `The image service could not be reached (${reason})`));
    } finally {
      clearTimeout(timer);
      cancel?.removeEventListener('abort', onCancel);
    }
    const requestId = header(response.headers, 'x-request-id');
    const { statusCode: status } = response;
    if (status < 200 || status >= 300) {
      // An upstream that echoes the token must not make it part of our error (DESIGN: never in errors).
      const redact = (text: string): string => ('token' in credentials ? text.split(credentials.token).join('[redacted]') : text);
      const wait = isRetryableStatus(status) ? retryAfter(header(response.headers, 'retry-after')) : undefined;
      const error = errorFromResponse(status, redact(body), requestId === null ? null : redact(requestId), wait);
      if (status === 401 && 'aksk' in credentials) throw serverCredentialsRefused(error);
      throw isRetryableStatus(status) ? new RetryableFailure(error) : error;
    }
    return { images: parseImages(body, status, requestId), requestId, status, bytes: body.length };
  }
}

/**
 * What a call's waits (the rate budget, a backoff between attempts) listen to: aborted when the
 * call's caller goes away (with its reason) or when the call's total budget runs out.
 */
class CallSignal {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly caller: AbortSignal | undefined,
    deadline: number,
  ) {
    this.timer = setTimeout(() => this.controller.abort(new DOMException('The call ran out of time', 'TimeoutError')), Math.max(0, deadline - Date.now()));
    if (caller?.aborted) {
      this.controller.abort(caller.reason);
    } else if (caller) {
      this.onAbort = () => this.controller.abort(caller.reason);
      caller.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.onAbort) this.caller?.removeEventListener('abort', this.onAbort);
  }
}

function strip({ images, requestId, bytes }: ListImagesResult & { status: number }): ListImagesResult {
  return { images, requestId, bytes };
}

/** Marks a failure that another attempt may cure (and that counts against the breaker); never escapes the client. */
class RetryableFailure extends Error {
  constructor(readonly error: CloudImagesError) {
    super(error.message);
  }
}

/** The headers an attempt sends: the token, or a fresh signature (a new `X-Sdk-Date` each attempt). */
function authHeaders(credentials: Credentials, url: URL): Record<string, string> {
  if ('token' in credentials) return { accept: 'application/json', 'x-auth-token': credentials.token };
  const signed: Record<string, string> = {};
  if (credentials.domainId) signed['X-Domain-Id'] = credentials.domainId;
  if (credentials.projectId) signed['X-Project-Id'] = credentials.projectId;
  return { accept: 'application/json', ...signed, ...signRequest(credentials.aksk, { method: 'GET', url, headers: signed }, new Date()) };
}

/**
 * The upstream refusing the server's own signature is the server's misconfiguration, not the
 * caller's: UPSTREAM_ERROR and HTTP 502, never a 401 that would send a frontend to its login page.
 */
function serverCredentialsRefused(error: CloudImagesError): CloudImagesError {
  return new CloudImagesError(
    ErrorCode.UPSTREAM_ERROR,
    `The image service refused this server's own credentials (HUAWEICLOUD_SDK_AK/SK): ${error.upstream?.code ?? 'HTTP 401'}. The server's configuration needs fixing; the caller can do nothing about it.`,
    error.upstream,
    undefined,
    502,
  );
}

/** An attempt ended by the call's signal; `fetchList` turns it into the signal's reason. */
class CancelledAttempt extends Error {}

/** What counts against the breaker: 5xx, timeouts, an unreachable upstream; never an answer given on purpose (4xx, 429). */
function isOutage(error: Error): boolean {
  const failure = error instanceof RetryableFailure ? error.error : error;
  if (!(failure instanceof CloudImagesError)) return false;
  return failure.code === ErrorCode.UPSTREAM_TIMEOUT || failure.code === ErrorCode.UPSTREAM_UNAVAILABLE || (failure.upstream?.status ?? 0) >= 500;
}

/** A call ended by its signal: the caller's own reason (deadline, client gone), or the total budget. */
function cancelled(reason: unknown, totalBudgetMs: number): CloudImagesError {
  if (reason instanceof CloudImagesError) return reason;
  return new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, `The image service did not answer within the ${totalBudgetMs} ms allowed for one call, retries included`);
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | null {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? null : first;
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function parseImages(body: string, status: number, requestId: string | null): ImageInfo[] {
  const malformed = (why: string): CloudImagesError =>
    new CloudImagesError(ErrorCode.UPSTREAM_ERROR, `The image service sent a malformed response: ${why}`, { status, code: null, message: why, requestId });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformed('the body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || !Array.isArray((parsed as { images?: unknown }).images)) {
    throw malformed('no "images" array');
  }
  const images = (parsed as { images: unknown[] }).images;
  for (const image of images) {
    if (image === null || typeof image !== 'object' || Array.isArray(image) || typeof (image as { id?: unknown }).id !== 'string') {
      throw malformed('an entry of "images" is not an image object with an id');
    }
  }
  return images as ImageInfo[];
}
