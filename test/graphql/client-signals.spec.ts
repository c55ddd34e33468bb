import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../src/config/index.js';
import { useApi } from '../helpers/api-server.js';

/**
 * What standard client middleware reacts to: HTTP 401 when the caller's credentials are missing or
 * refused, `Retry-After` on RATE_LIMITED, and what each response cost (`extensions.cost`).
 */

const api = useApi({ client: { maxAttempts: 1 } });
afterEach(() => {
  api.emulator.resetFaults();
});

async function post(query: string, headers: Record<string, string> = { 'x-auth-token': 'demo-token-alice' }) {
  const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { data?: unknown; errors?: { extensions: Record<string, unknown> }[]; extensions?: { cost?: { estimated: number; actual: number; limit: number } } },
  };
}

const PAGE = '{ images(region: "tr-west-1", first: 20) { nodes { imageId } } }';

describe('authentication failures are HTTP 401', () => {
  it.each([
    ['no token', {}],
    ['a token the upstream refuses', { 'x-auth-token': 'not-a-known-token' }],
  ])('%s: 401 with UNAUTHENTICATED', async (_label, headers) => {
    const { status, body } = await post(PAGE, headers);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('other errors keep their statuses: a bad region is still 200 with BAD_USER_INPUT', async () => {
    const { status, body } = await post('{ images(region: "NOT A REGION") { nodes { imageId } } }');
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('extensions.cost { estimated actual limit }', () => {
  it('on an executed response: the priced cost and the upstream calls made', async () => {
    const { body } = await post(PAGE);
    expect(body.extensions?.cost).toEqual({ estimated: 2, actual: 1, limit: DEFAULT_QUERY_LIMITS.maxCost });
    const lookups = await post('{ a: image(region: "tr-west-1", imageId: "x-1") { name } b: image(region: "tr-west-1", imageId: "x-2") { name } c: image(region: "tr-west-1", imageId: "x-1") { name } }');
    expect(lookups.body.extensions?.cost).toEqual({ estimated: 3, actual: 2, limit: DEFAULT_QUERY_LIMITS.maxCost });
  });

  it('on a response refused for its cost: estimated over the limit, nothing made', async () => {
    const { status, body } = await post('{ images(region: "cn-north-4", first: 500) { nodes { parentImage { parentImage { name } } } } }');
    expect(status).toBe(400);
    expect(body.extensions?.cost).toEqual({ estimated: 1008, actual: 0, limit: DEFAULT_QUERY_LIMITS.maxCost });
  });

  it('counts the pages of a snapshot walk the request made', async () => {
    const { body } = await post('{ images(region: "cn-north-4", first: 5) { totalCount } }', { 'x-auth-token': 'demo-token-bob' });
    const pages = (body.extensions?.cost?.actual ?? 0);
    expect(pages).toBeGreaterThanOrEqual(1);
    const again = await post('{ images(region: "cn-north-4", first: 5) { totalCount } }', { 'x-auth-token': 'demo-token-bob' });
    expect(again.body.extensions?.cost?.actual).toBe(0);
  });
});

describe('RATE_LIMITED', () => {
  it('carries Retry-After as a header too', async () => {
    api.emulator.setFaults({ throttleEvery: 0, throttleBurst: 100, retryAfterSeconds: 7 });
    const { retryAfter, body } = await post(PAGE);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 7 });
    expect(retryAfter).toBe('7');
  });
});
