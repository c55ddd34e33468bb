import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CloudImagesClient, type ClientOptions } from '../../src/upstream/client.js';
import { ClientGone, CloudImagesError, ErrorCode } from '../../src/upstream/errors.js';
import { useStubClients } from '../helpers/stub-clients.js';
import { reply, type StubHandler } from '../helpers/stub-upstream.js';

/** The client's clocks: the per-attempt timeout leaves out the wait for a pooled connection; a signal ends a call at once. */

const CREDENTIALS = { token: 'tok' };
const IMAGES = { images: [] };

const stubbed = useStubClients({});
const client = (options: Partial<ClientOptions> = {}): CloudImagesClient => stubbed.client(options);

const slow =
  (ms: number, status = 200, body: unknown = IMAGES): StubHandler =>
  (req, res) => {
    setTimeout(() => reply(status, body)(req, res), ms);
  };

describe('per-attempt timeout', () => {
  it('counts from the moment the request is on a connection, not while it waits for one', async () => {
    // One connection: the second call waits ~300 ms for it, then takes ~300 ms itself; 450 ms each is enough.
    const one = client({ maxInFlight: 1, timeoutMs: 450 });
    stubbed.stub.setFallback(slow(300));
    const results = await Promise.allSettled([one.listImages(CREDENTIALS, 'cn-north-4', { limit: 1 }), one.listImages(CREDENTIALS, 'cn-north-4', { limit: 2 })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(stubbed.stub.requests).toHaveLength(2);
  });

  it('still times out an attempt that takes too long on its connection', async () => {
    stubbed.stub.setFallback(slow(600));
    const error = await client({ timeoutMs: 150 })
      .listImages(CREDENTIALS, 'cn-north-4', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudImagesError);
    expect((error as CloudImagesError).code).toBe('UPSTREAM_TIMEOUT');
  });
});

describe('cancellation by signal', () => {
  it('ends an attempt in flight at once with the signal’s reason', async () => {
    stubbed.stub.setFallback(() => {});
    const controller = new AbortController();
    const started = performance.now();
    const call = client({}).listImages(CREDENTIALS, 'cn-north-4', {}, controller.signal);
    await expect.poll(() => stubbed.stub.requests.length).toBe(1);
    const reason = new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, 'past the deadline');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('ends a backoff wait at once, without another attempt', async () => {
    stubbed.stub.setFallback(reply(503, 'busy', { 'retry-after': '30' }));
    const controller = new AbortController();
    const call = client({ maxAttempts: 3, totalBudgetMs: 60_000 }).listImages(CREDENTIALS, 'cn-north-4', {}, controller.signal);
    await expect.poll(() => stubbed.stub.requests.length).toBe(1);
    await sleep(50);
    const started = performance.now();
    controller.abort(new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, 'past the deadline'));
    await expect(call).rejects.toThrow('past the deadline');
    expect(performance.now() - started).toBeLessThan(500);
    expect(stubbed.stub.requests).toHaveLength(1);
  });

  it('a call cancelled by its caller does not count against the breaker', async () => {
    stubbed.stub.setFallback(() => {});
    const breaking = client({ breakerFailures: 1, breakerOpenMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const call = breaking.listImages(CREDENTIALS, 'cn-north-4', { limit: i + 1 }, controller.signal);
      await expect.poll(() => stubbed.stub.requests.length).toBe(i + 1);
      controller.abort(new ClientGone());
      await expect(call).rejects.toBeInstanceOf(ClientGone);
    }
    expect(breaking.breakerState).toEqual({ state: 'closed' });
  });

  it('a call whose budget runs out before the upstream answers counts as an outage: a hanging upstream opens the breaker', async () => {
    stubbed.stub.setFallback(() => {});
    const breaking = client({ timeoutMs: 400, totalBudgetMs: 150, breakerFailures: 2, breakerOpenMs: 60_000 });
    for (let i = 0; i < 2; i++) await expect(breaking.listImages(CREDENTIALS, 'cn-north-4', { limit: i + 1 })).rejects.toThrow();
    expect(breaking.breakerState.state).toBe('open');
    const refused = await breaking.listImages(CREDENTIALS, 'cn-north-4', { limit: 9 }).catch((e: unknown) => e);
    expect((refused as CloudImagesError).message).toMatch(/circuit breaker/);
    expect(stubbed.stub.requests).toHaveLength(2);
  });

  it('a half-open probe its caller cancels keeps the breaker open', async () => {
    stubbed.stub.setFallback(reply(503, 'down'));
    const breaking = client({ breakerFailures: 1, breakerOpenMs: 100 });
    await expect(breaking.listImages(CREDENTIALS, 'cn-north-4', { limit: 1 })).rejects.toThrow();
    expect(breaking.breakerState.state).toBe('open');
    await expect.poll(() => breaking.breakerState.state, { timeout: 2_000, interval: 20 }).toBe('half-open');
    stubbed.stub.setFallback(() => {});
    const controller = new AbortController();
    const probe = breaking.listImages(CREDENTIALS, 'cn-north-4', { limit: 2 }, controller.signal);
    await expect.poll(() => stubbed.stub.requests.length).toBe(2);
    controller.abort(new ClientGone());
    await expect(probe).rejects.toBeInstanceOf(ClientGone);
    expect(breaking.breakerState.state).toBe('open');
  });
});
