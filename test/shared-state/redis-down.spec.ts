import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { ALICE, BOB, startApi, type ApiHarness } from '../helpers/api-server.js';
import { HAS_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';

/**
 * Redis is an optimisation, never a dependency: two instances sharing one Redis under continuous
 * load from concurrent clients, Redis killed (SIGKILL) mid-run and started again. Every request is
 * answered, in time and correctly, the way down is logged (without REDIS_URL) and counted in
 * /metrics, and once Redis is back the instances share through it again. A server whose Redis is
 * not there at all starts and serves, degraded.
 */

type Line = Record<string, unknown>;

/** A pino logger at `warn` into memory, one parsed JSON object per line. */
function memoryLog(lines: Line[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  return pino({ level: 'warn' }, sink);
}

const WARN = 40;

/** The samples of GET /metrics, `name{labels}` → value. */
async function metrics(api: ApiHarness): Promise<Map<string, number>> {
  const response = await fetch(`${api.url}/metrics`);
  expect(response.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    samples.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return samples;
}

const fallbacks = (samples: Map<string, number>): number =>
  [...samples].filter(([name]) => name.startsWith('redis_fallbacks_total{')).reduce((sum, [, value]) => sum + value, 0);

/** Waits, in short steps and at most `timeout` ms, for every instance's /metrics to satisfy `check`. */
async function metricsUntil(apis: ApiHarness[], check: (samples: Map<string, number>) => boolean, timeout = 5_000): Promise<void> {
  await vi.waitFor(
    async () => {
      for (const api of apis) expect(check(await metrics(api))).toBe(true);
    },
    { timeout, interval: 25 },
  );
}

interface Answer {
  instance: 'a' | 'b';
  query: string;
  phase: 'up' | 'down' | 'back';
  status: number;
  ms: number;
  body: { data?: unknown; errors?: unknown[] } | undefined;
  failure?: string;
}

async function post(api: ApiHarness, query: string, token = ALICE.token): Promise<Omit<Answer, 'instance' | 'query' | 'phase'>> {
  const started = performance.now();
  try {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as Answer['body'];
    return { status: response.status, ms: performance.now() - started, body };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, body: undefined, failure: String(error) };
  }
}

let redis: RedisServer;
let emulator: Emulator;
let a: ApiHarness;
let b: ApiHarness;
const logs = { a: [] as Line[], b: [] as Line[] };

// Short TTLs, so that cached listings keep expiring during the run and Redis keeps being asked.
const env = (url: string): Record<string, string> => ({
  REDIS_URL: url,
  SNAPSHOT_TTL_MS: '1000',
  CACHE_TTL_MS: '1000',
  UPSTREAM_RATE_LIMIT: '200',
  REDIS_TIMEOUT_MS: '1000',
  REDIS_KEY_PREFIX: 'down:',
});

beforeAll(async () => {
  if (!HAS_REDIS) return;
  redis = await startRedis();
  emulator = await startEmulator();
  [a, b] = await Promise.all([
    startApi({ sharedEmulator: emulator, env: env(redis.url), log: memoryLog(logs.a) }),
    startApi({ sharedEmulator: emulator, env: env(redis.url), log: memoryLog(logs.b) }),
  ]);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await emulator?.close();
  await redis?.stop();
});

const REGIONS = ['cn-north-4', 'cn-east-3', 'tr-west-1', 'ap-southeast-1'];
const page = (i: number) => `{ images(region: "${REGIONS[i % REGIONS.length]}", first: ${1 + (i % 5)}) { nodes { imageId name } pageInfo { endCursor hasNextPage } } }`;
const count = (i: number) => `{ images(region: "${REGIONS[i % REGIONS.length]}", first: 3, filter: { nameContains: "${'ueo'[i % 3]}" }) { totalCount nodes { imageId } } }`;
const byId = (id: string) => `{ image(region: "cn-north-4", imageId: "${id}") { imageId name status } }`;

/** Client loops sending a mix of pages, counts (snapshots) and images by id, half to each instance, until stopped. */
function startLoad(ids: string[], loops: number) {
  const answers: Answer[] = [];
  const state = { phase: 'up' as Answer['phase'], stopped: false };
  const waiters: { count: number; resolve: () => void }[] = [];
  let sent = 0;
  const run = async (): Promise<void> => {
    while (!state.stopped) {
      const i = sent++;
      // Both instances get every query, so each finds in Redis what the other put there.
      const instance = Math.floor(i / 7) % 2 === 0 ? 'a' : 'b';
      const api = instance === 'a' ? a : b;
      const query = i % 3 === 0 ? page(i) : i % 3 === 1 ? count(i) : byId(ids[i % ids.length]!);
      const phase = state.phase;
      answers.push({ instance, query, phase, ...(await post(api, query)) });
      for (const waiter of waiters.filter((w) => answers.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const running = Promise.all(Array.from({ length: loops }, run));
  return {
    answers,
    state,
    /** Resolves once `more` further answers have come (whatever they are). */
    more(more: number): Promise<void> {
      const target = answers.length + more;
      return new Promise((resolve) => waiters.push({ count: target, resolve }));
    },
    async stop(): Promise<void> {
      state.stopped = true;
      await running;
    },
  };
}

describe.skipIf(!HAS_REDIS)('two instances, Redis killed mid-run and started again', () => {
  it('stopping Redis mid-run loses no request: every answer is a 200 with the right data, none hangs; the way down is logged and counted', async () => {
    const first = await a.query<{ images: { nodes: { imageId: string }[] } }>('{ images(region: "cn-north-4", first: 5) { nodes { imageId } } }');
    const ids = first.data!.images.nodes.map((node) => node.imageId);
    expect(ids).toHaveLength(5);
    expect((await metrics(a)).get('redis_connected')).toBe(1);

    const load = startLoad(ids, 6);
    try {
      await load.more(60);

      load.state.phase = 'down';
      await redis.stop();
      await metricsUntil([a, b], (samples) => samples.get('redis_connected') === 0);
      await load.more(90);
      await metricsUntil([a, b], (samples) => fallbacks(samples) > 0);

      await redis.start();
      // ioredis reconnects on its own (every 2 s at most).
      await metricsUntil([a, b], (samples) => samples.get('redis_connected') === 1, 8_000);
      load.state.phase = 'back';
      await load.more(60);
    } finally {
      await load.stop();
    }

    const { answers } = load;
    expect(answers.filter((answer) => answer.phase === 'down').length).toBeGreaterThanOrEqual(60);
    const wrong = answers.filter((answer) => answer.status !== 200 || answer.body?.errors !== undefined || !answer.body?.data);
    expect(wrong.slice(0, 3)).toEqual([]);
    // Nothing waited on Redis: well under a second is usual; 5 s would be something hanging.
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(5_000);
    // And right: the same query always got the same data (the emulator's catalog does not change).
    const expected = new Map<string, string>();
    for (const answer of answers) {
      const data = JSON.stringify(answer.body?.data);
      if (!expected.has(answer.query)) expected.set(answer.query, data);
      expect(data, answer.query).toBe(expected.get(answer.query));
    }
    expect(answers.filter((answer) => answer.body?.data && (answer.body.data as { image?: unknown }).image === null)).toEqual([]);

    // Counted by what was done without Redis, on both instances.
    for (const api of [a, b]) {
      const samples = await metrics(api);
      expect(fallbacks(samples)).toBeGreaterThan(0);
      expect([...samples.keys()].filter((name) => name.startsWith('redis_fallbacks_total{')).every((name) => /^redis_fallbacks_total\{operation="((snapshot|page)_(read|write)|lock|rate_limit)"\}$/.test(name))).toBe(
        true,
      );
    }
    // Logged as a warning naming Redis, never with REDIS_URL.
    for (const lines of [logs.a, logs.b]) {
      expect(lines.filter((line) => line.level === WARN && /Redis/.test(String(line.msg))).length).toBeGreaterThan(0);
      expect(JSON.stringify(lines)).not.toContain(redis.url);
    }
  });

  it('once Redis is back, a snapshot walked through A is served through B with no upstream call', async () => {
    await metricsUntil([a, b], (samples) => samples.get('redis_connected') === 1);
    // A caller and region the load did not use: nothing of it in either process.
    const query = '{ images(region: "eu-west-101", first: 2, filter: { nameContains: "a" }) { totalCount nodes { imageId } } }';
    const sharedBefore = (await metrics(b)).get('snapshot_shared_hits_total') ?? 0;
    emulator.clearRequests();
    const walked = await post(a, query, BOB.token);
    expect(walked.status).toBe(200);
    expect(walked.body?.errors).toBeUndefined();
    const calls = emulator.apiRequests.length;
    expect(calls).toBeGreaterThan(0);
    const served = await post(b, query, BOB.token);
    expect(served.status).toBe(200);
    expect(served.body?.data).toEqual(walked.body?.data);
    expect(emulator.apiRequests).toHaveLength(calls);
    expect((await metrics(b)).get('snapshot_shared_hits_total')).toBe(sharedBefore + 1);
    // In the Redis started afresh.
    expect(redis.cli('--scan', '--pattern', 'down:snapshot:*').split('\n').filter(Boolean).length).toBeGreaterThan(0);
  });
});

describe.skipIf(!HAS_REDIS)('a server whose REDIS_URL points where nothing listens', () => {
  it('starts within a few seconds and answers correctly without Redis, warning once (without the URL or its password)', async () => {
    // The port of a Redis just stopped: nothing listens there now.
    const gone = await startRedis();
    await gone.stop();
    const url = `redis://:hunter2@127.0.0.1:${gone.port}`;
    const lines: Line[] = [];
    const started = performance.now();
    const api = await startApi({ env: { REDIS_URL: url, SNAPSHOT_TTL_MS: '60000', CACHE_TTL_MS: '60000', UPSTREAM_RATE_LIMIT: '50' }, log: memoryLog(lines) });
    try {
      expect(performance.now() - started).toBeLessThan(5_000);
      const query = '{ images(region: "tr-west-1", first: 3, filter: { nameContains: "u" }) { totalCount nodes { imageId name } } }';
      const answer = await post(api, query);
      expect(answer.status).toBe(200);
      expect(answer.body?.errors).toBeUndefined();
      // Right: as the REST oracle counts it.
      const listing = await api.rest<{ images: { name: string }[] }>('/v1/cloudimages/tr-west-1');
      const expected = listing.body.images.filter((image) => image.name.toLowerCase().includes('u')).length;
      expect((answer.body?.data as { images: { totalCount: number } }).images.totalCount).toBe(expected);
      const page = await post(api, '{ images(region: "tr-west-1", first: 2) { nodes { imageId } } }');
      expect(page.status).toBe(200);
      expect(page.body?.errors).toBeUndefined();

      const samples = await metrics(api);
      expect(samples.get('redis_connected')).toBe(0);
      expect(fallbacks(samples)).toBeGreaterThan(0);
      expect(lines.filter((line) => line.level === WARN && /Redis/.test(String(line.msg))).length).toBeGreaterThan(0);
      const all = JSON.stringify(lines);
      expect(all).not.toContain('hunter2');
      expect(all).not.toContain(url);
    } finally {
      await api.close();
    }
  });
});
