import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RedisOptions } from '../../src/shared-state/redis-link.js';
import { RateBudget, SlidingWindow, WINDOW_MS } from '../../src/shared-state/rate-budget.js';
import { RedisLink } from '../../src/shared-state/redis-link.js';
import { CloudImagesError, ErrorCode } from '../../src/upstream/errors.js';
import { HAS_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';

/**
 * The upstream call budget (UPSTREAM_RATE_LIMIT): the sliding window itself, RateBudget in process
 * (on an injected clock: no waiting on real time), RateBudget shared by two links to one real
 * redis-server and falling back to the process when it dies. The whole server over budget:
 * over-budget.spec.ts.
 */

describe('SlidingWindow', () => {
  it('grants `limit` calls at once, then answers the exact wait until the oldest leaves the window', () => {
    const window = new SlidingWindow(3, 1000);
    expect([window.take(0), window.take(10), window.take(20)]).toEqual([0, 0, 0]);
    // The grant at 0 leaves the window (of 1000 ms, both ends counted) at 1001.
    expect(window.take(500)).toBe(501);
    expect(window.take(1000)).toBe(1);
    expect(window.take(1001)).toBe(0);
    // Now the oldest is the grant at 10.
    expect(window.take(1001)).toBe(10);
    expect(window.take(1011)).toBe(0);
  });

  it('record counts calls granted elsewhere against the window', () => {
    const window = new SlidingWindow(2, 1000);
    window.record(100);
    window.record(200);
    expect(window.take(300)).toBe(801);
    expect(window.take(1101)).toBe(0);
    expect(window.take(1101)).toBe(100);
  });

  it('never grants more than `limit` in any window, and a call made after the wait it was told is granted (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 2000 }), fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 200 }), (limit, windowMs, gaps) => {
        const window = new SlidingWindow(limit, windowMs);
        const grants: number[] = [];
        let now = 0;
        for (const gap of gaps) {
          now += gap;
          const wait = window.take(now);
          if (wait === 0) {
            grants.push(now);
            continue;
          }
          expect(wait).toBeGreaterThan(0);
          // Exact: one ms earlier is still too early (and records nothing), the wait itself is not.
          if (wait > 1) expect(window.take(now + wait - 1)).toBe(1);
          now += wait;
          expect(window.take(now)).toBe(0);
          grants.push(now);
        }
        // Any limit+1 consecutive grants span more than the window.
        for (let i = 0; i + limit < grants.length; i++) expect(grants[i + limit]! - grants[i]!).toBeGreaterThan(windowMs);
      }),
      { numRuns: 300 },
    );
  });
});

/** A clock the test moves, counting how often it is read (each round of a waiting take reads it). */
function clock(start = 1_000_000) {
  const state = { now: start, reads: 0 };
  return { state, now: () => (state.reads++, state.now) };
}

const never = new AbortController().signal;

/** Whether a promise has settled yet, observed without waiting for it. */
function track<T>(promise: Promise<T>) {
  const state = { settled: false, error: undefined as unknown };
  promise.then(
    () => (state.settled = true),
    (error: unknown) => ((state.settled = true), (state.error = error)),
  );
  return state;
}

describe('RateBudget in process (no Redis)', () => {
  it('lets `limit` takes through at once; the next waits until the window frees, and no longer', async () => {
    const time = clock();
    const budget = new RateBudget({ perSecond: 3, waitMs: 5_000 }, undefined, time.now);
    await Promise.all([budget.take(never), budget.take(never), budget.take(never)]);
    expect(budget.waited).toBe(0);

    time.state.now += WINDOW_MS - 1;
    const fourth = budget.take(never);
    const state = track(fourth);
    // Several rounds of asking (on this frozen clock, the slot is still taken): still waiting.
    const reads = time.state.reads;
    await vi.waitFor(() => expect(time.state.reads).toBeGreaterThan(reads + 6));
    expect(state.settled).toBe(false);
    expect(budget.waited).toBe(1);
    // The first grants leave the window: the wait ends at the next round.
    time.state.now += 2;
    await fourth;
    expect(budget.waited).toBe(1);
    expect(budget.refused).toBe(0);
  });

  it('a take that would wait longer than waitMs fails at once with RATE_LIMITED and Retry-After seconds', async () => {
    const time = clock();
    const budget = new RateBudget({ perSecond: 1, waitMs: 100 }, undefined, time.now);
    await budget.take(never);
    time.state.now += 200;
    const error = await budget.take(never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudImagesError);
    const refusal = error as CloudImagesError;
    expect(refusal.code).toBe(ErrorCode.RATE_LIMITED);
    // What is left of the window, rounded up to whole seconds.
    expect(refusal.retryAfterSeconds).toBe(Math.ceil((WINDOW_MS + 1 - 200) / 1000));
    expect(refusal.message).toContain(`for the next ${WINDOW_MS + 1 - 200} ms`);
    // Like the cloud's own 429 (src/upstream/errors.ts): no HTTP status of its own, the response stays 200.
    expect(refusal.extensions?.http).toBeUndefined();
    // The server's configuration is not the caller's business.
    expect(refusal.message).not.toMatch(/UPSTREAM_RATE|WAIT_MS/);
    // At once: it never waited.
    expect(budget.waited).toBe(0);
    expect(budget.refused).toBe(1);
  });

  it('UPSTREAM_RATE_WAIT_MS=0: any take over budget is refused, retryAfterSeconds at least 1', async () => {
    const time = clock();
    const budget = new RateBudget({ perSecond: 2, waitMs: 0 }, undefined, time.now);
    await budget.take(never);
    await budget.take(never);
    time.state.now += WINDOW_MS; // 1 ms before a slot frees
    const error = (await budget.take(never).catch((e: unknown) => e)) as CloudImagesError;
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.retryAfterSeconds).toBe(1);
    time.state.now += 1;
    await budget.take(never);
    expect(budget.refused).toBe(1);
  });

  it('an aborted signal ends the wait with the signal\'s reason', async () => {
    const time = clock();
    const budget = new RateBudget({ perSecond: 1, waitMs: 60_000 }, undefined, time.now);
    await budget.take(never);
    const controller = new AbortController();
    const waiting = budget.take(controller.signal);
    const state = track(waiting);
    await vi.waitFor(() => expect(budget.waited).toBe(1));
    expect(state.settled).toBe(false);
    const reason = new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, 'the request ran out of time');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(budget.refused).toBe(0);
  });
});

const redisConfig = (url: string, keyPrefix: string): RedisOptions => ({ url, keyPrefix, commandTimeoutMs: 1000, maxValueBytes: 2 ** 20 });

describe.skipIf(!HAS_REDIS)('RateBudget shared through Redis', () => {
  let redis: RedisServer;
  const links: RedisLink[] = [];
  const link = async (keyPrefix: string): Promise<RedisLink> => {
    const made = new RedisLink(redisConfig(redis.url, keyPrefix), pino({ level: 'silent' }));
    links.push(made);
    await made.connect();
    expect(made.ready).toBe(true);
    return made;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const made of links) await made.close();
    await redis?.stop();
  });

  it('two budgets on two links to one Redis share one budget: of 10 concurrent takes with limit 5, exactly 5 go in the first window', async () => {
    const [one, two] = [await link('share:'), await link('share:')];
    const budgets = [new RateBudget({ perSecond: 5, waitMs: 5_000 }, one), new RateBudget({ perSecond: 5, waitMs: 5_000 }, two)];
    const start = performance.now();
    const granted: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => budgets[i % 2]!.take(never).then(() => granted.push(performance.now() - start))));
    granted.sort((x, y) => x - y);
    // Exactly five went at once; the other five had to wait, whichever link they came through…
    expect(budgets[0]!.waited + budgets[1]!.waited).toBe(5);
    expect(granted[4]!).toBeLessThan(WINDOW_MS);
    // …until the first grants left the window (on Redis's clock; all were granted after `start`).
    expect(granted[5]!).toBeGreaterThanOrEqual(WINDOW_MS);
    expect(budgets[0]!.refused + budgets[1]!.refused).toBe(0);
    // Counted in Redis, under the prefix; and no fallback.
    expect(redis.cli('zcard', 'share:rate:upstream')).toBe('5');
    expect(one.fallbacks.size + two.fallbacks.size).toBe(0);
  });

  it('another prefix is another budget', async () => {
    const a = new RateBudget({ perSecond: 2, waitMs: 0 }, await link('tenant-a:'));
    const b = new RateBudget({ perSecond: 2, waitMs: 0 }, await link('tenant-b:'));
    await Promise.all([a.take(never), a.take(never), b.take(never), b.take(never)]);
    const refused = (await a.take(never).catch((e: unknown) => e)) as CloudImagesError;
    expect(refused.code).toBe(ErrorCode.RATE_LIMITED);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('with Redis gone, take() goes on with the in-process window (which knew of the shared grants), and the fallbacks are counted', async () => {
    const shared = await link('down:');
    const budget = new RateBudget({ perSecond: 3, waitMs: 0 }, shared);
    await budget.take(never);
    await budget.take(never);
    expect(shared.fallbacks.get('rate_limit')).toBeUndefined();
    await redis.stop();
    try {
      // The one slot left of the window, then over budget: the process remembers the two shared grants.
      await budget.take(never);
      expect(shared.fallbacks.get('rate_limit')).toBe(1);
      const error = (await budget.take(never).catch((e: unknown) => e)) as CloudImagesError;
      expect(error).toBeInstanceOf(CloudImagesError);
      expect(error.code).toBe(ErrorCode.RATE_LIMITED);
      expect(shared.fallbacks.get('rate_limit')).toBe(2);
      // Once the link knows it is down, takes do not even try Redis; still counted as fallbacks.
      await vi.waitFor(() => expect(shared.ready).toBe(false));
      await expect(budget.take(never)).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED });
      expect(shared.fallbacks.get('rate_limit')).toBe(3);
    } finally {
      await redis.start();
    }
  });
});

describe('RateBudget when more calls wait than it could serve in time', () => {
  it('refuses a newcomer at once instead of letting it wait in vain', async () => {
    // 1 per window, three windows of waiting: the budget serves 3 waiting calls in that time, no more.
    const budget = new RateBudget({ perSecond: 1, waitMs: 3 * WINDOW_MS });
    const gone = new AbortController();
    await budget.take(gone.signal);
    const waiters = [budget.take(gone.signal), budget.take(gone.signal), budget.take(gone.signal)].map((take) => take.catch((error: unknown) => error));
    await vi.waitFor(() => expect(budget.waited).toBe(3));
    const started = performance.now();
    const newcomer = await budget.take(gone.signal).catch((error: unknown) => error);
    expect(newcomer).toBeInstanceOf(CloudImagesError);
    expect((newcomer as CloudImagesError).code).toBe(ErrorCode.RATE_LIMITED);
    expect(performance.now() - started).toBeLessThan(WINDOW_MS / 2);
    expect(budget.refused).toBe(1);
    gone.abort(new Error('test over'));
    for (const waiter of await Promise.all(waiters)) expect((waiter as Error).message).toBe('test over');
  });
});
