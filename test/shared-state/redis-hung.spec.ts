import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { startApi, type ApiHarness } from '../helpers/api-server.js';
import { HAS_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';

/**
 * A Redis that hangs rather than dies (SIGSTOP: the connection stays open, nothing is answered):
 * requests go on without it, paying at most a few command timeouts in all (not one per Redis step
 * of every request), the link shows it is not in use, and once Redis answers again it is used again.
 */

const TIMEOUT_MS = 200;

let redis: RedisServer;
let emulator: Emulator;
let api: ApiHarness;

beforeAll(async () => {
  if (!HAS_REDIS) return;
  redis = await startRedis();
  emulator = await startEmulator();
  api = await startApi({
    sharedEmulator: emulator,
    env: { REDIS_URL: redis.url, REDIS_TIMEOUT_MS: String(TIMEOUT_MS), CACHE_TTL_MS: '60000', UPSTREAM_RATE_LIMIT: '1000', REDIS_KEY_PREFIX: 'hung:' },
  });
});

afterAll(async () => {
  await api?.close();
  await emulator?.close();
  redis?.resume();
  await redis?.stop();
});

const metric = async (name: string): Promise<number> => {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
};

describe.skipIf(!HAS_REDIS)('Redis hung (SIGSTOP)', () => {
  it('requests are answered, Redis is left alone after a few timeouts, and used again once it answers', async () => {
    expect(await metric('redis_connected')).toBe(1);
    redis.pause();
    // Twenty different pages one after another: each would take several Redis steps (page read,
    // claim, rate budget, page write), each a timeout if Redis were asked every time.
    const started = performance.now();
    const slow: number[] = [];
    for (let first = 1; first <= 20; first++) {
      const begun = performance.now();
      const answer = await api.query(`{ images(region: "cn-north-4", first: ${first}) { nodes { imageId } } }`);
      expect(answer.errors).toBeUndefined();
      expect((answer.data as { images: { nodes: unknown[] } }).images.nodes).toHaveLength(first);
      if (performance.now() - begun >= TIMEOUT_MS) slow.push(first);
    }
    const elapsed = performance.now() - started;
    // Without resting, 20 requests × 4 timed-out steps would take 16 s; with it, the first few pay.
    expect(slow.length).toBeLessThanOrEqual(3);
    expect(elapsed).toBeLessThan(20 * TIMEOUT_MS);
    expect(await metric('redis_connected')).toBe(0);

    redis.resume();
    // ioredis redials (the hung connection was dropped) or the rest ends: Redis is in use again.
    await vi.waitFor(async () => expect(await metric('redis_connected')).toBe(1), { timeout: 10_000, interval: 50 });
    emulator.clearRequests();
    const page = '{ images(region: "cn-east-3", first: 4) { nodes { imageId } } }';
    await vi.waitFor(
      async () => {
        expect((await api.query(page)).errors).toBeUndefined();
        expect(redis.cli('--scan', '--pattern', 'hung:page:*').split('\n').filter(Boolean).length).toBeGreaterThan(0);
      },
      { timeout: 10_000, interval: 100 },
    );
  }, 30_000);
});
