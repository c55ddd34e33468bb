import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApi } from '../helpers/api-server.js';
import { reply, stubImage, useStubUpstream } from '../helpers/stub-upstream.js';

/**
 * graphql-jit answers exactly as graphql-js does: the same requests to two servers over one
 * upstream, one executing with jit and one with graphql-js, give byte-for-byte the same HTTP
 * status and body, data and errors alike (codes, paths, messages).
 */

const EVERY_FIELD = `id imageId region name description status visibility imageType registered owner protected tags
  os { type version bit platform } support { kvm xen largeMemory diskIntensive highPerformance kvmInfiniband xenHana arm amd gpuT4 kvmGpuType xenGpuType }
  diskFormat containerFormat imageSize minDisk minRam maxRam virtualEnvType firmwareType createdAt updatedAt parentImageId
  imageSourceType backupId dataOrigin dataSource productCode rootOrigin sequenceNum checksum size virtualSize enterpriseProjectId
  file schema self vifMultiqueueEnabled lazyLoading deleted deletedAt raw`;

interface Exchange {
  status: number;
  body: string;
}

async function post(url: string, body: unknown, token: string | null = 'demo-token-alice'): Promise<Exchange> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-auth-token': token } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

describe('over the emulator', () => {
  const jit = useApi({ jit: true });
  const plain = useApi(() => ({ jit: false, endpoint: jit.emulator.url }));
  let ids: { imageId: string; id: string; cursor: string }[] = [];
  let operations = '';
  beforeAll(async () => {
    operations = await readFile(new URL('../../schema/operations.graphql', import.meta.url), 'utf8');
    const page = await jit.query<{ images: { edges: { cursor: string; node: { id: string; imageId: string } }[] } }>(
      '{ images(region: "cn-north-4", first: 3, filter: { imageType: PRIVATE }) { edges { cursor node { id imageId } } } }',
    );
    ids = page.data!.images.edges.map((edge) => ({ ...edge.node, cursor: edge.cursor }));
  });

  const cases: [string, () => unknown, (string | null)?][] = [
    ['every field of a page of 500, with cursors and pageInfo', () => ({ query: `{ images(region: "cn-north-4", first: 500) { edges { cursor node { ${EVERY_FIELD} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }` })],
    ['a backward page with parents', () => ({ query: `{ images(region: "tr-west-1", last: 30) { nodes { imageId parentImage { imageId name createdAt } } pageInfo { hasPreviousPage startCursor } } }` })],
    ['ImagesPage, with its variable default', () => ({ query: operations, operationName: 'ImagesPage' })],
    ['ImagesPage after a cursor', () => ({ query: operations, operationName: 'ImagesPage', variables: { after: ids[0]!.cursor } })],
    ['PreviousImagesPage', () => ({ query: operations, operationName: 'PreviousImagesPage', variables: { before: ids[2]!.cursor } })],
    ['UbuntuGpuImages', () => ({ query: operations, operationName: 'UbuntuGpuImages' })],
    ['MyPrivateImages', () => ({ query: operations, operationName: 'MyPrivateImages' })],
    ['ImageDetail', () => ({ query: operations, operationName: 'ImageDetail', variables: { imageId: ids[1]!.imageId } })],
    ['RefetchNode', () => ({ query: operations, operationName: 'RefetchNode', variables: { id: ids[2]!.id } })],
    ['aliases, fragments, inline fragments, __typename, @skip and @include', () => ({
      query: `query ($no: Boolean!) { a: images(region: "cn-north-4", first: 2) { __typename nodes { ...F } } b: image(region: "cn-north-4", imageId: "${ids[0]!.imageId}") { ... on Image { name @include(if: true) status @skip(if: $no) } } }
        fragment F on Image { __typename imageId os { __typename type } }`,
      variables: { no: true },
    })],
    ['an image nobody can see: null', () => ({ query: '{ image(region: "cn-north-4", imageId: "no-such-image") { name } }' })],
    ['a bad region: BAD_USER_INPUT at its field, beside good data', () => ({ query: '{ ok: images(region: "tr-west-1", first: 1) { nodes { imageId } } bad: images(region: "NOT A REGION") { nodes { imageId } } }' })],
    ['a corrupt cursor', () => ({ query: '{ images(region: "cn-north-4", after: "!!!") { nodes { imageId } } }' })],
    ['first and last together', () => ({ query: '{ images(region: "cn-north-4", first: 1, last: 1) { nodes { imageId } } }' })],
    ['a filter the upstream cannot express', () => ({ query: '{ images(region: "cn-north-4", filter: { support: { kvm: false } }) { nodes { imageId } } }' })],
    ['variables of the wrong type (HTTP 400)', () => ({ query: 'query ($n: Int, $f: ImageFilter) { images(region: "cn-north-4", first: $n, filter: $f) { nodes { imageId } } }', variables: { n: 'twenty', f: { status: 'ACTIV' } } })],
    ['a missing required variable', () => ({ query: 'query ($r: String!) { images(region: $r) { nodes { imageId } } }', variables: {} })],
    ['an unknown operation name', () => ({ query: '{ __typename }', operationName: 'Nope' })],
    ['a node id of no known type', () => ({ query: '{ node(id: "bm9wZQ") { id } }' })],
    ['introspection', () => ({ query: '{ __schema { queryType { name } types { name kind } } __type(name: "Image") { fields { name type { name kind ofType { name } } } } }' })],
    ['no token: UNAUTHENTICATED', () => ({ query: '{ images(region: "cn-north-4", first: 1) { nodes { imageId } } }' }), null],
    ['an unknown token: the upstream 401', () => ({ query: '{ images(region: "cn-north-4", first: 1) { nodes { imageId } } }' }), 'not-a-known-token'],
  ];

  it.each(cases)('%s', async (_label, body, token) => {
    const request = body();
    const [withJit, withGraphqlJs] = await Promise.all([post(jit.url, request, token), post(plain.url, request, token)]);
    // Upstream request ids differ per call; everything else is the same to the byte.
    const normalize = (exchange: Exchange): Exchange => ({ ...exchange, body: exchange.body.replace(/"requestId":"[^"]*"/g, '"requestId":"…"') });
    expect(normalize(withJit)).toEqual(normalize(withGraphqlJs));
  });
});

describe('over a stub that sends an unreadable image', () => {
  const stub = useStubUpstream(reply(200, { images: Array.from({ length: 6 }, (_, n) => stubImage(n, n === 2 ? { created_at: 'not-a-date', deleted_at: 'nope', updated_at: 7 } : {})) }));
  const jit = useApi(() => ({ jit: true, endpoint: stub.url }));
  const plain = useApi(() => ({ jit: false, endpoint: stub.url }));

  it('the same data (one null slot), and coded errors at the same paths', async () => {
    const request = { query: '{ images(region: "cn-north-4", first: 5) { edges { cursor node { name createdAt updatedAt deletedAt } } nodes { imageId deletedAt } } }' };
    const [withJit, withGraphqlJs] = await Promise.all([post(jit.url, request), post(plain.url, request)]);
    type Body = { data: { images: { edges: ({ node: unknown } | null)[] } }; errors: { path: (string | number)[]; extensions: { code: string } }[] };
    const [fast, reference] = [JSON.parse(withJit.body) as Body, JSON.parse(withGraphqlJs.body) as Body];
    expect(withJit.status).toBe(withGraphqlJs.status);
    expect(fast.data).toEqual(reference.data);
    expect(fast.data.images.edges[2]).toMatchObject({ node: null });
    // graphql-js stops at the first failing non-null field of an object it nulls; jit reports every
    // failing field of it. Each error graphql-js reports, jit reports too, with the same code.
    const errorsOf = (body: Body) => body.errors.map((error) => JSON.stringify([error.path, error.extensions.code]));
    expect(errorsOf(fast)).toEqual(expect.arrayContaining(errorsOf(reference)));
    expect(new Set(fast.errors.map((error) => error.extensions.code))).toEqual(new Set(['UPSTREAM_ERROR']));
    expect(fast.errors.map((error) => error.path)).toContainEqual(['images', 'edges', 2, 'node', 'createdAt']);
  });
});
