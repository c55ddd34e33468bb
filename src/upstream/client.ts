import { setTimeout as delay } from 'node:timers/promises';
import { timeout, TimeoutStrategy, type RetryPolicy, type TimeoutPolicy } from 'cockatiel';
import pLimit, { type LimitFunction } from 'p-limit';
import { Pool } from 'undici';
import type { AkSk } from './aksk-signer.js';
import { sendAttempt, type AttemptResult } from './attempt.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import { CloudImagesError, ErrorCode } from './errors.js';
import { listUrlBuilder } from './request-url.js';
import { CallSignal, CancelledAttempt, RetryableFailure, cancelled, isOutage, retryPolicy } from './retry-policy.js';
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
 * The REST client of `GET /v1/cloudimages/{region_id}`: one keep-alive pool, and each call composed
 * of cockatiel's policies: retries with jittered backoff inside a total budget (retry-policy.ts),
 * then per attempt a connection, the rate budget, the circuit breaker and the attempt's timeout
 * (attempt.ts sends it, auth-headers.ts signs it). Cancellation by signal throughout. It knows
 * nothing of GraphQL.
 */
export class CloudImagesClient {
  /** One keep-alive pool for the endpoint's origin (a client talks to one upstream). */
  private readonly pool: Pool;
  private readonly breaker: CircuitBreaker;
  private readonly retries: RetryPolicy;
  /** The timeout of every attempt but one cut short by the call's budget. */
  private readonly attemptTimeout: TimeoutPolicy;
  /** One place per pooled connection: an attempt starts (and its timeout with it) only once it has a connection. */
  private readonly connections: LimitFunction;
  private readonly buildUrl: (region: string, query: ListImagesQuery) => URL;
  private readonly maxResponseBytes: number;

  constructor(
    private readonly options: ClientOptions,
    random: () => number = Math.random,
  ) {
    const connections = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.pool = new Pool(new URL(options.endpoint).origin, {
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connections,
      // One request at a time on a connection: a slow answer never holds up the one behind it.
      pipelining: 1,
      // A larger body is refused as it arrives, and its connection dropped.
      maxResponseSize: this.maxResponseBytes,
    });
    this.connections = pLimit(connections);
    this.buildUrl = listUrlBuilder(options.endpoint);
    this.breaker = new CircuitBreaker(options.breakerFailures ?? 5, options.breakerOpenMs ?? 10_000, isOutage, (error) => error instanceof CancelledAttempt);
    this.retries = retryPolicy(options, random);
    this.attemptTimeout = attemptTimeout(options.timeoutMs);
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
    const { totalBudgetMs } = this.options;
    const deadline = Date.now() + totalBudgetMs;
    // What the waits between attempts listen to (the rate budget, a backoff): made only when one waits.
    let waits: CallSignal | undefined;
    // The wait's own timer may fire a little before the wall clock says the deadline passed: either says the call is out of time.
    const outOfTime = (): boolean => signal?.aborted === true || waits?.signal.aborted === true || Date.now() >= deadline;
    const waitSignal = (): AbortSignal => (waits ??= new CallSignal(signal, deadline)).signal;
    let last: RetryableFailure | undefined;
    try {
      return await this.retries.execute(async ({ attempt }) => {
        if (last?.waitMs !== undefined) {
          // The wait the retry policy chose: slept here, where the call's signal can end it; one
          // that would pass the deadline ends the call now, with the failure that asked for it.
          if (Date.now() + last.waitMs >= deadline) throw last.error;
          for (const observer of this.options.observers ?? []) observer.retry?.({ url, attempt, waitMs: last.waitMs, code: last.error.code });
          await delay(last.waitMs, undefined, { signal: waitSignal() });
        }
        try {
          return await this.attempt(url, credentials, attempt + 1, deadline, signal, outOfTime, waitSignal);
        } catch (error) {
          if (error instanceof RetryableFailure) last = error;
          throw error;
        }
      }, signal);
    } catch (error) {
      if (outOfTime()) throw cancelled(signal?.aborted ? signal.reason : undefined, totalBudgetMs);
      throw error instanceof RetryableFailure ? error.error : error;
    } finally {
      waits?.dispose();
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** One attempt: a connection, the rate budget, then the breaker and the attempt's timeout around sending it. */
  private async attempt(
    url: URL,
    credentials: Credentials,
    attempt: number,
    deadline: number,
    signal: AbortSignal | undefined,
    outOfTime: () => boolean,
    waitSignal: () => AbortSignal,
  ): Promise<ListImagesResult> {
    // An open breaker refuses at once: no wait for a connection, no budget spent.
    this.breaker.throwIfOpen();
    return this.connections(async () => {
      // The budget is taken once the attempt holds a connection, right before it is sent, and
      // outside the breaker: a call refused by the budget (or cancelled while it waited) says
      // nothing about the upstream, and must neither count as an outage nor close a half-open breaker.
      if (outOfTime()) throw new CancelledAttempt();
      const { budget, timeoutMs } = this.options;
      if (budget) await budget.take(waitSignal());
      // Again, in the same tick as the breaker's own check: the breaker may have started a
      // half-open probe while this call waited, and cockatiel would hold it (deaf to its signal) until the probe ends.
      this.breaker.throwIfOpen();
      const left = deadline - Date.now();
      // The last attempt the budget allows gets what is left of it: its running out then ends the call.
      const last = left <= timeoutMs;
      const within = last ? attemptTimeout(Math.max(1, left)) : this.attemptTimeout;
      const attemptMs = last ? Math.max(1, left) : timeoutMs;
      return this.breaker.run(
        (attemptSignal) =>
          this.observed(url, attempt, (headers) =>
            sendAttempt(
              { pool: this.pool, url, credentials, headers, maxResponseBytes: this.maxResponseBytes },
              { attempt: attemptSignal, caller: signal, timeoutMs: attemptMs, last },
            ),
          ),
        within,
        signal,
      );
    });
  }

  /** Runs one attempt under the observers' watch. */
  private async observed(url: URL, attempt: number, run: (headers: Record<string, string> | undefined) => Promise<AttemptResult>): Promise<ListImagesResult> {
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
}

/** An attempt's timeout: cooperative, so the attempt itself (aborted through its signal) says how it ended. */
function attemptTimeout(ms: number): TimeoutPolicy {
  return timeout(ms, TimeoutStrategy.Cooperative);
}

function strip({ images, requestId, bytes }: AttemptResult): ListImagesResult {
  return { images, requestId, bytes };
}
