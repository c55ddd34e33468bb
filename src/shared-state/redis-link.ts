import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The connection to the Redis that instances share (REDIS_URL), for the listing caches and the rate
 * budget. Redis is an optimisation here, never a dependency: every command is bounded in time
 * (REDIS_TIMEOUT_MS), nothing queues while the connection is down (ioredis's offline queue is off),
 * and a failed or slow command is a fallback (the caller goes on without Redis), counted per
 * operation and logged as a warning at most once per WARN_EVERY_MS. A Redis that hangs rather than
 * dies (the connection open, nothing answered) costs a few timeouts in all, not one per step of
 * every request: after FAILURES_TO_REST failures in a row Redis is left alone for REST_MS (cockatiel's
 * circuit breaker: then one command probes it, and its success closes the breaker), and a
 * connection silent for SOCKET_SILENCE_MS while a command waits is dropped (and redialled). ioredis
 * reconnects on its own; the first command after that uses Redis again.
 */

const WARN_EVERY_MS = 10_000;
/** Failures in a row after which Redis is not asked for REST_MS. */
const FAILURES_TO_REST = 3;
const REST_MS = 5_000;
/**
 * A connection with a command waiting and nothing received for this long is dropped: long enough
 * for a large value to be written on a modest link (the command timeout already fails the command
 * itself), short enough that a hung server is redialled.
 */
const SOCKET_SILENCE_MS = 10_000;

/** What the rest of the server does without Redis, named for metrics and logs. */
export type SharedOperation = 'snapshot_read' | 'snapshot_write' | 'page_read' | 'page_write' | 'watch_read' | 'watch_write' | 'lock' | 'rate_limit';

/** Where the shared state lives (REDIS_URL) and how much the server relies on it. */
export interface RedisOptions {
  /** `redis://` or `rediss://`; it may hold a password, so it appears in no message or log. */
  url: string;
  /** Every key this server writes starts with it. */
  keyPrefix: string;
  /** The most one Redis command may take before the request goes on without Redis. */
  commandTimeoutMs: number;
  /** A snapshot or page larger than this (compressed) is not written to Redis. */
  maxValueBytes: number;
}

export class RedisLink {
  readonly client: Redis;
  /** Commands that failed or ran out of time, by what the server did without them (for metrics). */
  readonly fallbacks = new Map<SharedOperation, number>();
  private lastWarning = -Infinity;
  private connected = false;
  /** Opens after FAILURES_TO_REST failed commands in a row, for REST_MS. */
  private readonly breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, { halfOpenAfter: REST_MS, breaker: new ConsecutiveBreaker(FAILURES_TO_REST) });
  /** When the breaker last opened (cockatiel's clock, Date.now()). */
  private openedAt = 0;

  constructor(
    readonly config: RedisOptions,
    private readonly log: Logger,
  ) {
    this.client = new Redis(config.url, {
      // Bounded: a command Redis does not answer in time fails, and the request goes on without it.
      commandTimeout: config.commandTimeoutMs,
      connectTimeout: Math.max(1000, config.commandTimeoutMs),
      // Never hold a request while the connection is down: fail at once instead.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A hung server (connection open, nothing answered) is noticed and redialled.
      socketTimeout: Math.max(SOCKET_SILENCE_MS, 5 * config.commandTimeoutMs),
      // Keep trying to reconnect, at most every 2 s.
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
      // A primary demoted to replica after a failover refuses writes: reconnect (to the new primary, behind the same address).
      // (1: reconnect only; the command has already failed and the request went on without it.)
      reconnectOnError: (error) => (/READONLY/.test(error.message) ? 1 : false),
      lazyConnect: true,
    });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
    this.client.on('ready', () => {
      if (!this.connected) this.log.info('Redis connected: snapshots, cached pages and the upstream rate budget are shared');
      this.connected = true;
    });
    this.client.on('error', (error: Error) => this.trouble('connection', error));
    this.client.on('close', () => {
      if (this.connected) this.trouble('connection', new Error('connection closed'));
      this.connected = false;
    });
  }

  /** Connects, waiting at most `waitMs`: a server starts without Redis rather than not at all. */
  async connect(waitMs = 2000): Promise<void> {
    const connecting = this.client.connect().catch(() => undefined);
    await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  /** Whether Redis is used now: connected, and not resting after failures in a row. */
  get ready(): boolean {
    return this.client.status === 'ready' && !this.resting;
  }

  /**
   * Left alone: the breaker open, or half-open while its probe is out (the other commands go on
   * without Redis at once rather than wait, as cockatiel would have them, for the probe's outcome).
   * Once REST_MS has passed the breaker still says open until the next command probes.
   */
  private get resting(): boolean {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return false;
      case CircuitState.Open:
        return Date.now() - this.openedAt < REST_MS;
      default:
        return true;
    }
  }

  /** Bytes written to Redis and not yet sent (a slow or hung server lets them pile up). */
  get backlog(): number {
    return this.client.stream?.writableLength ?? 0;
  }

  /** Runs one command; undefined (and a counted fallback) when Redis is down, slow or failing. */
  async run<T>(operation: SharedOperation, command: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    if (!this.ready) {
      const reason = this.client.status === 'ready' ? 'left alone for a few seconds after failures in a row' : `not connected (${this.client.status})`;
      this.fellBack(operation, new Error(reason));
      return undefined;
    }
    try {
      return await this.breaker.execute(() => command(this.client));
    } catch (error) {
      this.fellBack(operation, error instanceof BrokenCircuitError ? new Error('left alone for a few seconds after failures in a row') : error);
      return undefined;
    }
  }

  /** Counts a fallback of `operation` (also for an answer the caller could not use, e.g. a damaged value). */
  fellBack(operation: SharedOperation, error: unknown): void {
    this.fallbacks.set(operation, (this.fallbacks.get(operation) ?? 0) + 1);
    this.trouble(operation, error);
  }

  async close(): Promise<void> {
    this.connected = false;
    this.client.removeAllListeners('close');
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** One warning per WARN_EVERY_MS, with what was done instead; never the URL (it may hold a password). */
  private trouble(operation: SharedOperation | 'connection', error: unknown): void {
    const now = performance.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    const reason = error instanceof Error ? error.message : String(error);
    this.log.warn(
      { operation, reason, fallbacks: Object.fromEntries(this.fallbacks) },
      'Redis unavailable or slow: going on without it (direct upstream calls, per-process caches and the in-process rate budget) until it answers again',
    );
  }
}
