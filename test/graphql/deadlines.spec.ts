import { beforeEach, describe, expect, it } from 'vitest';
import { useApi, type GraphQLResponse } from '../helpers/api-server.js';

/**
 * A GraphQL request's own clock (REQUEST_DEADLINE_MS) and its client: when the deadline passes, or
 * the client hangs up, every upstream call of the request is cancelled at once, in flight or in a
 * backoff wait, and the emulator sees the caller go (its log records the call as `aborted: true`).
 */

const LIST = `{ images(region: "cn-north-4", first: 5) { nodes { imageId } } }`;

function errorCodes(result: GraphQLResponse): unknown[] {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}

describe('REQUEST_DEADLINE_MS: 300', () => {
  // Three attempts inside a 60 s budget: only the request's deadline can end a 30 s Retry-After wait.
  const api = useApi({ client: { requestDeadlineMs: 300, maxAttempts: 3, totalBudgetMs: 60_000 }, emulator: { faults: { latencyMs: 3_000 } } });
  beforeEach(() => {
    api.emulator.resetFaults();
    api.emulator.clearRequests();
  });

  it('answers UPSTREAM_TIMEOUT within about a second while the upstream takes 3 s, and the upstream call is cancelled', async () => {
    api.emulator.setFaults({ latencyMs: 3_000 });
    const started = performance.now();
    const result = await api.query(LIST);
    const elapsed = performance.now() - started;

    // Not before the deadline, and not much after it.
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_500);
    expect(result.data ?? null).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(result.errors?.[0]?.message).toMatch(/deadline of 300 ms/);
    expect(result.errors?.[0]?.message).toMatch(/REQUEST_DEADLINE_MS/);
    expect(result.errors?.[0]?.path).toEqual(['images']);

    // The emulator logs the abandoned call as soon as the client's connection closes.
    await expect.poll(() => api.emulator.apiRequests.map((call) => ({ region: call.region, aborted: call.aborted, status: call.status }))).toEqual([
      { region: 'cn-north-4', aborted: true, status: 0 },
    ]);
    expect(api.emulator.inFlight).toBe(0);
  });

  it('cuts a backoff wait short: a 429 with Retry-After: 30 is not waited out, and no second attempt is made', async () => {
    // Every call is throttled (429 APIGW.0308, Retry-After: 30), at once (no latency).
    api.emulator.setFaults({ latencyMs: 0, throttleEvery: 0, throttleBurst: 1_000, retryAfterSeconds: 30 });
    const started = performance.now();
    const result = await api.query(LIST);
    const elapsed = performance.now() - started;

    // It waited (a 429 given up on at once would be RATE_LIMITED), until the deadline ended the wait.
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_500);
    expect(errorCodes(result)).toEqual(['UPSTREAM_TIMEOUT']);
    expect(result.errors?.[0]?.message).toMatch(/deadline of 300 ms/);
    const calls = api.emulator.apiRequests;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ region: 'cn-north-4', status: 429, fault: 'throttled' });
    expect(calls[0]?.aborted).toBeUndefined();
    expect(api.emulator.inFlight).toBe(0);
  });
});

describe('a client that disconnects mid-query', () => {
  // The default deadline (25 s): only the client's going away can end these calls early.
  const api = useApi({ emulator: { faults: { latencyMs: 3_000 } } });

  it('cancels every upstream call of its request, long before the upstream would have answered', async () => {
    const regions = ['cn-north-4', 'cn-east-3'];
    const query = `{ ${regions.map((region, i) => `r${i}: images(region: "${region}", first: 5) { nodes { imageId } }`).join(' ')} }`;
    api.emulator.clearRequests();
    const controller = new AbortController();
    const started = performance.now();
    const response = fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': 'demo-token-alice' },
      body: JSON.stringify({ query }),
      signal: controller.signal,
    });
    // Settles (rejected) once aborted; caught here so that it is never an unhandled rejection.
    const outcome = response.then(
      () => 'answered',
      (error: unknown) => (error instanceof Error ? error.name : String(error)),
    );

    // Both listings are on their way to the emulator (waiting out its latency).
    await expect.poll(() => api.emulator.inFlight, { timeout: 1_500 }).toBe(regions.length);
    expect(api.emulator.requests).toHaveLength(0);
    controller.abort();
    expect(await outcome).toBe('AbortError');

    await expect
      .poll(() => api.emulator.apiRequests.filter((call) => call.aborted === true).map((call) => call.region).sort(), { timeout: 1_500 })
      .toEqual([...regions].sort());
    expect(performance.now() - started).toBeLessThan(2_000);
    // Nothing else reached the emulator, and nothing of the request is left there.
    expect(api.emulator.apiRequests).toHaveLength(regions.length);
    expect(api.emulator.apiRequests.every((call) => call.status === 0)).toBe(true);
    expect(api.emulator.inFlight).toBe(0);
  });
});
