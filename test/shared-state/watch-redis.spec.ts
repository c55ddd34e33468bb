import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { ALICE, startApi, type ApiHarness } from '../helpers/api-server.js';
import { useLiveClients, watchSse, watchWs, type Watch } from '../helpers/live-clients.js';
import { HAS_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';

/**
 * Live status on several instances: with REDIS_URL, watchers of one image on two instances make
 * about one upstream call per WATCH_INTERVAL_MS between them (the instances share each poll's
 * answer); without it, each instance polls on its own.
 */

const INTERVAL_MS = 300;
const ROUNDS = 10;

let redis: RedisServer;
let emulator: Emulator;
const instances: ApiHarness[] = [];
const live = useLiveClients();

beforeAll(async () => {
  if (!HAS_REDIS) return;
  redis = await startRedis();
  // Saving images stay saving for ten minutes: the watches go on until the tests leave them.
  emulator = await startEmulator({ savingMs: 600_000 });
  const shared = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'test:', WATCH_INTERVAL_MS: String(INTERVAL_MS) };
  const alone = { WATCH_INTERVAL_MS: String(INTERVAL_MS) };
  instances.push(
    ...(await Promise.all([
      startApi({ sharedEmulator: emulator, env: shared }),
      startApi({ sharedEmulator: emulator, env: shared }),
      startApi({ sharedEmulator: emulator, env: alone }),
      startApi({ sharedEmulator: emulator, env: alone }),
    ])),
  );
});

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.close()));
  await emulator?.close();
  await redis?.stop();
});

/** Upstream lookups of the image over ROUNDS intervals while `watches` (already past their first event) go on. */
async function lookupsOver(imageId: string, watches: Watch[]): Promise<number> {
  for (const watch of watches) expect((await watch.nth(1)).data?.imageStatus?.status).toBe('SAVING');
  const since = emulator.requests.at(-1)?.seq ?? 0;
  await delay(ROUNDS * INTERVAL_MS);
  const calls = emulator.apiRequests.filter((r) => r.seq > since && r.query.id === imageId).length;
  for (const watch of watches) watch.stop();
  await Promise.all(watches.map((watch) => watch.done));
  return calls;
}

function savingImages(): { region: string; imageId: string }[] {
  return emulator.savingImages.filter((s) => s.projectId === ALICE.projectId).map(({ region, imageId }) => ({ region, imageId }));
}

describe.skipIf(!HAS_REDIS)('watching one image on two instances', () => {
  it('sharing Redis: about one upstream call per interval between them, and the shared entries hold no token', { timeout: 20_000 }, async () => {
    const [a, b] = instances;
    const variables = savingImages()[0]!;
    const watches = [watchWs(live.ws(a!.url), variables), watchSse(live.sse(b!.url), variables), watchWs(live.ws(b!.url), variables)];
    // Each shared answer lives half an interval: looked for while the watches go on.
    let keys = '';
    for (const deadline = Date.now() + 5000; !keys.includes('test:watch:') && Date.now() < deadline; await delay(20)) keys = redis.cli('--scan', '--pattern', 'test:watch:*');
    const calls = await lookupsOver(variables.imageId, watches);
    // One per interval (the window may hold one more or one fewer); polling apart, it would be about twice that.
    expect(calls).toBeGreaterThanOrEqual(ROUNDS - 2);
    expect(calls).toBeLessThanOrEqual(ROUNDS + 2);
    expect(keys).toMatch(/test:watch:/);
    expect(keys).not.toContain(ALICE.token);
  });

  it('without Redis (the control): each instance polls on its own, about two calls per interval', { timeout: 20_000 }, async () => {
    const [, , c, d] = instances;
    const variables = savingImages()[1]!;
    const calls = await lookupsOver(variables.imageId, [watchWs(live.ws(c!.url), variables), watchSse(live.sse(d!.url), variables)]);
    expect(calls).toBeGreaterThanOrEqual(2 * ROUNDS - 3);
    expect(calls).toBeLessThanOrEqual(2 * ROUNDS + 3);
  });
});
