import { describe, expect, it } from 'vitest';
import { useApi } from '../helpers/api-server.js';

/**
 * The circuit breaker of the upstream origin, end to end: the emulator fails every call, the
 * breaker opens after BREAKER_FAILURES of them, callers then fail fast without reaching the
 * upstream, /readyz says so, and the breaker closes after BREAKER_OPEN_MS once the upstream heals.
 */

const FAILURES = 3;
const OPEN_MS = 400;
const QUERY = '{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }';

const api = useApi({ client: { breakerFailures: FAILURES, breakerOpenMs: OPEN_MS } });

async function readyz(): Promise<{ status: number; body: { status: string; breaker: { state: string; retryAt?: string } } }> {
  const response = await fetch(`${api.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; breaker: { state: string } } };
}

describe('circuit breaker', () => {
  it('opens after consecutive outages, fails fast without calling the upstream, and closes after recovery', async () => {
    expect((await readyz()).body.breaker).toEqual({ state: 'closed' });
    api.emulator.setFaults({ errorRate: 1 });
    api.emulator.clearRequests();
    for (let i = 0; i < FAILURES; i++) {
      const failed = await api.query(QUERY);
      expect(['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE']).toContain(failed.errors?.[0]?.extensions?.code);
    }
    expect(api.emulator.apiRequests).toHaveLength(FAILURES);

    const ready = await readyz();
    expect(ready.status).toBe(503);
    expect(ready.body.breaker.state).toBe('open');
    expect(Date.parse(ready.body.breaker.retryAt ?? '')).toBeGreaterThan(Date.now());

    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const refused = await api.query(QUERY);
      expect(performance.now() - started).toBeLessThan(200);
      expect(refused.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(refused.errors?.[0]?.message).toMatch(/circuit breaker/);
    }
    // The upstream's log stopped growing while the breaker was open.
    expect(api.emulator.apiRequests).toHaveLength(FAILURES);

    api.emulator.resetFaults();
    // After BREAKER_OPEN_MS the next call probes the upstream; its success closes the breaker.
    await expect.poll(async () => (await readyz()).body.breaker.state, { timeout: OPEN_MS * 5, interval: 50 }).toBe('half-open');
    const healed = await api.query<{ images: { nodes: unknown[] } }>(QUERY);
    expect(healed.errors).toBeUndefined();
    expect(healed.data?.images.nodes).toHaveLength(1);
    expect(await readyz()).toMatchObject({ status: 200, body: { breaker: { state: 'closed' } } });
  });

  it('never counts answers given on purpose (4xx)', async () => {
    for (let i = 0; i < FAILURES * 2; i++) {
      const refused = await api.query('{ images(region: "cn-north-4", first: 1) { nodes { imageId } } }', {}, 'not-a-known-token');
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect((await readyz()).body.breaker.state).toBe('closed');
    expect((await api.query(QUERY)).errors).toBeUndefined();
  });
});
