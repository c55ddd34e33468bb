import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_QUERY_COST } from '../../src/config.js';
import { startApi, type ApiHarness } from '../helpers/api-server.js';

/** Operations that could make more upstream calls than the limit are refused before any call. */

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

async function post(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': 'demo-token-alice' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] } };
}

describe('query cost', () => {
  it('refuses 400 aliased pages of 500 with BAD_USER_INPUT, its cost and the limit, and makes no upstream call', async () => {
    api.emulator.clearRequests();
    const aliases = Array.from({ length: 400 }, (_, i) => `p${i}: images(region: "cn-north-4", first: 500, filter: { name: "n${i}" }) { nodes { imageId } }`).join('\n');
    const { status, body } = await post(`{ ${aliases} }`);
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 800, maxCost: DEFAULT_MAX_QUERY_COST });
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it('counts parents per image of the page, and nested parents', async () => {
    const { body } = await post('{ images(region: "cn-north-4", first: 300) { nodes { parentImage { parentImage { name } } } } }');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 2 + 300 * 2 });
  });

  it('reads page sizes from variables', async () => {
    const query = 'query ($n: Int) { a: images(region: "cn-north-4", first: $n) { nodes { parentImage { parentImage { name } } } } b: image(region: "cn-north-4", imageId: "x") { name } }';
    const refused = await post(query, { n: 500 });
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 2 + 500 * 2 + 1 });
    const allowed = await post(query, { n: 100 });
    expect(allowed.body.errors).toBeUndefined();
  });

  it('lets the heaviest documented query through: a page of 500 with every parent', async () => {
    const { status, body } = await post('{ images(region: "cn-north-4", first: 500) { nodes { imageId parentImage { name } } pageInfo { hasNextPage } } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('can be set lower', async () => {
    const strict = await startApi({ maxQueryCost: 5 });
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
});
