import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../helpers/api-server.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { ALICE, listPage } from '../helpers/emulator-client.js';

/**
 * The bound on parallel upstream calls of one request (`concurrency`), seen from in front of the
 * emulator: the client talks to a counting proxy that forwards to the emulator, and the emulator
 * answers slowly (50 ms) so that calls overlap whenever the loaders let them.
 */

const REGION = 'cn-north-4';

let proxy: CountingProxy;
beforeAll(async () => {
  proxy = await startCountingProxy();
});
afterAll(async () => {
  await proxy?.close();
});
const api = useApi(() => ({ concurrency: 2, endpoint: proxy.url, emulator: { faults: { latencyMs: 50 } } }));
beforeAll(() => {
  proxy.target = api.emulator.url;
});

describe('concurrency: 2', () => {
  it('6 distinct image ids: all 6 looked up, never more than 2 in flight, and 2 at once', async () => {
    // The oracle reads the emulator directly, not through the proxy.
    const images = await listPage(api.emulator, REGION, { limit: 6 }, ALICE.token);
    expect(images).toHaveLength(6);
    const aliases = images.map((image, i) => `i${i}: image(region: "${REGION}", imageId: "${image.id}") { imageId name }`);

    api.emulator.clearRequests();
    proxy.reset();
    const result = await api.query<Record<string, { imageId: string; name: string } | null>>(`{ ${aliases.join('\n')} }`);

    expect(result.errors).toBeUndefined();
    images.forEach((image, i) => expect(result.data?.[`i${i}`]).toEqual({ imageId: image.id, name: image.name }));
    expect(proxy.total).toBe(6);
    expect(proxy.inFlight).toBe(0);
    // At most 2 at once, and the loaders did use both slots (6 lookups queued, 50 ms each).
    expect(proxy.maxInFlight).toBe(2);
    const calls = api.emulator.apiRequests;
    expect(calls.map((call) => call.query)).toEqual(expect.arrayContaining(images.map((image) => ({ id: image.id }))));
    expect(calls).toHaveLength(6);
  });

  it('a page and parent lookups share the same bound', async () => {
    const page = await listPage(api.emulator, REGION, { __imagetype: 'private', limit: 21, sort_key: 'created_at', sort_dir: 'desc' }, ALICE.token);
    expect(page).toHaveLength(21);
    const onPage = new Set(page.slice(0, 20).map((image) => image.id));
    const parents = new Set(page.slice(0, 20).flatMap((image) => (image.__originalimagename ? [image.__originalimagename] : [])));
    // The extra row (asked for hasNextPage) is no parent here, so whether the loaders reuse it does not matter.
    expect(parents.has(page[20]?.id ?? '')).toBe(false);
    const lookups = [...parents].filter((id) => !onPage.has(id));
    expect(lookups.length).toBeGreaterThan(2);

    api.emulator.clearRequests();
    proxy.reset();
    const result = await api.query<{ images: { nodes: { parentImage: { name: string } | null }[] } }>(
      `{ images(region: "${REGION}", first: 20, filter: { imageType: PRIVATE }) { nodes { parentImage { name } } } }`,
    );

    expect(result.errors).toBeUndefined();
    expect(result.data?.images.nodes).toHaveLength(20);
    expect(proxy.total).toBe(1 + lookups.length);
    expect(proxy.maxInFlight).toBe(2);
    expect(api.emulator.apiRequests).toHaveLength(1 + lookups.length);
  });
});
