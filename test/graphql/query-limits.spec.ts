import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../src/config/index.js';
import { startApi, useApi } from '../helpers/api-server.js';

/** Depth, aliases, directives and tokens: each refused with HTTP 400, BAD_USER_INPUT and its limit, before any upstream call. */

const api = useApi();

interface Refusal {
  status: number;
  errors: { message: string; extensions: Record<string, unknown> }[] | undefined;
  data: unknown;
}

async function post(query: string, variables: Record<string, unknown> = {}): Promise<Refusal> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': 'demo-token-alice' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: Refusal['errors'] };
  return { status: response.status, errors: body.errors, data: body.data };
}

/** `{ images(...) { nodes { parentImage { … { name } } } } }` with `parents` nested parentImage fields: depth parents + 3. */
function parentChain(parents: number): string {
  return `{ images(region: "cn-north-4", first: 1) { nodes { ${'parentImage { '.repeat(parents)}name${' }'.repeat(parents)} } } }`;
}

async function expectRefused(query: string, limit: string, max: number, found?: number): Promise<void> {
  api.emulator.clearRequests();
  const refusal = await post(query);
  expect(refusal.status).toBe(400);
  expect(refusal.data).toBeUndefined();
  expect(refusal.errors).toHaveLength(1);
  expect(refusal.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit, max });
  expect(refusal.errors?.[0]?.message).toContain(`${limit}=${max}`);
  if (found !== undefined) expect(refusal.errors?.[0]?.message).toContain(`found ${found}`);
  expect(api.emulator.apiRequests).toHaveLength(0);
}

describe('query depth (MAX_QUERY_DEPTH)', () => {
  it('refuses a 30-deep parentImage chain before any upstream call', async () => {
    await expectRefused(parentChain(30), 'MAX_QUERY_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, 33);
  });

  it('allows the limit itself and refuses one more', async () => {
    const atLimit = await post(parentChain(DEFAULT_QUERY_LIMITS.maxDepth - 3));
    expect(atLimit.status).toBe(200);
    expect(atLimit.errors).toBeUndefined();
    await expectRefused(parentChain(DEFAULT_QUERY_LIMITS.maxDepth - 2), 'MAX_QUERY_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, DEFAULT_QUERY_LIMITS.maxDepth + 1);
  });

  it('follows fragments (they add no level of their own) and cannot be hidden in one', async () => {
    const fragments = Array.from({ length: 14 }, (_, i) => `fragment F${i} on Image { parentImage { ...F${i + 1} } }`).join('\n');
    await expectRefused(`{ images(region: "cn-north-4") { nodes { ...F0 } } }\n${fragments}\nfragment F14 on Image { name }`, 'MAX_QUERY_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth);
  });

  it('does not count introspection, so Sandbox and code generators can read the schema', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const result = await post(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
  });
});

describe('aliases (MAX_QUERY_ALIASES)', () => {
  it('refuses the alias bomb of 300 aliased images(first: 500) listings', async () => {
    const aliases = Array.from({ length: 300 }, (_, i) => `p${i}: images(region: "cn-north-4", first: 500) { nodes { imageId } }`).join(' ');
    api.emulator.clearRequests();
    const refusal = await post(`{ ${aliases} }`);
    expect(refusal.status).toBe(400);
    // The document is also over the token limit, which the parser meets first.
    expect(refusal.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'MAX_QUERY_TOKENS' });
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it(`allows ${DEFAULT_QUERY_LIMITS.maxAliases} aliases and refuses one more`, async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: image(region: "cn-north-4", imageId: "00000000-0000-0000-0000-00000000000${i % 10}") { name }`).join(' ')} }`;
    const atLimit = await post(aliased(DEFAULT_QUERY_LIMITS.maxAliases));
    expect(atLimit.status).toBe(200);
    await expectRefused(aliased(DEFAULT_QUERY_LIMITS.maxAliases + 1), 'MAX_QUERY_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases, DEFAULT_QUERY_LIMITS.maxAliases + 1);
  });
});

describe('directives (MAX_QUERY_DIRECTIVES)', () => {
  it('refuses more directives than the limit', async () => {
    const many = ' __typename @include(if: true)'.repeat(DEFAULT_QUERY_LIMITS.maxDirectives + 1);
    await expectRefused(`{ images(region: "cn-north-4", first: 1) { nodes { ${many} } } }`, 'MAX_QUERY_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives, DEFAULT_QUERY_LIMITS.maxDirectives + 1);
  });
});

describe('tokens (MAX_QUERY_TOKENS)', () => {
  it('refuses a document with more tokens than the limit, before parsing it whole', async () => {
    const fields = 'name '.repeat(DEFAULT_QUERY_LIMITS.maxTokens);
    await expectRefused(`{ images(region: "cn-north-4", first: 1) { nodes { ${fields} } } }`, 'MAX_QUERY_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens);
  });

  it('lets the example operations through (Sandbox sends the whole document)', async () => {
    const { readFile } = await import('node:fs/promises');
    const document = await readFile(new URL('../../schema/operations.graphql', import.meta.url), 'utf8');
    const result = await post(document);
    // Several operations and no operationName: a request error, but not a limit's.
    expect(result.errors?.[0]?.extensions.code).not.toBe('BAD_USER_INPUT');
    for (const [operationName, variables] of [
      ['ImagesPage', {}],
      ['ImagePicker', { search: 'ubuntu', architecture: 'X86' }],
    ] as const) {
      const named = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': 'demo-token-alice' },
        body: JSON.stringify({ query: document, operationName, variables }),
      });
      expect(named.status).toBe(200);
      const body = (await named.json()) as { errors?: unknown; data?: { images?: { totalCount: number } } };
      expect(body.errors).toBeUndefined();
      if (operationName === 'ImagePicker') expect(body.data?.images?.totalCount).toBeGreaterThan(0);
    }
  });
});

describe('limits are configurable', () => {
  it('honours lower limits', async () => {
    const strict = await startApi({ limits: { maxDepth: 3, maxAliases: 1, maxDirectives: 0, maxTokens: 20 } });
    try {
      const depth = await strict.query('{ images(region: "cn-north-4", first: 1) { nodes { os { type } } } }');
      expect(depth.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'MAX_QUERY_DEPTH', max: 3 });
      const aliases = await strict.query('{ a: images(region: "x-y") { b: nodes { name } } }');
      expect(aliases.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'MAX_QUERY_ALIASES', max: 1 });
      const directives = await strict.query('{ images(region: "cn-north-4") @skip(if: true) { __typename } }');
      expect(directives.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'MAX_QUERY_DIRECTIVES', max: 0 });
      const tokens = await strict.query(`{ ${'__typename '.repeat(21)}}`);
      expect(tokens.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', limit: 'MAX_QUERY_TOKENS', max: 20 });
      expect(strict.emulator.apiRequests).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });
});
