import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../src/config/index.js';
import { startApi, useApi } from '../helpers/api-server.js';

/**
 * Operations whose cost (upstream calls, each 1 plus 1 per 100 rows it may return) is over the
 * limit are refused before any call.
 */

// Aliases and tokens are limited on their own (query-limits.spec.ts); here the cost alone is under test.
const api = useApi({ limits: { maxAliases: 1000, maxTokens: 100_000 } });

async function post(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': 'demo-token-alice' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] } };
}

describe('query cost', () => {
  it('refuses the alias bomb, 300 aliased pages of 500 (150,000 images), with its cost and the limit, and makes no upstream call', async () => {
    api.emulator.clearRequests();
    const aliases = Array.from({ length: 300 }, (_, i) => `p${i}: images(region: "cn-north-4", first: 500, filter: { name: "n${i}" }) { nodes { imageId } }`).join('\n');
    const { status, body } = await post(`{ ${aliases} }`);
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    // Each: the call for 500 rows (1 + 5) and the probe (1 + 1).
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 300 * 8, maxCost: DEFAULT_QUERY_LIMITS.maxCost });
    expect(body.errors?.[0]?.message).toContain(`the limit is ${DEFAULT_QUERY_LIMITS.maxCost}`);
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it('prices a variable left out at its default, even after the same document was priced with it sent as null', async () => {
    api.emulator.clearRequests();
    const query = 'query Q($first: Int = 500) { images(region: "cn-north-4", first: $first) { nodes { parentImage { parentImage { imageId } } } } }';
    // null: the page size falls back to 20, cheap enough to run.
    expect((await post(query, { first: null })).status).toBe(200);
    const calls = api.emulator.apiRequests.length;
    // Left out: the default, 500, whose parents are far over the limit, whatever was priced before.
    const { status, body } = await post(query, {});
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxCost: DEFAULT_QUERY_LIMITS.maxCost });
    expect(Number(body.errors?.[0]?.extensions.cost)).toBeGreaterThan(DEFAULT_QUERY_LIMITS.maxCost);
    expect(api.emulator.apiRequests).toHaveLength(calls);
  });

  it('prices a listing by its rows: first 0, 20, 99, 100, 499 and 500', async () => {
    const strict = await startApi({ limits: { maxCost: 1 } });
    try {
      const costs: Record<number, unknown> = {};
      for (const n of [0, 20, 99, 100, 499, 500]) {
        const refused = await strict.query(`{ images(region: "cn-north-4", first: ${n}) { nodes { imageId } } }`);
        costs[n] = refused.errors?.[0]?.extensions?.cost;
      }
      // 1 per call plus 1 per started 100 rows (the extra row included); a full page adds a probe of 2.
      expect(costs).toEqual({ 0: 2, 20: 2, 99: 2, 100: 3, 499: 6, 500: 8 });
    } finally {
      await strict.close();
    }
  });

  it('counts parents per image of the page, and nested parents', async () => {
    const { body } = await post('{ images(region: "cn-north-4", first: 300) { nodes { parentImage { parentImage { name } } } } }');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 5 + 300 * 2 });
  });

  it('reads page sizes from variables', async () => {
    const query = 'query ($n: Int) { a: images(region: "cn-north-4", first: $n) { nodes { parentImage { parentImage { name } } } } b: image(region: "cn-north-4", imageId: "x") { name } }';
    const refused = await post(query, { n: 500 });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 8 + 500 * 2 + 1 });
    const allowed = await post(query, { n: 100 });
    expect(allowed.body.errors).toBeUndefined();
  });

  it('lets the heaviest documented query through: a page of 500 with every parent (cost 508)', async () => {
    const { status, body } = await post('{ images(region: "cn-north-4", first: 500) { nodes { imageId parentImage { name } } pageInfo { hasNextPage } } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const strict = await startApi({ limits: { maxCost: 507 } });
    try {
      const refused = await strict.query('{ images(region: "cn-north-4", first: 500) { nodes { imageId parentImage { name } } pageInfo { hasNextPage } } }');
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 508 });
    } finally {
      await strict.close();
    }
  });

  it('can be set lower', async () => {
    const strict = await startApi({ limits: { maxCost: 5 } });
    try {
      strict.emulator.clearRequests();
      const refused = await strict.query('{ images(region: "cn-north-4", first: 4) { nodes { parentImage { name } } } }');
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 6, maxCost: 5 });
      expect(strict.emulator.apiRequests).toHaveLength(0);
      const allowed = await strict.query('{ images(region: "cn-north-4", first: 3) { nodes { parentImage { name } } } }');
      expect(allowed.errors).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it('prices a snapshot read as the pages it may need (SNAPSHOT_MAX_IMAGES / 500, and one more that finds it too large), through named fragments too', async () => {
    const costs = async (maxImages: number): Promise<unknown[]> => {
      const strict = await startApi({ limits: { maxCost: 1 }, env: { SNAPSHOT_MAX_IMAGES: String(maxImages) } });
      try {
        const queries = [
          '{ images(region: "cn-north-4", first: 20) { nodes { imageId } } }',
          '{ images(region: "cn-north-4", first: 20, filter: { nameContains: "ubuntu" }) { nodes { imageId } } }',
          '{ images(region: "cn-north-4", first: 20) { totalCount } }',
          '{ images(region: "cn-north-4", first: 20) { ... on ImageConnection { totalCount } } }',
          '{ images(region: "cn-north-4", first: 20) { ...Count } } fragment Count on ImageConnection { totalCount }',
          '{ imageFacets(region: "cn-north-4") { osType { value count } } }',
          '{ latestImage(region: "cn-north-4") { name } }',
          '{ regions }',
        ];
        return await Promise.all(queries.map(async (query) => (await strict.query(query)).errors?.[0]?.extensions?.cost ?? 0));
      } finally {
        await strict.close();
      }
    };
    expect(await costs(20_000)).toEqual([2, 43, 43, 43, 43, 41, 41, 0]);
    expect(await costs(1_000)).toEqual([2, 5, 5, 5, 5, 3, 3, 0]);
  });
});
