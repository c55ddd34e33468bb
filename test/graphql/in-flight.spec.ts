import { beforeAll, describe, expect, it } from 'vitest';
import { useApi, type ApiHarness, type GraphQLResponse } from '../helpers/api-server.js';
import { listPage } from '../helpers/emulator-client.js';
import type { ImageInfo } from '../../src/upstream/wire.js';

/**
 * The process-wide bound on upstream calls in flight (UPSTREAM_MAX_IN_FLIGHT), across GraphQL
 * requests, seen from the emulator (`inFlight`: requests received and not yet answered), and the
 * fairness of its queue: requests are served in turn, one call each.
 */

const REGION = 'cn-north-4';

type Lookups = Record<string, { imageId: string; name: string } | null>;

/** One operation looking up each id by its own alias (`i0`, `i1`, …): one upstream call per id. */
function lookups(ids: readonly string[]): string {
  return `{ ${ids.map((id, i) => `i${i}: image(region: "${REGION}", imageId: "${id}") { imageId name }`).join(' ')} }`;
}

function expectLookups(result: GraphQLResponse<Lookups>, images: readonly ImageInfo[]): void {
  expect(result.errors).toBeUndefined();
  expect(result.data).toEqual(Object.fromEntries(images.map((image, i) => [`i${i}`, { imageId: image.id, name: image.name }])));
}

/** Samples `emulator.inFlight` every 5 ms until stopped; returns the largest value seen. */
function sampleInFlight(api: ApiHarness): () => number {
  let max = 0;
  const sample = (): void => {
    max = Math.max(max, api.emulator.inFlight);
  };
  const timer = setInterval(sample, 5);
  return () => {
    clearInterval(timer);
    sample();
    return max;
  };
}

describe('maxInFlight: 2, concurrency: 8 per request', () => {
  const api = useApi({ client: { maxInFlight: 2, concurrency: 8 }, emulator: { faults: { latencyMs: 150 } } });
  let images: ImageInfo[];
  beforeAll(async () => {
    images = await listPage(api.emulator, REGION, { limit: 12 });
    expect(new Set(images.map((image) => image.id)).size).toBe(12);
  });

  it('3 requests of 4 lookups each: never more than 2 upstream calls in flight, 2 reached, every answer complete', async () => {
    const batches = [images.slice(0, 4), images.slice(4, 8), images.slice(8, 12)];
    api.emulator.clearRequests();
    let maxSeen = 0;
    const stop = sampleInFlight(api);
    const results = await Promise.all(batches.map((batch) => api.query<Lookups>(lookups(batch.map((image) => image.id))))).finally(() => {
      maxSeen = stop();
    });

    expect(maxSeen).toBe(2);
    results.forEach((result, n) => expectLookups(result, batches[n]!));
    // Each id was looked up once, by its own call, and every call was answered.
    const calls = api.emulator.apiRequests;
    expect(calls.map((call) => call.query.id).sort()).toEqual(images.map((image) => image.id).sort());
    expect(calls.every((call) => call.status === 200 && call.aborted === undefined)).toBe(true);
    expect(api.emulator.inFlight).toBe(0);
  });
});

describe('maxInFlight: 1: requests take turns', () => {
  const api = useApi({ client: { maxInFlight: 1, concurrency: 8 }, emulator: { faults: { latencyMs: 50 } } });
  let images: ImageInfo[];
  beforeAll(async () => {
    images = await listPage(api.emulator, REGION, { limit: 13 });
    expect(new Set(images.map((image) => image.id)).size).toBe(13);
  });

  it('a 1-lookup request sent after a 12-lookup one finishes first: its call is served in turn, not after all 12', async () => {
    const big = images.slice(0, 12);
    const small = images.slice(12);
    const smallId = small[0]!.id;
    api.emulator.clearRequests();
    const finished: string[] = [];
    const bigResult = api.query<Lookups>(lookups(big.map((image) => image.id))).then((result) => {
      finished.push('big');
      return result;
    });
    // The big request holds the only place (its first call is at the emulator), the rest of it queued.
    await expect.poll(() => api.emulator.inFlight, { interval: 5 }).toBe(1);
    const smallResult = api.query<Lookups>(lookups([smallId])).then((result) => {
      finished.push('small');
      return result;
    });
    const [bigAnswer, smallAnswer] = await Promise.all([bigResult, smallResult]);

    expectLookups(bigAnswer, big);
    expectLookups(smallAnswer, small);
    expect(finished).toEqual(['small', 'big']);
    const order = api.emulator.apiRequests.map((call) => call.query.id);
    expect(order).toHaveLength(13);
    // Round robin: at most the big request's call in flight and its next one go before the small one's
    // (a FIFO queue would put it 13th).
    expect(order.indexOf(smallId)).toBeGreaterThan(0);
    expect(order.indexOf(smallId)).toBeLessThanOrEqual(3);
  });
});
