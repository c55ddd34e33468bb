import { Redis } from 'ioredis';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { ALICE, BOB, startApi, type ApiHarness } from '../helpers/api-server.js';
import { HAS_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';

/**
 * Two instances of the server on one emulator and one Redis (each test file starts its own on a
 * free loopback port): what one instance loads, the other serves, per caller.
 */

let redis: RedisServer;
let emulator: Emulator;
let a: ApiHarness;
let b: ApiHarness;

const env = (url: string): Record<string, string> => ({ REDIS_URL: url, SNAPSHOT_TTL_MS: '60000', CACHE_TTL_MS: '60000', REDIS_KEY_PREFIX: 'test:' });

beforeAll(async () => {
  if (!HAS_REDIS) return;
  redis = await startRedis();
  emulator = await startEmulator();
  [a, b] = await Promise.all([startApi({ sharedEmulator: emulator, env: env(redis.url) }), startApi({ sharedEmulator: emulator, env: env(redis.url) })]);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await emulator?.close();
  await redis?.stop();
});

const COUNT = '{ images(region: "cn-north-4", first: 3, filter: { nameContains: "u" }) { totalCount nodes { imageId } } }';
const PAGE = '{ images(region: "cn-north-4", first: 7) { nodes { imageId name } pageInfo { endCursor } } }';

describe.skipIf(!HAS_REDIS)('two instances sharing Redis', () => {
  it('a snapshot walked through instance A is served to the same caller through B with no upstream call', async () => {
    emulator.clearRequests();
    const first = await a.query(COUNT);
    expect(first.errors).toBeUndefined();
    const walked = emulator.apiRequests.length;
    expect(walked).toBeGreaterThan(0);
    const second = await b.query(COUNT);
    expect(second.data).toEqual(first.data);
    expect(emulator.apiRequests).toHaveLength(walked);
    // Another caller is never served Alice's snapshot: Bob's own walk.
    const bob = await b.query(COUNT, {}, BOB.token);
    expect(bob.errors).toBeUndefined();
    expect(emulator.apiRequests.length).toBeGreaterThan(walked);
  });

  it('a page fetched through A is served through B from the page cache (CACHE_TTL_MS)', async () => {
    emulator.clearRequests();
    const first = await a.query(PAGE);
    expect(first.errors).toBeUndefined();
    expect(emulator.apiRequests).toHaveLength(1);
    expect((await b.query(PAGE)).data).toEqual(first.data);
    expect((await a.query(PAGE)).data).toEqual(first.data);
    expect(emulator.apiRequests).toHaveLength(1);
  });

  it('concurrent identical misses on both instances make one upstream call', async () => {
    emulator.clearRequests();
    const query = '{ images(region: "cn-east-3", first: 11) { nodes { imageId } } }';
    const answers = await Promise.all([a.query(query), b.query(query), a.query(query), b.query(query)]);
    for (const answer of answers) expect(answer.data).toEqual(answers[0]!.data);
    expect(emulator.apiRequests).toHaveLength(1);
  });

  it('keys carry digests of the credentials, never the credentials; values are gzipped listings that expire', async () => {
    const keys = redis.cli('--scan', '--pattern', 'test:*').split('\n').filter(Boolean).filter((key) => !key.endsWith(':loading'));
    const reader = new Redis(redis.url);
    onTestFinished(() => void reader.quit());
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toContain(ALICE.token);
      expect(key).not.toContain(BOB.token);
      expect(key).toMatch(/^test:(snapshot|page):[A-Za-z0-9_-]{43}:[A-Za-z0-9_-]{43}$/);
      const ttl = Number(redis.cli('pttl', key));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      // The value is the listing as the upstream sent it, gzipped: images, and nothing of the token.
      const value = await reader.getBuffer(key);
      const json = gunzipSync(value!).toString('utf8');
      expect(Array.isArray(JSON.parse(json))).toBe(true);
      expect(json).not.toContain(ALICE.token);
      expect(json).not.toContain(BOB.token);
    }
  });
});
