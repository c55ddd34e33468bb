import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { DEFAULT_QUERY_LIMITS } from '../../src/config/index.js';
import { toGlobalId } from '../../src/graphql/relay/global-id.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, useApi, type GraphQLResponse } from '../helpers/api-server.js';
import { restPage } from '../helpers/graphql-oracle.js';

/**
 * FEDERATION=true: the product as an Apollo Federation 2 subgraph. `_service { sdl }` and
 * `_entities` over real HTTP (graphql-jit, and graphql-js with introspection off as in production),
 * then composed with a second subgraph written here (it adds `Image.reviewNote`) through
 * `@apollo/gateway` with IntrospectAndCompose, and queried across both.
 */

const REGION = 'cn-north-4';
const silent = pino({ level: 'silent' });
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const api = useApi({ env: { FEDERATION: 'true' } });
/** The same product on the same emulator: graphql-js, no introspection, no suggestions (production's settings). */
let plain: App;
let images: ImageInfo[];
/** Global ids (`Image.id`) of `images`, as the API gives them. */
let ids: string[];

let reviews: { server: ApolloServer; url: string; references: string[] };
let gateway: { server: ApolloServer<{ token?: string }>; url: string };
/** The image the reviews subgraph's `featuredImage` points at (by global id only). */
let featuredId = '';

beforeAll(async () => {
  plain = await createApp({ ...api.app.config, server: { ...api.app.config.server, jit: false, introspection: false, production: true } }, { log: silent });
  images = await restPage(api, REGION, { limit: 3 });
  const page = await api.query<{ images: { nodes: { id: string; imageId: string }[] } }>(`{ images(region: "${REGION}", first: 3) { nodes { id imageId } } }`);
  expect(page.data?.images.nodes.map((n) => n.imageId)).toEqual(images.map((i) => i.id));
  ids = page.data!.images.nodes.map((n) => n.id);
  featuredId = ids[1]!;

  // A second subgraph: it knows an Image by its key only, and adds a field derived from it.
  const references: string[] = [];
  const reviewsServer = new ApolloServer({
    logger: quiet,
    schema: buildSubgraphSchema([
      {
        typeDefs: parse(`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
          type Image @key(fields: "id") { id: ID! reviewNote: String }
          type Query { featuredImage: Image }
        `),
        resolvers: {
          Query: { featuredImage: () => ({ id: featuredId }) },
          Image: {
            __resolveReference: (reference: { id: string }) => {
              references.push(reference.id);
              return { id: reference.id };
            },
            reviewNote: ({ id }: { id: string }) => `reviewed: ${id}`,
          },
        },
      },
    ]),
  });
  reviews = { server: reviewsServer, references, ...(await startStandaloneServer(reviewsServer, { listen: { port: 0, host: '127.0.0.1' } })) };

  const gatewayServer = new ApolloServer<{ token?: string }>({
    logger: quiet,
    gateway: new ApolloGateway({
      logger: quiet,
      supergraphSdl: new IntrospectAndCompose({
        subgraphs: [
          { name: 'images', url: `${api.url}/graphql` },
          { name: 'reviews', url: reviews.url },
        ],
      }),
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource<{ token?: string }>({
          url,
          willSendRequest({ request, context }) {
            if (context.token) request.http?.headers.set('x-auth-token', context.token);
          },
        }),
    }),
  });
  gateway = {
    server: gatewayServer,
    ...(await startStandaloneServer(gatewayServer, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => (typeof req.headers['x-auth-token'] === 'string' ? { token: req.headers['x-auth-token'] } : {}),
    })),
  };
});

afterAll(async () => {
  // The gateway first (ApolloServer.stop stops its ApolloGateway), then what it talks to.
  await gateway?.server.stop();
  await reviews?.server.stop();
  await plain?.close();
});

async function post<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token: string | null = ALICE.token,
): Promise<{ status: number; body: GraphQLResponse<T> & { extensions?: Record<string, unknown> } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'x-auth-token': token }) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<T> };
}

const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Image { id imageId name region } } }';
const EXECUTORS = ['graphql-jit', 'graphql-js'] as const;
const urlOf = (executor: (typeof EXECUTORS)[number]): string => `${executor === 'graphql-jit' ? api.url : plain.url}/graphql`;

describe('the subgraph', () => {
  it('serves `_service { sdl }` with the federation @link and Image keyed by id, equal to schema/subgraph.graphql, without credentials or upstream calls', async () => {
    api.emulator.clearRequests();
    const checkedIn = await readFile(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8');
    for (const executor of EXECUTORS) {
      const { status, body } = await post<{ _service: { sdl: string } }>(urlOf(executor), '{ _service { sdl } }', {}, null);
      expect(status).toBe(200);
      const sdl = body.data!._service.sdl;
      expect(sdl).toMatch(/^extend schema @link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+", import: \["@key", "@cost", "@listSize"\]\)/);
      expect(sdl).toContain('type Image implements Node @key(fields: "id") {');
      expect(sdl).toContain('union _Entity = Image');
      expect(`${sdl}\n`).toBe(checkedIn);
    }
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it('keeps `_service` answerable when introspection is off (a gateway reads the schema through it)', async () => {
    const introspection = await post(`${plain.url}/graphql`, '{ __schema { queryType { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const service = await post<{ _service: { sdl: string } }>(`${plain.url}/graphql`, '{ _service { sdl } }');
    expect(service.body.data?._service.sdl).toContain('@key(fields: "id")');
  });

  it.each(EXECUTORS)('resolves `_entities` through the by-id path of node(id) (%s): the image, null for an unknown or foreign id', async (executor) => {
    const url = urlOf(executor);
    const unknown = toGlobalId({ type: 'Image', scope: REGION, localId: 'no-such-image' });
    const foreign = toGlobalId({ type: 'Flavor', scope: REGION, localId: images[0]!.id });
    const r = [ids[0], unknown, foreign, ids[2]].map((id) => ({ __typename: 'Image', id }));
    const { status, body } = await post(url, ENTITIES, { r });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      _entities: [
        { __typename: 'Image', id: ids[0], imageId: images[0]!.id, name: images[0]!.name, region: REGION },
        null,
        null,
        { __typename: 'Image', id: ids[2], imageId: images[2]!.id, name: images[2]!.name, region: REGION },
      ],
    });
    // node(id) answers the same for the same id.
    const node = await post<{ node: { imageId: string } }>(url, 'query($id: ID!) { node(id: $id) { ... on Image { imageId } } }', { id: ids[0] });
    expect(node.body.data?.node.imageId).toBe(images[0]!.id);
  });

  it.each(EXECUTORS)('answers a bad representation with BAD_USER_INPUT at its own item, its neighbours still resolved (%s)', async (executor) => {
    const url = urlOf(executor);
    const r = [
      { __typename: 'Image', id: ids[0] },
      { __typename: 'Image', id: 'not a global id!' },
      { __typename: 'Flavor', id: ids[0] },
      { __typename: 'Image' },
      { __typename: 'Image', id: 42 },
      'Image',
    ];
    const { status, body } = await post(url, ENTITIES, { r });
    expect(status).toBe(200);
    expect((body.data?._entities as unknown[]).map((e) => (e === null ? null : 'image'))).toEqual(['image', null, null, null, null, null]);
    const errors = [...(body.errors ?? [])].sort((a, b) => (a.path![1] as number) - (b.path![1] as number));
    expect(errors.map((e) => [e.path, e.extensions?.code])).toEqual([1, 2, 3, 4, 5].map((i) => [['_entities', i], 'BAD_USER_INPUT']));
    expect(errors[0]!.message).toMatch(/Malformed global id/);
    expect(errors[1]!.message).toMatch(/"Flavor" is no entity of this subgraph/);
    expect(errors[2]!.message).toMatch(/needs its key `id`/);
  });

  it('needs the caller\'s credentials for `_entities`, as for node(id)', async () => {
    const { body } = await post(`${api.url}/graphql`, ENTITIES, { r: [{ __typename: 'Image', id: ids[0] }] }, null);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('prices `_entities` at one upstream call per representation plus its fields: 1000 are refused before any call', async () => {
    api.emulator.clearRequests();
    const many = Array.from({ length: 1000 }, (_, i) => ({ __typename: 'Image', id: toGlobalId({ type: 'Image', scope: REGION, localId: `img-${i}` }) }));
    const refused = await post(`${api.url}/graphql`, ENTITIES, { r: many });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', cost: 1000, maxCost: DEFAULT_QUERY_LIMITS.maxCost });
    expect(api.emulator.apiRequests).toHaveLength(0);

    const priced = await post(`${api.url}/graphql`, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Image { parentImage { name } } } }', {
      r: ids.map((id) => ({ __typename: 'Image', id })),
    });
    expect(priced.body.errors).toBeUndefined();
    // Each: the image (1) and its parent (1).
    expect(priced.body.extensions?.cost).toMatchObject({ estimated: 3 * 2, limit: DEFAULT_QUERY_LIMITS.maxCost });
  });
});

describe('composed with a second subgraph through @apollo/gateway (IntrospectAndCompose)', () => {
  it('answers a query that crosses both: images from this API, reviewNote from the other, keyed by Image.id', async () => {
    reviews.references.length = 0;
    const { status, body } = await post<{ images: { nodes: { id: string; imageId: string; name: string; reviewNote: string }[] } }>(
      `${gateway.url}`,
      `{ images(region: "${REGION}", first: 3) { nodes { id imageId name reviewNote } } }`,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.images.nodes).toEqual(images.map((image, i) => ({ id: ids[i], imageId: image.id, name: image.name, reviewNote: `reviewed: ${ids[i]}` })));
    // The reviews subgraph was asked by key for exactly these images.
    expect([...reviews.references].sort()).toEqual([...ids].sort());
  });

  it('resolves an Image another subgraph returns through this API\'s `_entities`', async () => {
    const { body } = await post<{ featuredImage: Record<string, unknown> }>(`${gateway.url}`, '{ featuredImage { id reviewNote imageId name os { type } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.featuredImage).toMatchObject({ id: featuredId, reviewNote: `reviewed: ${featuredId}`, imageId: images[1]!.id, name: images[1]!.name });
  });

  it('passes on this API\'s UNAUTHENTICATED when the gateway forwards no token', async () => {
    const { body } = await post(`${gateway.url}`, `{ images(region: "${REGION}", first: 3) { nodes { id name reviewNote } } }`, {}, null);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
