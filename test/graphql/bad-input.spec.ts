import { beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graphql/relay/global-id.js';
import { ALICE, useApi, type GraphQLResponse } from '../helpers/api-server.js';
import { dataOf, gqlPage, onlyError, type ListArgs } from '../helpers/graphql-oracle.js';

/**
 * Input the API must refuse, each with its `extensions.code` and, where the refusal needs no
 * upstream answer, without any upstream call.
 */

const REGION = 'tr-west-1';

const api = useApi();

const LIST = `query List($region: String!, $filter: ImageFilter, $sort: ImageSort, $first: Int, $after: String, $last: Int, $before: String) {
  images(region: $region, filter: $filter, sort: $sort, first: $first, after: $after, last: $last, before: $before) {
    nodes { imageId } pageInfo { hasNextPage hasPreviousPage }
  }
}`;

/** Runs one operation with an empty request log and expects exactly one error with `code`, no upstream call. */
async function refused(query: string, variables: Record<string, unknown>, code: string, token: string | null = ALICE.token): Promise<GraphQLResponse<unknown>['errors'] & object> {
  api.emulator.clearRequests();
  const result = await api.query<unknown>(query, variables, token);
  const error = onlyError(result);
  expect(error.extensions?.code, error.message).toBe(code);
  expect(api.emulator.requests, 'no upstream call').toEqual([]);
  if (token) expect(JSON.stringify(result)).not.toContain(token);
  return result.errors!;
}

/** A request GraphQL refuses before execution (validation, variable coercion): HTTP 400, no `data`, one error with `code`, no upstream call. */
async function refusedBeforeExecution(query: string, variables: Record<string, unknown>, code: string): Promise<NonNullable<GraphQLResponse['errors']>[number]> {
  api.emulator.clearRequests();
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse;
  expect(response.status, JSON.stringify(body)).toBe(400);
  expect(body.data).toBeUndefined();
  const error = onlyError(body);
  expect(error.extensions?.code, error.message).toBe(code);
  expect(api.emulator.requests, 'no upstream call').toEqual([]);
  return error;
}

function refusedList(args: ListArgs, code = 'BAD_USER_INPUT'): ReturnType<typeof refused> {
  return refused(LIST, { ...args }, code);
}

describe('credentials', () => {
  it.each([
    ['images', `{ images(region: "${REGION}", first: 1) { nodes { imageId } } }`],
    ['image', `{ image(region: "${REGION}", imageId: "11111111-2222-4333-8444-555555555555") { imageId } }`],
    ['node', `{ node(id: "${toGlobalId({ type: 'Image', scope: REGION, localId: '11111111-2222-4333-8444-555555555555' })}") { id } }`],
  ])('no token: %s is UNAUTHENTICATED before any upstream call', async (_name, query) => {
    const [error] = await refused(query, {}, 'UNAUTHENTICATED', null);
    expect(error!.message).toMatch(/X-Auth-Token/);
  });

  it('a malformed token is refused with HTTP 401, and not echoed', async () => {
    for (const token of ['has spaces inside', 'tab\there', 'l\u00e4tin-1']) {
      api.emulator.clearRequests();
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': token },
        body: JSON.stringify({ query: `{ images(region: "${REGION}") { nodes { imageId } } }` }),
      });
      const text = await response.text();
      expect(response.status).toBe(401);
      const body = JSON.parse(text) as GraphQLResponse;
      expect(onlyError(body).extensions?.code).toBe('UNAUTHENTICATED');
      expect(text).not.toContain(token);
      expect(api.emulator.requests).toEqual([]);
    }
  });
});

describe('region', () => {
  const BAD_REGIONS: [string, string][] = [
    ['a relative path', '../x'],
    ['a path that climbs out', 'cn-north-4/../../v2'],
    ['300 characters', `cn-${'a'.repeat(297)}`],
    ['65 characters, one over the limit', `cn-${'a'.repeat(62)}`],
    ['empty', ''],
    ['upper case', 'CN-NORTH-4'],
    ['a query string', 'cn-north-4?limit=1'],
    ['an encoded slash', 'cn%2Fnorth-4'],
    ['a trailing newline', 'cn-north-4\n'],
    ['a host', 'evil.example.com'],
  ];

  it.each(BAD_REGIONS)('images: %s → BAD_USER_INPUT, no upstream call', async (_label, region) => {
    const [error] = await refusedList({ region, first: 1 });
    expect(error!.path).toEqual(['images']);
  });

  it.each(BAD_REGIONS)('image: %s → BAD_USER_INPUT, no upstream call', async (_label, region) => {
    await refused('query($region: String!) { image(region: $region, imageId: "11111111-2222-4333-8444-555555555555") { imageId } }', { region }, 'BAD_USER_INPUT');
  });

  it.each(BAD_REGIONS.filter(([, region]) => region !== ''))('node: a well-formed global id carrying %s → BAD_USER_INPUT, no upstream call', async (_label, region) => {
    await refused('query($id: ID!) { node(id: $id) { id } }', { id: toGlobalId({ type: 'Image', scope: region, localId: 'abc' }) }, 'BAD_USER_INPUT');
  });

  it('a region of exactly 64 characters passes validation and reaches the upstream', async () => {
    const region = `cn-${'a'.repeat(61)}`;
    api.emulator.clearRequests();
    const result = await api.query(LIST, { region, first: 1 });
    expect(result.errors?.[0]?.extensions?.upstream).toMatchObject({ status: 400, code: 'IEC.000030' });
    expect(api.emulator.apiRequests.map((r) => r.region)).toEqual([region]);
  });
});

describe('page arguments', () => {
  it.each([
    ['first: -1', { first: -1 }],
    ['first: 501', { first: 501 }],
    ['last: -1', { last: -1 }],
    ['last: 501', { last: 501 }],
    ['first: 2147483647', { first: 2_147_483_647 }],
  ])('%s → BAD_USER_INPUT', async (_label, args) => {
    await refusedList({ region: REGION, ...args });
  });

  it('first and last together → BAD_USER_INPUT', async () => {
    await refusedList({ region: REGION, first: 5, last: 5 });
  });

  it('after and before together → BAD_USER_INPUT, also with valid cursors', async () => {
    const page = await gqlPage(api, { region: REGION, first: 3 });
    await refusedList({ region: REGION, after: page.cursors[0]!, before: page.cursors[2]! });
    await refusedList({ region: REGION, first: 1, after: page.cursors[0]!, before: page.cursors[2]! });
  });

  it('first with before, last with after → BAD_USER_INPUT', async () => {
    const page = await gqlPage(api, { region: REGION, first: 3 });
    await refusedList({ region: REGION, first: 2, before: page.cursors[2]! });
    await refusedList({ region: REGION, last: 2, after: page.cursors[0]! });
  });
});

describe('cursors', () => {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

  it.each([
    ['plain text', 'not-a-cursor'],
    ['characters outside base64url', 'abc+/=='],
    ['empty', ''],
    ['base64 of text', b64('hello world')],
    ['base64 of a JSON array', b64('[1,2,3]')],
    ['wrong version', b64('{"v":2,"m":"x","b":"y"}')],
    ['empty marker', b64('{"v":1,"m":"","b":"y"}')],
    ['a made-up binding', b64('{"v":1,"m":"88c94921-67ce-45d0-b854-0832909e6701","b":"AAAAAAAAAAAAAAAA"}')],
    ['5000 characters', 'A'.repeat(5000)],
  ])('a corrupt cursor (%s) → BAD_USER_INPUT, as `after` and as `before`', async (_label, cursor) => {
    await refusedList({ region: REGION, first: 5, after: cursor });
    await refusedList({ region: REGION, last: 5, before: cursor });
  });

  it('a real cursor with one character changed → BAD_USER_INPUT', async () => {
    const cursor = (await gqlPage(api, { region: REGION, first: 1 })).cursors[0]!;
    const i = Math.floor(cursor.length / 2);
    const tampered = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
    await refusedList({ region: REGION, first: 5, after: tampered });
  });

  describe('a cursor replayed with other arguments', () => {
    let cursor: string;
    beforeAll(async () => {
      cursor = (await gqlPage(api, { region: REGION, filter: { osType: 'LINUX' }, sort: { key: 'NAME', direction: 'ASC' }, first: 2 })).pageInfo.endCursor!;
    });

    it('works with the arguments it came from (control)', async () => {
      const page = await gqlPage(api, { region: REGION, filter: { osType: 'LINUX' }, sort: { key: 'NAME', direction: 'ASC' }, first: 2, after: cursor });
      expect(page.ids).toHaveLength(2);
    });

    it.each([
      ['another region', { region: 'cn-north-4', filter: { osType: 'LINUX' }, sort: { key: 'NAME', direction: 'ASC' } }],
      ['another filter value', { region: REGION, filter: { osType: 'WINDOWS' }, sort: { key: 'NAME', direction: 'ASC' } }],
      ['an extra filter', { region: REGION, filter: { osType: 'LINUX', status: 'ACTIVE' }, sort: { key: 'NAME', direction: 'ASC' } }],
      ['no filter', { region: REGION, sort: { key: 'NAME', direction: 'ASC' } }],
      ['another sort key', { region: REGION, filter: { osType: 'LINUX' }, sort: { key: 'STATUS', direction: 'ASC' } }],
      ['another sort direction', { region: REGION, filter: { osType: 'LINUX' }, sort: { key: 'NAME', direction: 'DESC' } }],
      ['the default sort', { region: REGION, filter: { osType: 'LINUX' } }],
    ] as [string, Omit<ListArgs, 'first'>][])('%s → BAD_USER_INPUT, no upstream call', async (_label, args) => {
      await refusedList({ ...args, first: 2, after: cursor });
      await refusedList({ ...args, last: 2, before: cursor });
    });
  });
});

describe('filters the upstream cannot express', () => {
  it.each(['kvm', 'xen', 'largeMemory', 'diskIntensive', 'highPerformance', 'kvmInfiniband', 'xenHana'])('support: { %s: false } → BAD_USER_INPUT', async (flag) => {
    const [error] = await refusedList({ region: REGION, filter: { support: { [flag]: false } } });
    expect(error!.message).toContain(flag);
  });

  // The filter's input enums leave out UNKNOWN and the values the upstream refuses: GraphQL itself
  // refuses them (and generated clients do not compile with them).
  const VALUES_NO_FILTER_ENUM_HAS: [field: string, value: string][] = [
    ['imageType', 'UNKNOWN'],
    ['osType', 'UNKNOWN'],
    ['status', 'UNKNOWN'],
    ['virtualEnvType', 'UNKNOWN'],
    ['visibility', 'UNKNOWN'],
    ['imageType', 'SHARED'],
    ['imageType', 'MARKET'],
    ['visibility', 'SHARED'],
    ['virtualEnvType', 'IRONIC'],
    ['virtualEnvType', 'DATA_IMAGE'],
    ['virtualEnvType', 'ISO_IMAGE'],
  ];

  it.each(VALUES_NO_FILTER_ENUM_HAS)('%s: %s as a literal → GRAPHQL_VALIDATION_FAILED (HTTP 400), no upstream call', async (field, value) => {
    const error = await refusedBeforeExecution(`{ images(region: "${REGION}", filter: { ${field}: ${value} }) { nodes { imageId } } }`, {}, 'GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toContain(value);
  });

  it.each(VALUES_NO_FILTER_ENUM_HAS)('%s: %s in a variable → BAD_USER_INPUT (HTTP 400), no upstream call', async (field, value) => {
    const error = await refusedBeforeExecution(LIST, { region: REGION, filter: { [field]: value } }, 'BAD_USER_INPUT');
    expect(error.message).toContain(`filter.${field}`);
  });

  it.each([
    ['imageType', 'ImageType', 'GOLD'],
    ['osType', 'OsType', 'LINUX'],
    ['status', 'ImageStatus', 'ACTIVE'],
    ['virtualEnvType', 'VirtualEnvType', 'FUSION_COMPUTE'],
    ['visibility', 'ImageVisibility', 'PUBLIC'],
  ])('a variable of the output enum does not fit %s (it takes %sFilter), whatever its value', async (field, outputEnum, value) => {
    const query = `query($v: ${outputEnum}) { images(region: "${REGION}", filter: { ${field}: $v }) { nodes { imageId } } }`;
    await refusedBeforeExecution(query, { v: value }, 'GRAPHQL_VALIDATION_FAILED');
    const filterEnum = `${outputEnum}Filter`;
    api.emulator.clearRequests();
    dataOf(await api.query(query.replace(`$v: ${outputEnum}`, `$v: ${filterEnum}`), { v: value }));
    expect(api.emulator.apiRequests).toHaveLength(1);
  });

  it.each([true, false])('registered: %s with imageType GOLD → BAD_USER_INPUT', async (registered) => {
    await refusedList({ region: REGION, filter: { imageType: 'GOLD', registered } });
  });

  it.each([
    ['name', { name: '' }],
    ['owner', { owner: '' }],
    ['imageId', { imageId: '' }],
    ['support.kvmGpuType', { support: { kvmGpuType: '' } }],
    ['support.xenGpuType', { support: { xenGpuType: '' } }],
    ['name (256 characters)', { name: 'n'.repeat(256) }],
  ])('empty or overlong text in %s → BAD_USER_INPUT', async (_label, filter) => {
    await refusedList({ region: REGION, filter });
  });

  it('an enum value the schema does not have fails validation, before any upstream call', async () => {
    await refused(`{ images(region: "${REGION}", filter: { status: PENDING }) { nodes { imageId } } }`, {}, 'GRAPHQL_VALIDATION_FAILED');
    await refused(LIST, { region: REGION, filter: { status: 'PENDING' } }, 'BAD_USER_INPUT');
  });
});

describe('ids', () => {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  /** The same bytes, spelled with the unused low bits of the last base64url character set. */
  const nonCanonical = (id: string): string => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const spelled = id.slice(0, -1) + alphabet[alphabet.indexOf(id.at(-1)!) ^ 1]!;
    expect(Buffer.from(spelled, 'base64url').equals(Buffer.from(id, 'base64url'))).toBe(true);
    expect(spelled).not.toBe(id);
    return spelled;
  };

  it.each([
    ['not base64url', 'not a global id!'],
    ['empty', ''],
    ['base64 without type and scope', b64('just-an-id')],
    ['no local id', b64('Image:cn-north-4')],
    ['empty local id', b64('Image:cn-north-4:')],
    ['padded base64', `${b64('Image:cn-north-4:abc')}=`],
    ['standard base64 alphabet', Buffer.from('Image:cn-north-4:a?>?b', 'utf8').toString('base64')],
    ['3000 characters', 'A'.repeat(3000)],
    ['a non-canonical spelling of a real id (unused low bits set)', nonCanonical(toGlobalId({ type: 'Image', scope: REGION, localId: 'abc' }))],
  ])('node(id) with a malformed global id (%s) → BAD_USER_INPUT', async (_label, id) => {
    await refused('query($id: ID!) { node(id: $id) { id } }', { id }, 'BAD_USER_INPUT');
  });

  it('node(id) of a type this API does not have is null, without an upstream call', async () => {
    api.emulator.clearRequests();
    const data = dataOf(await api.query<{ node: unknown }>('query($id: ID!) { node(id: $id) { id } }', { id: toGlobalId({ type: 'User', scope: REGION, localId: 'abc' }) }));
    expect(data.node).toBeNull();
    expect(api.emulator.requests).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'i'.repeat(256)],
  ])('image(imageId) %s → BAD_USER_INPUT', async (_label, imageId) => {
    await refused('query($id: String!) { image(region: "tr-west-1", imageId: $id) { imageId } }', { id: imageId }, 'BAD_USER_INPUT');
  });
});

describe('HTTP', () => {
  it('GET /healthz answers 200', async () => {
    const response = await fetch(`${api.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('a body that is not JSON → 400 with a GraphQL-shaped error and no stack trace', async () => {
    const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token }, body: '{"query": ' });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toMatch(/stack|\bat [^\s]+ \(|node_modules/i);
    expect(onlyError(JSON.parse(text) as GraphQLResponse).extensions?.code).toBe('BAD_REQUEST');
  });

  it('a syntax error in the operation → GRAPHQL_PARSE_FAILED, no stack trace, no upstream call', async () => {
    await refused('{ images(region: ', {}, 'GRAPHQL_PARSE_FAILED');
  });
});
