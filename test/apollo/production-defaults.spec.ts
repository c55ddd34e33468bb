import { describe, expect, it } from 'vitest';
import { useApi, type ApiHarness, type GraphQLResponse } from '../helpers/api-server.js';

/**
 * Production with a real endpoint: no introspection, no "Did you mean" hints that spell out the
 * schema, no Sandbox or GraphiQL, no stack traces. Development answers the same requests with all of them, so
 * each check is shown to be able to fail.
 */

const production = useApi({ production: true });
const development = useApi();

async function post(api: ApiHarness, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; text: string; body: GraphQLResponse }> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': 'demo-token-alice' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as GraphQLResponse };
}

describe('introspection', () => {
  it.each(['{ __schema { types { name } } }', '{ __type(name: "Image") { fields { name } } }'])('is refused in production: %s', async (query) => {
    production.emulator.clearRequests();
    const { status, body } = await post(production, query);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    expect(production.emulator.apiRequests).toHaveLength(0);
    expect((await post(development, query)).status).toBe(200);
  });

  it('still answers __typename in production (clients such as Apollo Client add it)', async () => {
    const { body } = await post(production, '{ images(region: "tr-west-1", first: 1) { __typename nodes { __typename name } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ images: { __typename: 'ImageConnection' } });
  });
});

describe('field suggestions', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['a misspelled field', '{ images(region: "tr-west-1") { nodes { nmae } } }', {}],
    ['a misspelled argument', '{ images(regoin: "tr-west-1") { totalCount: __typename } }', {}],
    ['a misspelled enum literal', '{ images(region: "tr-west-1", filter: { status: ACTIV }) { __typename } }', {}],
    ['a misspelled enum in variables', 'query ($f: ImageFilter) { images(region: "tr-west-1", filter: $f) { __typename } }', { f: { status: 'ACTIV' } }],
    ['a misspelled input field in variables', 'query ($f: ImageFilter) { images(region: "tr-west-1", filter: $f) { __typename } }', { f: { stauts: 'ACTIVE' } }],
    ['a misspelled type', 'query ($f: ImageFiltr) { images(region: "tr-west-1", filter: $f) { __typename } }', {}],
  ])('are left out in production for %s', async (_what, query, variables) => {
    const dev = await post(development, query, variables);
    expect(dev.text).toContain('Did you mean');
    const prod = await post(production, query, variables);
    expect(prod.status).toBe(dev.status);
    expect(prod.body.errors?.length).toBeGreaterThan(0);
    expect(prod.text).not.toContain('Did you mean');
    // The rest of the message stays: it names what was wrong in the caller's own document.
    expect(prod.body.errors?.[0]?.message.length).toBeGreaterThan(10);
    expect(prod.body.errors?.[0]?.extensions?.code).toBe(dev.body.errors?.[0]?.extensions?.code);
  });
});

describe('landing page', () => {
  it('serves no Sandbox in production', async () => {
    const response = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
    const text = await response.text();
    expect(text).not.toMatch(/sandbox/i);
    expect(text).not.toContain('demo-token-alice');
    expect(response.headers.get('content-type')).toContain('application/json');
    const dev = await fetch(`${development.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await dev.text()).toContain('embeddable-sandbox');
  });

  it('serves no GraphiQL in production (a JSON 404 for the page and its assets)', async () => {
    for (const path of ['/graphiql', '/graphiql/graphiql.js']) {
      const response = await fetch(`${production.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('demo-token-alice');
      expect((await fetch(`${development.url}${path}`)).status).toBe(200);
    }
  });
});

describe('stack traces', () => {
  it('never reach a response, in production or development', async () => {
    for (const api of [production, development]) {
      for (const query of ['{ images(region: "tr-west-1") { nodes { nmae } } }', '{ images(region: "NOT A REGION") { __typename } }', '{', '{ node(id: "!!") { id } }']) {
        const { text } = await post(api, query);
        expect(text).not.toContain('stacktrace');
        expect(text).not.toMatch(/\bat .*\.(js|ts):\d+/);
      }
    }
  });
});
