import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConfig } from '../config.js';

/**
 * The connection to the Redis that instances share (REDIS_URL), for the listing caches and the rate
 * budget. Redis is an optimisation here, never a dependency: every command is bounded in time
 * (REDIS_TIMEOUT_MS), nothing queues while the connection is down (ioredis's offline queue is off),
 * and a failed or slow command is a fallback (the caller goes on without Redis), counted per
 * operation and logged as a warning at most once per WARN_EVERY_MS. ioredis reconnects on its own;
 * the first command after it does uses Redis again.
 */

const WARN_EVERY_MS = 10_000;

/** What the rest of the server does without Redis, named for metrics and logs. */
export type SharedOperation = 'snapshot_read' | 'snapshot_write' | 'page_read' | 'page_write' | 'lock' | 'rate_limit';

export class RedisLink {
  readonly client: Redis;
  /** Commands that failed or ran out of time, by what the server did without them (for metrics). */
  readonly fallbacks = new Map<SharedOperation, number>();
  private lastWarning = -Infinity;
  private connected = false;

  constructor(
    readonly config: RedisConfig,
    private readonly log: Logger,
  ) {
    this.client = new Redis(config.url, {
      // Bounded: a command Redis does not answer in time fails, and the request goes on without it.
      commandTimeout: config.commandTimeoutMs,
      connectTimeout: Math.max(1000, config.commandTimeoutMs),
      // Never hold a request while the connection is down: fail at once instead.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Keep trying to reconnect, at most every 2 s.
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
      lazyConnect: true,
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

  /** Whether commands can be sent now. */
  get ready(): boolean {
    return this.client.status === 'ready';
  }

  /** Runs one command; undefined (and a counted fallback) when Redis is down, slow or failing. */
  async run<T>(operation: SharedOperation, command: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    if (!this.ready) {
      this.fellBack(operation, new Error(`not connected (${this.client.status})`));
      return undefined;
    }
    try {
      return await command(this.client);
    } catch (error) {
      this.fellBack(operation, error);
      return undefined;
    }
  }

  /** Counts a fallback of `operation` (a caller that handles Redis's failure itself, e.g. the rate budget). */
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
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    const reason = error instanceof Error ? error.message : String(error);
    this.log.warn(
      { operation, reason, fallbacks: Object.fromEntries(this.fallbacks) },
      'Redis unavailable or slow: going on without it (direct upstream calls, per-process caches and the in-process rate budget) until it answers again',
    );
  }
}
