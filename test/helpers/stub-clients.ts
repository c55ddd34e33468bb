import { afterAll, afterEach, beforeAll } from 'vitest';
import { CloudImagesClient, type ClientOptions } from '../../src/upstream/client.js';
import { startStubUpstream, type StubUpstream } from './stub-upstream.js';

/**
 * For a test file of the upstream client: one stub upstream for the file (reset after each test)
 * and clients on it made with `client(options)` over the file's `defaults`, closed after each test.
 */
export function useStubClients(defaults: Partial<ClientOptions>, random?: () => number): { readonly stub: StubUpstream; client(options?: Partial<ClientOptions>): CloudImagesClient } {
  let stub: StubUpstream | undefined;
  const clients: CloudImagesClient[] = [];
  beforeAll(async () => {
    stub = await startStubUpstream();
  });
  afterEach(async () => {
    stub?.reset();
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await stub?.close();
  });
  return {
    get stub(): StubUpstream {
      if (!stub) throw new Error('the stub upstream starts in beforeAll');
      return stub;
    },
    client(options: Partial<ClientOptions> = {}): CloudImagesClient {
      const client = new CloudImagesClient({ endpoint: this.stub.url, timeoutMs: 2_000, maxAttempts: 1, retryBaseDelayMs: 10, totalBudgetMs: 10_000, ...defaults, ...options }, random);
      clients.push(client);
      return client;
    },
  };
}
