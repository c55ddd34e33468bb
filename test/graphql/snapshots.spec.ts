import { afterEach, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../helpers/api-server.js';

/** Snapshot reads under failure: a request leaves at its deadline, and a listing too large is not walked again and again. */

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const COUNT = '{ images(region: "cn-north-4", first: 5) { totalCount } }';

describe('snapshot reads', () => {
  it('leave at the request deadline while the walk is still under way', async () => {
    api = await startApi({ client: { requestDeadlineMs: 300 }, emulator: { faults: { latencyMs: 1_000 } } });
    const started = performance.now();
    const result = await api.query(COUNT);
    expect(performance.now() - started).toBeLessThan(900);
    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(result.errors?.[0]?.message).toMatch(/deadline/);
  });

  it('remember a listing too large for the TTL instead of walking it for every request', async () => {
    api = await startApi({ env: { SNAPSHOT_MAX_IMAGES: '100', SNAPSHOT_TTL_MS: '60000' } });
    api.emulator.clearRequests();
    const first = await api.query(COUNT);
    expect(first.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(first.errors?.[0]?.message).toMatch(/more than 100 images \(SNAPSHOT_MAX_IMAGES\)/);
    expect(api.emulator.apiRequests).toHaveLength(1);
    const again = await api.query(COUNT);
    expect(again.errors?.[0]?.message).toBe(first.errors?.[0]?.message);
    expect(api.emulator.apiRequests).toHaveLength(1);
    // Another caller's listing is its own.
    await api.query(COUNT, {}, 'demo-token-bob');
    expect(api.emulator.apiRequests).toHaveLength(2);
  });
});
