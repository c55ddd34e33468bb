import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, get, listUrl, useEmulator } from '../helpers/emulator-client.js';

/** Requests the caller gave up on: logged as `aborted: true`, never answered, no further work. */

const REGION = 'cn-east-3';
/** Far longer than any test: the only way these requests end is the client leaving. */
const LONG_LATENCY_MS = 30_000;

const emulator = useEmulator();
afterEach(() => {
  emulator.resetFaults();
  emulator.clearRequests();
});

/** Starts a request that can be abandoned; resolves once the emulator holds it (no sleeps). */
async function pending(url: string, headers: Record<string, string>): Promise<{ abandon: () => Promise<void> }> {
  const before = emulator.inFlight;
  const controller = new AbortController();
  const response = fetch(url, { headers, signal: controller.signal });
  response.catch(() => undefined);
  await expect.poll(() => emulator.inFlight, { timeout: 5_000 }).toBe(before + 1);
  return {
    abandon: async () => {
      controller.abort();
      await expect(response).rejects.toThrow(/abort/i);
    },
  };
}

describe('a client that leaves before the answer', () => {
  it('during latencyMs leaves one aborted entry, at once, with status 0', async () => {
    emulator.setFaults({ latencyMs: LONG_LATENCY_MS });
    const call = await pending(listUrl(emulator, REGION, { limit: 2, sort_key: 'name' }), { 'X-Auth-Token': ALICE.token });
    expect(emulator.requests).toEqual([]);

    await call.abandon();
    await expect.poll(() => emulator.requests.length, { timeout: 5_000 }).toBe(1);
    const [entry] = emulator.requests;
    expect(entry).toMatchObject({
      seq: 1,
      aborted: true,
      status: 0,
      method: 'GET',
      path: `/v1/cloudimages/${REGION}`,
      region: REGION,
      query: { limit: '2', sort_key: 'name' },
      projectId: ALICE.projectId,
    });
    expect(entry!.fault).toBeUndefined();
    expect(entry!.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(entry)).not.toContain(ALICE.token);
    expect(emulator.apiRequests).toEqual([entry]);
    expect(emulator.inFlight).toBe(0);
  });

  it('takes no fault decision: the throttle count and the next answers are as if it never came', async () => {
    emulator.setFaults({ latencyMs: LONG_LATENCY_MS, throttleEvery: 1, throttleBurst: 1 });
    const call = await pending(listUrl(emulator, REGION), { 'X-Auth-Token': ALICE.token });
    await call.abandon();
    await expect.poll(() => emulator.inFlight, { timeout: 5_000 }).toBe(0);

    emulator.setFaults({ latencyMs: 0 });
    const first = await get(listUrl(emulator, REGION, { limit: 1 }));
    const second = await get(listUrl(emulator, REGION, { limit: 1 }));
    expect([first.status, second.status]).toEqual([200, 429]);
    expect(emulator.requests.map((r) => [r.seq, r.aborted ?? false, r.status, r.fault ?? null])).toEqual([
      [1, true, 0, null],
      [2, false, 200, null],
      [3, false, 429, 'throttled'],
    ]);
  });

  it('records what the request named: no project for an unknown token, no region off the API path', async () => {
    emulator.setFaults({ latencyMs: LONG_LATENCY_MS });
    const unknownToken = await pending(listUrl(emulator, REGION), { 'X-Auth-Token': 'not-a-token' });
    const offPath = await pending(`${emulator.url}/v2/elsewhere?x=1`, { 'X-Auth-Token': ALICE.token });
    await unknownToken.abandon();
    await offPath.abandon();
    await expect.poll(() => emulator.requests.length, { timeout: 5_000 }).toBe(2);
    const byPath = new Map(emulator.requests.map((r) => [r.path, r]));
    expect(byPath.get(`/v1/cloudimages/${REGION}`)).toMatchObject({ aborted: true, status: 0, region: REGION });
    expect(byPath.get(`/v1/cloudimages/${REGION}`)!.projectId).toBeUndefined();
    expect(byPath.get('/v2/elsewhere')).toMatchObject({ aborted: true, status: 0, query: { x: '1' } });
    expect(byPath.get('/v2/elsewhere')!.region).toBeUndefined();
    expect(byPath.get('/v2/elsewhere')!.projectId).toBeUndefined();
  });

  it('leaves the other requests in flight to be answered normally', async () => {
    emulator.setFaults({ latencyMs: LONG_LATENCY_MS });
    const leaving = await pending(listUrl(emulator, REGION, { limit: 1 }), { 'X-Auth-Token': ALICE.token });
    emulator.setFaults({ latencyMs: 200 });
    const staying = get(listUrl(emulator, REGION, { limit: 3 }));
    await expect.poll(() => emulator.inFlight + emulator.requests.length, { timeout: 5_000 }).toBe(2);
    await leaving.abandon();
    const answer = await staying;
    expect(answer.status).toBe(200);
    await expect.poll(() => emulator.requests.length, { timeout: 5_000 }).toBe(2);
    const byLimit = [...emulator.requests].sort((a, b) => Number(a.query.limit) - Number(b.query.limit));
    expect(byLimit.map((r) => [r.query.limit, r.aborted ?? false, r.status])).toEqual([
      ['1', true, 0],
      ['3', false, 200],
    ]);
    expect(emulator.inFlight).toBe(0);
  });
});

describe('answered requests', () => {
  it('carry no aborted flag', async () => {
    await get(listUrl(emulator, REGION, { limit: 1 }));
    await get(`${emulator.url}/v2/elsewhere`);
    expect(emulator.requests.map((r) => r.aborted)).toEqual([undefined, undefined]);
    expect(emulator.inFlight).toBe(0);
  });
});
