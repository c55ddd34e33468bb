import { setTimeout as delay } from 'node:timers/promises';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { CallBudget } from '../upstream/client.js';
import { CloudImagesError, ErrorCode } from '../upstream/errors.js';
import type { RedisLink } from './redis-link.js';

/**
 * The one budget of upstream calls (UPSTREAM_RATE_LIMIT calls per second), held by every attempt
 * the client sends: in Redis for all instances sharing REDIS_URL (rate-limiter-flexible's
 * RateLimiterRedis), in this process without it or while Redis fails. A call over budget waits
 * until a slot frees, at most UPSTREAM_RATE_WAIT_MS, and otherwise fails with RATE_LIMITED before
 * anything is sent (like the cloud's own 429: `retryAfterSeconds`, a `Retry-After` header, HTTP 200
 * beside whatever else the operation answered).
 *
 * The budget is a sliding window: never more than the limit in any one second, not merely in each
 * calendar second (fixed windows, rate-limiter-flexible's own scripts, let twice the limit through
 * across a window edge). The window counted is WINDOW_MS, longer than a second, so that calls
 * delayed differently between their grant and their arrival (a new connection's handshake, a busy
 * event loop: up to about 40 ms measured in the tests once warm) still reach the cloud at most
 * `limit` in any second; the price is a sustained rate of `limit` per 1.2 s. A cold process's first
 * calls can take longer (300 ms measured, with the emulator in the same process), so its first
 * window may reach the cloud bunched with the next.
 */

export const WINDOW_MS = 1200;

/**
 * rate-limiter-flexible's Redis limiter runs this in place of its fixed-window script (its
 * `customIncrTtlLuaScript`): a sorted set of the grant times of the last window, on Redis's clock.
 * KEYS[1] the budget's key; ARGV: points to take, whole seconds of the window (unused), the limit,
 * the window in seconds. Answers {taken, ms before the oldest grant leaves the window}; `taken`
 * above the limit means refused (and nothing was recorded).
 */
const SLIDING_WINDOW_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local take = tonumber(ARGV[1])
local limit = tonumber(ARGV[3])
local window = math.floor(tonumber(ARGV[4]) * 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - window))
local count = redis.call('ZCARD', KEYS[1])
if count + take > limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {count + take, tonumber(oldest[2]) + window + 1 - now}
end
for i = 1, take do
  redis.call('ZADD', KEYS[1], now, now .. '-' .. redis.call('INCR', KEYS[1] .. ':seq'))
end
redis.call('PEXPIRE', KEYS[1], window + 1)
redis.call('PEXPIRE', KEYS[1] .. ':seq', window + 1)
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {count + take, tonumber(oldest[2]) + window + 1 - now}
`;

/**
 * The in-process window: the grant times of the last window, in a ring. Written here because
 * rate-limiter-flexible's memory limiter counts fixed windows; this is the same sliding window as
 * the Redis script, for one process.
 */
export class SlidingWindow {
  private readonly grants: number[];
  private next = 0;

  constructor(
    limit: number,
    private readonly windowMs: number,
  ) {
    this.grants = new Array<number>(limit).fill(-Infinity);
  }

  /** 0 when a call may go now (and it is recorded), else the ms until one may. */
  take(now: number): number {
    const oldest = this.grants[this.next]!;
    if (now - oldest <= this.windowMs) return oldest + this.windowMs + 1 - now;
    this.record(now);
    return 0;
  }

  /** Records a call granted elsewhere (by the shared budget), so a fallback knows of it. */
  record(now: number): void {
    this.grants[this.next] = now;
    this.next = (this.next + 1) % this.grants.length;
  }
}

/** The one budget of upstream calls (UPSTREAM_RATE_LIMIT): for all callers; across instances with REDIS_URL. */
export interface RateBudgetOptions {
  /** Calls per second, never more in any one-second window. */
  perSecond: number;
  /** How long a call over budget waits before it fails with RATE_LIMITED. */
  waitMs: number;
}

export class RateBudget implements CallBudget {
  private readonly local: SlidingWindow;
  private readonly shared: RateLimiterRedis | undefined;
  /** Calls refused for want of budget (for metrics). */
  refused = 0;
  /** Calls that had to wait for budget (for metrics). */
  waited = 0;

  constructor(
    private readonly config: RateBudgetOptions,
    private readonly link?: RedisLink,
    /** A monotonic clock: a wall clock stepped back would make every slot look taken. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.local = new SlidingWindow(config.perSecond, WINDOW_MS);
    this.shared = link
      ? new RateLimiterRedis({
          storeClient: link.client,
          keyPrefix: `${link.config.keyPrefix}rate`,
          points: config.perSecond,
          duration: WINDOW_MS / 1000,
          customIncrTtlLuaScript: SLIDING_WINDOW_SCRIPT,
          // Fail at once (and fall back) while the connection is down, instead of waiting for it.
          rejectIfRedisNotReady: true,
        })
      : undefined;
  }

  async take(signal: AbortSignal): Promise<void> {
    const until = this.now() + this.config.waitMs;
    let waiting = false;
    try {
      for (;;) {
        const wait = await this.tryTake();
        if (wait === 0) return;
        // More calls of this process already wait than the whole budget could serve in UPSTREAM_RATE_WAIT_MS:
        // this one would wait in vain (and hold its connection meanwhile), so it is refused now.
        const crowded = !waiting && this.waiting >= this.maxWaiting;
        if (crowded || this.now() + wait > until) throw this.refusal(crowded ? Math.max(wait, this.config.waitMs) : wait);
        if (!waiting) {
          this.waited++;
          this.waiting++;
          waiting = true;
        }
        // A little jitter, so the calls that waited for the same slot do not all ask for it at once.
        await delay(wait + Math.floor(Math.random() * 5), undefined, { signal }).catch((error: unknown) => Promise.reject(signal.aborted ? signal.reason : error));
      }
    } finally {
      if (waiting) this.waiting--;
    }
  }

  /** Calls of this process waiting for the budget now, and the most that may: what the budget grants in UPSTREAM_RATE_WAIT_MS. */
  private waiting = 0;
  private get maxWaiting(): number {
    return Math.max(1, Math.floor((this.config.perSecond * this.config.waitMs) / WINDOW_MS));
  }

  private refusal(waitMs: number): CloudImagesError {
    this.refused++;
    return new CloudImagesError(
      ErrorCode.RATE_LIMITED,
      `This server's budget of calls to the image service is spent for the next ${waitMs} ms, longer than a call may wait for it; try again shortly`,
      undefined,
      Math.max(1, Math.ceil(waitMs / 1000)),
    );
  }

  /** 0 when granted, else the ms until a slot frees: in Redis, or here when there is none or it fails. */
  private async tryTake(): Promise<number> {
    const { shared, link } = this;
    if (shared && link) {
      // A refusal is an answer from Redis (the wait it says), not a failure of it; anything else falls back.
      const wait = await link.run('rate_limit', () =>
        shared.consume('upstream', 1).then(
          () => 0,
          (error: unknown) => {
            if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
            throw error;
          },
        ),
      );
      if (wait === 0) this.local.record(this.now());
      if (wait !== undefined) return wait;
    }
    return this.local.take(this.now());
  }
}
