import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CloudImagesClient } from '../../src/upstream/client.js';
import { CloudImagesError } from '../../src/upstream/errors.js';
import { hang, reply, startStubUpstream, type StubUpstream } from '../helpers/stub-upstream.js';

/**
 * While the half-open probe is under way, every other call is refused at once: it takes no budget
 * and holds no connection, and does not wait (deaf to its signal) for the probe's outcome.
 */

const OPEN_MS = 50;
let stub: StubUpstream | undefined;
let client: CloudImagesClient | undefined;

afterEach(async () => {
  await client?.close();
  await stub?.close();
  client = undefined;
  stub = undefined;
});

async function probing(): Promise<{ stub: StubUpstream; client: CloudImagesClient; budget: { takes: number }; probe: Promise<unknown> }> {
  stub = await startStubUpstream();
  const budget = { takes: 0, take: async () => void budget.takes++ };
  client = new CloudImagesClient({ endpoint: stub.url, timeoutMs: 1_500, maxAttempts: 1, retryBaseDelayMs: 1, totalBudgetMs: 10_000, breakerFailures: 2, breakerOpenMs: OPEN_MS, budget });
  stub.enqueue(reply(503, {}), reply(503, {}));
  for (let i = 0; i < 2; i++) await client.listImages({ token: 't' }, 'cn-north-4').catch(() => undefined);
  // Past the open period: the next call is the probe, and it hangs upstream.
  await sleep(OPEN_MS + 10);
  stub.enqueue(hang);
  const probe = client.listImages({ token: 't' }, 'cn-north-4').catch((error: unknown) => error);
  await vi.waitFor(() => expect(stub!.requests).toHaveLength(3));
  return { stub, client, budget, probe };
}

describe('calls during the half-open probe', () => {
  it('are refused at once with UPSTREAM_UNAVAILABLE, taking no budget and sending nothing', async () => {
    const { stub, client, budget } = await probing();
    const takes = budget.takes;
    const started = performance.now();
    const other = await client.listImages({ token: 't' }, 'cn-north-4').catch((error: unknown) => error);
    expect(other).toBeInstanceOf(CloudImagesError);
    expect((other as CloudImagesError).code).toBe('UPSTREAM_UNAVAILABLE');
    expect((other as Error).message).toMatch(/circuit breaker/);
    expect(budget.takes).toBe(takes);
    expect(stub.requests).toHaveLength(3);
    // Not held until the probe's 1.5 s timeout.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('a call that waited for the budget while the probe started', () => {
  it('is refused when it gets its budget, not held behind the probe', async () => {
    stub = await startStubUpstream();
    let hold: (() => void) | undefined;
    let takes = 0;
    // The first take after the breaker opened waits until the test lets it go; others pass at once.
    const budget = {
      take: () => {
        takes++;
        return takes === 3 ? new Promise<void>((resolve) => (hold = resolve)) : Promise.resolve();
      },
    };
    client = new CloudImagesClient({ endpoint: stub.url, timeoutMs: 1_500, maxAttempts: 1, retryBaseDelayMs: 1, totalBudgetMs: 10_000, breakerFailures: 2, breakerOpenMs: OPEN_MS, budget });
    stub.enqueue(reply(503, {}), reply(503, {}));
    for (let i = 0; i < 2; i++) await client.listImages({ token: 't' }, 'cn-north-4').catch(() => undefined);
    await sleep(OPEN_MS + 10);
    // A passes the first check (the open period is over), then waits for its budget.
    const a = client.listImages({ token: 't' }, 'cn-north-4').catch((error: unknown) => error);
    await vi.waitFor(() => expect(hold).toBeDefined());
    // Meanwhile B becomes the probe, and hangs upstream.
    stub.enqueue(hang);
    const probe = client.listImages({ token: 't' }, 'cn-north-4').catch((error: unknown) => error);
    await vi.waitFor(() => expect(stub!.requests).toHaveLength(3));
    const released = performance.now();
    hold!();
    const refused = await a;
    expect((refused as CloudImagesError).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(performance.now() - released).toBeLessThan(1_000);
    expect(stub.requests).toHaveLength(3);
    void probe;
  });
});
