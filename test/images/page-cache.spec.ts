import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DEMO_TENANTS } from '../../src/emulator/options.js';
import { ALICE, BOB, useApi, type ApiHarness, type GraphQLResponse } from '../helpers/api-server.js';

/**
 * The page cache of pass-through listings (CACHE_TTL_MS), end to end against the emulator: a
 * repeated page or by-id lookup costs one upstream call while it lives, per caller; it expires
 * after the TTL; failures are not kept; it is off by default; and a request leaving early does not
 * take the shared call down with it for the others waiting on it.
 */

const REGION = 'cn-north-4';
const ALICE_PROJECT = DEMO_TENANTS[0]!.projectId;
const BOB_PROJECT = DEMO_TENANTS[1]!.projectId;

interface Node {
  imageId: string;
  name: string;
  owner: string;
}
type Page = GraphQLResponse<{ images: { nodes: Node[] } }>;
type ById = GraphQLResponse<{ image: Node | null }>;

const PAGE = `{ images(region: "${REGION}", first: 7) { nodes { imageId name owner } } }`;
const PRIVATE_PAGE = `{ images(region: "${REGION}", first: 5, filter: { imageType: PRIVATE }) { nodes { imageId name owner } } }`;
const BY_ID = `query ($id: String!) { image(region: "${REGION}", imageId: $id) { imageId name owner } }`;

/** The nodes of a page that must have succeeded. */
function nodes(result: Page): Node[] {
  expect(result.errors).toBeUndefined();
  expect(result.data?.images.nodes.length).toBeGreaterThan(0);
  return result.data!.images.nodes;
}

/** The value of an unlabelled metric on GET /metrics; undefined when the metric is not there. */
async function metric(api: ApiHarness, name: string): Promise<number | undefined> {
  const response = await fetch(`${api.url}/metrics`);
  expect(response.status).toBe(200);
  const line = (await response.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('with CACHE_TTL_MS', () => {
  const api = useApi({ env: { CACHE_TTL_MS: '60000' } });

  it('a repeated page costs one upstream call', async () => {
    api.emulator.clearRequests();
    const first = nodes(await api.query(PAGE));
    expect(api.emulator.apiRequests).toHaveLength(1);
    for (let i = 0; i < 3; i++) expect(nodes(await api.query(PAGE))).toEqual(first);
    expect(api.emulator.apiRequests).toHaveLength(1);
    // Another page (another URL) is a call of its own.
    nodes(await api.query(`{ images(region: "${REGION}", first: 8) { nodes { imageId name owner } } }`));
    expect(api.emulator.apiRequests).toHaveLength(2);
  });

  it('Bob never gets the page Alice cached: his own call, his own private images', async () => {
    api.emulator.clearRequests();
    const alice = nodes(await api.query(PRIVATE_PAGE, {}, ALICE.token));
    expect(new Set(alice.map((n) => n.owner))).toEqual(new Set([ALICE_PROJECT]));
    expect(api.emulator.apiRequests.map((r) => r.projectId)).toEqual([ALICE_PROJECT]);

    const bob = nodes(await api.query(PRIVATE_PAGE, {}, BOB.token));
    expect(new Set(bob.map((n) => n.owner))).toEqual(new Set([BOB_PROJECT]));
    const aliceIds = new Set(alice.map((n) => n.imageId));
    expect(bob.filter((n) => aliceIds.has(n.imageId))).toEqual([]);
    expect(api.emulator.apiRequests.map((r) => r.projectId)).toEqual([ALICE_PROJECT, BOB_PROJECT]);

    // Each is then served their own page from the cache.
    expect(nodes(await api.query(PRIVATE_PAGE, {}, BOB.token))).toEqual(bob);
    expect(nodes(await api.query(PRIVATE_PAGE, {}, ALICE.token))).toEqual(alice);
    expect(api.emulator.apiRequests).toHaveLength(2);
  });

  it('a repeated by-id lookup is served from the cache, per caller', async () => {
    const [image] = nodes(await api.query(PRIVATE_PAGE, {}, ALICE.token));
    api.emulator.clearRequests();
    const first = (await api.query(BY_ID, { id: image!.imageId }, ALICE.token)) as ById;
    expect(first.errors).toBeUndefined();
    expect(first.data?.image).toEqual(image);
    expect(api.emulator.apiRequests.map((r) => r.query.id)).toEqual([image!.imageId]);

    for (let i = 0; i < 2; i++) expect(((await api.query(BY_ID, { id: image!.imageId }, ALICE.token)) as ById).data?.image).toEqual(image);
    expect(api.emulator.apiRequests).toHaveLength(1);

    // Bob looking up Alice's private image makes his own call, and sees nothing.
    const bob = (await api.query(BY_ID, { id: image!.imageId }, BOB.token)) as ById;
    expect(bob.errors).toBeUndefined();
    expect(bob.data?.image).toBeNull();
    expect(api.emulator.apiRequests.map((r) => r.projectId)).toEqual([ALICE_PROJECT, BOB_PROJECT]);
  });

  it('GET /metrics counts the hits', async () => {
    const before = (await metric(api, 'page_cache_hits_total')) ?? 0;
    expect(before).toBeGreaterThan(0);
    nodes(await api.query(PAGE));
    expect(await metric(api, 'page_cache_hits_total')).toBe(before + 1);
  });
});

describe('after the TTL', () => {
  const TTL_MS = 300;
  const api = useApi({ env: { CACHE_TTL_MS: String(TTL_MS) } });

  it('the page is fetched again', async () => {
    api.emulator.clearRequests();
    const first = nodes(await api.query(PAGE));
    expect(nodes(await api.query(PAGE))).toEqual(first);
    expect(api.emulator.apiRequests).toHaveLength(1);
    await sleep(TTL_MS + 50);
    expect(nodes(await api.query(PAGE))).toEqual(first);
    expect(api.emulator.apiRequests).toHaveLength(2);
    // And kept again from then on.
    nodes(await api.query(PAGE));
    expect(api.emulator.apiRequests).toHaveLength(2);
  });
});

describe('upstream errors', () => {
  const api = useApi({ env: { CACHE_TTL_MS: '60000' }, client: { breakerFailures: 100 } });

  it('are not cached: two identical failing pages make two calls, and the page once healed is kept', async () => {
    api.emulator.setFaults({ errorRate: 1 });
    api.emulator.clearRequests();
    for (let i = 0; i < 2; i++) {
      const failed = (await api.query(PAGE)) as Page;
      expect(['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE']).toContain(failed.errors?.[0]?.extensions?.code);
    }
    expect(api.emulator.apiRequests).toHaveLength(2);

    api.emulator.resetFaults();
    const healed = nodes(await api.query(PAGE));
    expect(api.emulator.apiRequests).toHaveLength(3);
    expect(nodes(await api.query(PAGE))).toEqual(healed);
    expect(api.emulator.apiRequests).toHaveLength(3);
  });

  it('are not cached for a by-id lookup (failImageIds)', async () => {
    const [image] = nodes(await api.query(PAGE));
    api.emulator.setFaults({ failImageIds: [image!.imageId] });
    api.emulator.clearRequests();
    try {
      for (let i = 0; i < 2; i++) {
        const failed = (await api.query(BY_ID, { id: image!.imageId })) as ById;
        expect(failed.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
      }
      expect(api.emulator.apiRequests.map((r) => r.query.id)).toEqual([image!.imageId, image!.imageId]);
    } finally {
      api.emulator.resetFaults();
    }
    expect(((await api.query(BY_ID, { id: image!.imageId })) as ById).data?.image).toEqual(image);
    expect(api.emulator.apiRequests).toHaveLength(3);
  });
});

describe('without CACHE_TTL_MS (the default)', () => {
  const api = useApi();

  it('the cache is off: each repeated page or lookup costs a call, and there is no page cache metric', async () => {
    expect(api.app.config.sharedState.pageCache.ttlMs).toBe(0);
    api.emulator.clearRequests();
    const first = nodes(await api.query(PAGE));
    expect(nodes(await api.query(PAGE))).toEqual(first);
    expect(api.emulator.apiRequests).toHaveLength(2);
    for (let i = 0; i < 2; i++) expect(((await api.query(BY_ID, { id: first[0]!.imageId })) as ById).data?.image).toEqual(first[0]);
    expect(api.emulator.apiRequests).toHaveLength(4);
    expect(await metric(api, 'page_cache_hits_total')).toBeUndefined();
  });
});

describe('concurrent identical requests', () => {
  const LATENCY_MS = 400;
  const api = useApi({ env: { CACHE_TTL_MS: '60000' }, emulator: { faults: { latencyMs: LATENCY_MS } } });

  it('share one call, and the first leaving early (its client gone) does not fail the second', async () => {
    api.emulator.clearRequests();
    const misses = (await metric(api, 'page_cache_misses_total')) ?? 0;
    const first = new AbortController();
    const left = fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
      body: JSON.stringify({ query: PAGE }),
      signal: first.signal,
    }).then(
      () => 'answered',
      (error: unknown) => (error as Error).name,
    );
    // The first request's call is at the emulator (waiting out its latency)...
    await expect.poll(() => api.emulator.inFlight, { interval: 10 }).toBe(1);
    const second = api.query(PAGE);
    // ...and the second has joined it (a miss that waits for the same load).
    await expect.poll(() => metric(api, 'page_cache_misses_total'), { interval: 10 }).toBe(misses + 2);
    first.abort();
    expect(await left).toBe('AbortError');

    const answer = (await second) as Page;
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.images.nodes).toHaveLength(7);
    // One call, answered (not abandoned), and the page kept for the next request.
    expect(api.emulator.apiRequests).toHaveLength(1);
    expect(api.emulator.apiRequests[0]!.aborted).toBeUndefined();
    expect(api.emulator.apiRequests[0]!.status).toBe(200);
    expect(((await api.query(PAGE)) as Page).data).toEqual(answer.data);
    expect(api.emulator.apiRequests).toHaveLength(1);
  });
});
