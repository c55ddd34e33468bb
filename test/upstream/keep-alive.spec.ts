import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudImagesClient } from '../../src/upstream/client.js';
import { useEmulator } from '../helpers/emulator-client.js';

const emulator = useEmulator();
let client: CloudImagesClient;
beforeAll(() => {
  client = new CloudImagesClient({ endpoint: emulator.url, timeoutMs: 5_000, maxAttempts: 1, retryBaseDelayMs: 0, totalBudgetMs: 5_000 });
});
afterAll(async () => {
  await client.close();
});

describe('upstream connection reuse', () => {
  it('sends consecutive calls over reused keep-alive connections', async () => {
    emulator.clearRequests();
    for (let i = 0; i < 10; i++) {
      await client.listImages({ token: 'demo-token-alice' }, 'tr-west-1', { limit: 1 });
    }
    const ports = emulator.apiRequests.map((r) => r.remotePort);
    expect(ports).toHaveLength(10);
    // undici's pool may alternate between two sockets; without reuse there would be ten.
    expect(new Set(ports).size).toBeLessThanOrEqual(2);
  });
});
