import type { GraphQLRequestContext, GraphQLRequestContextDidResolveOperation, GraphQLRequestContextWillSendResponse, GraphQLRequestListener, GraphQLResponse } from '@apollo/server';
import { getOperationAST, GraphQLError, parse, type DocumentNode, type GraphQLField, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryCost } from '../../src/apollo/query-cost.js';
import type { Context } from '../../src/graphql/context.js';
import { createSchema } from '../../src/schema.js';

/**
 * The query cost plugin (src/apollo/query-cost.ts) as a unit: its hooks called directly, as Apollo
 * calls them, with the real schema (createSchema) and parsed documents; no HTTP, no upstream. The
 * price shows in `extensions.cost.estimated`, a refusal as the error didResolveOperation throws.
 */

/** Snapshot pages at the default SNAPSHOT_MAX_IMAGES of 20000: 20000 / 500 + 1. */
const SNAPSHOT_PAGES = 41;
const NO_LIMIT = 1_000_000;

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

interface Outcome {
  /** What didResolveOperation threw, if anything. */
  refusal: GraphQLError | undefined;
  /** The response's top-level extensions after willSendResponse. */
  extensions: Record<string, unknown> | undefined;
}

interface RunOptions {
  variables?: Record<string, unknown>;
  operationName?: string;
  /** The upstream calls the request's catalog reports. */
  upstreamCalls?: number;
  /** Another schema than the shared one (a counting one). */
  schema?: GraphQLSchema;
}

type Plugin = ReturnType<typeof queryCost>;

/** One request through the plugin's hooks: requestDidStart, didResolveOperation, willSendResponse. */
async function run(plugin: Plugin, query: string | DocumentNode, { variables = {}, operationName, upstreamCalls = 0, schema: own }: RunOptions = {}): Promise<Outcome> {
  const document = typeof query === 'string' ? parse(query) : query;
  const operation = getOperationAST(document, operationName) ?? undefined;
  const listener = (await plugin.requestDidStart!({} as GraphQLRequestContext<Context>)) as GraphQLRequestListener<Context>;
  let refusal: GraphQLError | undefined;
  try {
    const resolved = { request: { variables, operationName }, document, schema: own ?? schema, operation, operationName: operationName ?? null };
    await listener.didResolveOperation!(resolved as unknown as GraphQLRequestContextDidResolveOperation<Context>);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    refusal = error;
  }
  const response = { body: { kind: 'single', singleResult: { data: null } } } as unknown as GraphQLResponse;
  const contextValue = { images: { upstreamCalls } } as unknown as Context;
  await listener.willSendResponse!({ response, contextValue } as unknown as GraphQLRequestContextWillSendResponse<Context>);
  return { refusal, extensions: response.body.kind === 'single' ? response.body.singleResult.extensions : undefined };
}

/** The estimated cost of a query under no limit (undefined when it was not priced). */
async function costOf(query: string | DocumentNode, options: RunOptions = {}, plugin: Plugin = queryCost(NO_LIMIT, SNAPSHOT_PAGES)): Promise<number | undefined> {
  const { extensions, refusal } = await run(plugin, query, options);
  expect(refusal).toBeUndefined();
  return (extensions?.cost as { estimated: number } | undefined)?.estimated;
}

/** A schema of its own whose `images` pricing counts how often it runs (each pricing of a document with one listing runs it once). */
async function countingSchema(): Promise<{ schema: GraphQLSchema; pricings: () => number }> {
  const counted = await createSchema();
  const field = counted.getQueryType()!.getFields().images as GraphQLField<unknown, unknown>;
  const complexity = field.extensions.complexity as (options: unknown) => number;
  let runs = 0;
  Object.assign(field, {
    extensions: {
      ...field.extensions,
      complexity: (options: unknown) => {
        runs++;
        return complexity(options);
      },
    },
  });
  return { schema: counted, pricings: () => runs };
}

const R = 'region: "cn-north-4"';

describe('pricing', () => {
  it('a listing: its call, 1 plus 1 per started 100 rows (the extra row included), and a probe of 2 at 500', async () => {
    const costs: Record<number, number | undefined> = {};
    for (const n of [0, 20, 99, 100, 499, 500]) costs[n] = await costOf(`{ images(${R}, first: ${n}) { nodes { imageId } } }`);
    expect(costs).toEqual({ 0: 2, 20: 2, 99: 2, 100: 3, 499: 6, 500: 8 });
    expect(await costOf(`{ images(${R}, last: 500) { nodes { imageId } } }`)).toBe(8);
    expect(await costOf(`{ images(${R}) { nodes { imageId } pageInfo { hasNextPage } } }`)).toBe(2);
  });

  it('parentImage: 1 plus its fields, for every row of the page; nested parents add up', async () => {
    expect(await costOf(`{ images(${R}, first: 4) { nodes { parentImage { name } } } }`)).toBe(2 + 4);
    expect(await costOf(`{ images(${R}, first: 300) { nodes { parentImage { parentImage { name } } } } }`)).toBe(5 + 300 * 2);
    expect(await costOf(`{ images(${R}, first: 500) { edges { node { parentImage { name } } } } }`)).toBe(8 + 500);
  });

  it('image and node: 1 plus their fields; regions and plain fields nothing', async () => {
    expect(await costOf(`{ image(${R}, imageId: "x") { name } }`)).toBe(1);
    expect(await costOf(`{ image(${R}, imageId: "x") { parentImage { parentImage { name } } } }`)).toBe(3);
    expect(await costOf('{ node(id: "x") { id } }')).toBe(1);
    expect(await costOf('{ node(id: "x") { ... on Image { parentImage { name } } } }')).toBe(2);
    expect(await costOf('{ regions }')).toBe(0);
    expect(await costOf(`{ a: image(${R}, imageId: "a") { name } b: image(${R}, imageId: "b") { name } regions }`)).toBe(2);
  });

  it('a snapshot read adds its pages: a derived filter, totalCount (directly, inline, in a named fragment), imageFacets, latestImage', async () => {
    const queries = [
      `{ images(${R}, first: 20) { nodes { imageId } } }`,
      `{ images(${R}, first: 20, filter: { nameContains: "ubuntu" }) { nodes { imageId } } }`,
      `{ images(${R}, first: 20, filter: { hasGpu: false }) { nodes { imageId } } }`,
      `{ images(${R}, first: 20) { totalCount } }`,
      `{ images(${R}, first: 20) { ... on ImageConnection { totalCount } } }`,
      `{ images(${R}, first: 20) { ...Count } } fragment Count on ImageConnection { totalCount }`,
      `{ images(${R}, first: 20) { ...Outer } } fragment Outer on ImageConnection { ...Count } fragment Count on ImageConnection { totalCount }`,
      `{ imageFacets(${R}) { osType { value count } } }`,
      `{ latestImage(${R}) { name } }`,
      `{ latestImage(${R}) { parentImage { name } } }`,
    ];
    const costs = async (pages: number): Promise<(number | undefined)[]> => Promise.all(queries.map((query) => costOf(query, {}, queryCost(NO_LIMIT, pages))));
    expect(await costs(SNAPSHOT_PAGES)).toEqual([2, 43, 43, 43, 43, 43, 43, 41, 41, 42]);
    expect(await costs(3)).toEqual([2, 5, 5, 5, 5, 5, 5, 3, 3, 4]);
  });

  it('each field that may read a snapshot pays for it: two counted listings, two reads', async () => {
    expect(await costOf(`{ a: images(${R}, first: 20) { totalCount } b: images(${R}, first: 20) { totalCount } }`)).toBe(2 * 43);
  });

  it('a derived filter in a variable is priced as one, and one of nulls is not', async () => {
    const query = `query ($filter: ImageFilter) { images(${R}, first: 20, filter: $filter) { nodes { imageId } } }`;
    expect(await costOf(query, { variables: { filter: { nameContains: 'x' } } })).toBe(43);
    expect(await costOf(query, { variables: { filter: { createdAfter: '2024-01-01T00:00:00Z' } } })).toBe(43);
    expect(await costOf(query, { variables: { filter: { name: 'x' } } })).toBe(2);
    expect(await costOf(query, { variables: { filter: { nameContains: null, platform: null } } })).toBe(2);
    expect(await costOf(query, { variables: {} })).toBe(2);
  });

  it('page sizes come from variables; a default applies only when the variable is left out', async () => {
    const query = `query Q($first: Int = 500) { images(${R}, first: $first) { nodes { parentImage { name } } } }`;
    expect(await costOf(query, { variables: { first: 100 } })).toBe(3 + 100);
    expect(await costOf(query, { variables: {} })).toBe(8 + 500);
    expect(await costOf(query, { variables: { first: null } })).toBe(2 + 20);
  });
});

describe('the cache of costs', () => {
  const QUERY = `query Q($n: Int) { images(${R}, first: $n) { nodes { imageId } } }`;

  it('prices a document once per operation and declared variables; other variables do not matter', async () => {
    const { schema: counted, pricings } = await countingSchema();
    const plugin = queryCost(NO_LIMIT, SNAPSHOT_PAGES);
    const document = parse(QUERY);
    expect(await costOf(document, { schema: counted, variables: { n: 500 } }, plugin)).toBe(8);
    expect(await costOf(document, { schema: counted, variables: { n: 500 } }, plugin)).toBe(8);
    expect(await costOf(document, { schema: counted, variables: { n: 500, undeclared: 'anything', other: [1, 2] } }, plugin)).toBe(8);
    expect(pricings()).toBe(1);
    expect(await costOf(document, { schema: counted, variables: { n: 20 } }, plugin)).toBe(2);
    expect(pricings()).toBe(2);
    // The same text parsed again is another document (Apollo hands back its cached one for the same text).
    expect(await costOf(parse(QUERY), { schema: counted, variables: { n: 500 } }, plugin)).toBe(8);
    expect(pricings()).toBe(3);
  });

  it('prices each operation of a document apart', async () => {
    const plugin = queryCost(NO_LIMIT, SNAPSHOT_PAGES);
    const document = parse(`query Big { images(${R}, first: 500) { nodes { imageId } } } query Small { images(${R}, first: 1) { nodes { imageId } } }`);
    expect(await costOf(document, { operationName: 'Big' }, plugin)).toBe(8);
    expect(await costOf(document, { operationName: 'Small' }, plugin)).toBe(2);
    expect(await costOf(document, { operationName: 'Big' }, plugin)).toBe(8);
  });

  it('tells a variable sent as null from one left out at its default, whichever is priced first', async () => {
    const query = `query Q($first: Int = 500) { images(${R}, first: $first) { nodes { parentImage { parentImage { imageId } } } } }`;
    const nullFirst = queryCost(NO_LIMIT, SNAPSHOT_PAGES);
    const document = parse(query);
    expect(await costOf(document, { variables: { first: null } }, nullFirst)).toBe(2 + 20 * 2);
    expect(await costOf(document, { variables: {} }, nullFirst)).toBe(8 + 500 * 2);
    const leftOutFirst = queryCost(NO_LIMIT, SNAPSHOT_PAGES);
    const again = parse(query);
    expect(await costOf(again, { variables: {} }, leftOutFirst)).toBe(8 + 500 * 2);
    expect(await costOf(again, { variables: { first: null } }, leftOutFirst)).toBe(2 + 20 * 2);
  });

  it.each(['toString', 'constructor', 'valueOf', 'hasOwnProperty'])('tells null from left out for a variable named %s too (a name every object inherits)', async (name) => {
    const query = `query Q($${name}: Int = 500) { images(${R}, first: $${name}) { nodes { parentImage { parentImage { imageId } } } } }`;
    const plugin = queryCost(NO_LIMIT, SNAPSHOT_PAGES);
    const document = parse(query);
    // Variables arrive as JSON.parse makes them: plain objects, Object.prototype and all.
    expect(await costOf(document, { variables: JSON.parse(`{"${name}": null}`) as Record<string, unknown> }, plugin)).toBe(2 + 20 * 2);
    expect(await costOf(document, { variables: JSON.parse('{}') as Record<string, unknown> }, plugin)).toBe(8 + 500 * 2);
  });

  it('hashes long keys rather than cutting them: variables alike in their first 300 characters are priced apart, and the same ones once', async () => {
    const { schema: counted, pricings } = await countingSchema();
    const plugin = queryCost(NO_LIMIT, SNAPSHOT_PAGES);
    const document = parse(`query Q($pad: String, $n: Int) { images(${R}, first: $n, filter: { name: $pad }) { nodes { imageId } } }`);
    const pad = 'x'.repeat(300);
    expect(await costOf(document, { schema: counted, variables: { pad, n: 500 } }, plugin)).toBe(8);
    expect(await costOf(document, { schema: counted, variables: { pad, n: 20 } }, plugin)).toBe(2);
    expect(await costOf(document, { schema: counted, variables: { pad, n: 500 } }, plugin)).toBe(8);
    expect(pricings()).toBe(2);
  });

  it('keeps 64 variable sets per document, dropping the oldest first', async () => {
    const { schema: counted, pricings } = await countingSchema();
    const plugin = queryCost(NO_LIMIT, SNAPSHOT_PAGES);
    const document = parse(QUERY);
    for (let n = 0; n <= 64; n++) await costOf(document, { schema: counted, variables: { n } }, plugin);
    expect(pricings()).toBe(65);
    // The newest and the second oldest are kept, the oldest is priced again.
    await costOf(document, { schema: counted, variables: { n: 64 } }, plugin);
    await costOf(document, { schema: counted, variables: { n: 1 } }, plugin);
    expect(pricings()).toBe(65);
    await costOf(document, { schema: counted, variables: { n: 0 } }, plugin);
    expect(pricings()).toBe(66);
  });
});

describe('refusal', () => {
  it('over the limit: BAD_USER_INPUT with the cost and the limit, HTTP 400, and the cost reported with nothing spent', async () => {
    const { refusal, extensions } = await run(queryCost(5, SNAPSHOT_PAGES), `{ images(${R}, first: 4) { nodes { parentImage { name } } } }`);
    expect(refusal).toBeInstanceOf(GraphQLError);
    expect(refusal!.message).toBe(
      'This operation could make up to 6 calls to the image service; the limit is 5. Ask for fewer or smaller pages, or fewer parentImage/image/node fields.',
    );
    expect(refusal!.extensions).toEqual({ code: 'BAD_USER_INPUT', cost: 6, maxCost: 5, http: { status: 400 } });
    expect(extensions).toEqual({ cost: { estimated: 6, actual: 0, limit: 5 } });
  });

  it('at the limit: let through', async () => {
    const { refusal, extensions } = await run(queryCost(5, SNAPSHOT_PAGES), `{ images(${R}, first: 3) { nodes { parentImage { name } } } }`);
    expect(refusal).toBeUndefined();
    expect(extensions).toEqual({ cost: { estimated: 5, actual: 0, limit: 5 } });
  });

  it('refuses a document too large to price (a fragment spread twice at each of 14 levels) rather than letting it run unpriced', async () => {
    const levels = 14;
    const fragments = ['fragment F0 on Image { parentImage { parentImage { imageId } } }', ...Array.from({ length: levels }, (_, at) => `fragment F${at + 1} on Image { ...F${at} ...F${at} }`)];
    const { refusal, extensions } = await run(queryCost(600, SNAPSHOT_PAGES), `{ images(${R}, first: 500) { nodes { ...F${levels} } } }\n${fragments.join('\n')}`);
    expect(refusal).toBeInstanceOf(GraphQLError);
    expect(refusal!.message).toBe(
      'This operation is too large to price (too many fields once its fragments are expanded); the limit is 600 calls to the image service. Spread fewer fragments.',
    );
    expect(refusal!.extensions).toEqual({ code: 'BAD_USER_INPUT', cost: Number.POSITIVE_INFINITY, maxCost: 600, http: { status: 400 } });
    // On the wire an unpriced cost reads null.
    expect(JSON.parse(JSON.stringify(extensions))).toEqual({ cost: { estimated: null, actual: 0, limit: 600 } });
  });

  it('refuses the heaviest documented query under a limit of 507 and lets it through at 508', async () => {
    const query = `{ images(${R}, first: 500) { nodes { imageId parentImage { name } } pageInfo { hasNextPage } } }`;
    expect((await run(queryCost(507, SNAPSHOT_PAGES), query)).refusal?.extensions).toMatchObject({ cost: 508, maxCost: 507 });
    expect((await run(queryCost(508, SNAPSHOT_PAGES), query)).refusal).toBeUndefined();
  });
});

describe('extensions.cost', () => {
  it('willSendResponse writes estimated, actual (the catalog’s upstream calls) and limit, beside other extensions', async () => {
    const plugin = queryCost(600, SNAPSHOT_PAGES);
    const listener = (await plugin.requestDidStart!({} as GraphQLRequestContext<Context>)) as GraphQLRequestListener<Context>;
    const document = parse(`{ images(${R}, first: 100) { nodes { imageId } } }`);
    await listener.didResolveOperation!({ request: { variables: {} }, document, schema, operation: getOperationAST(document) } as unknown as GraphQLRequestContextDidResolveOperation<Context>);
    const response = { body: { kind: 'single', singleResult: { data: {}, extensions: { traced: true } } } } as unknown as GraphQLResponse;
    await listener.willSendResponse!({ response, contextValue: { images: { upstreamCalls: 7 } } } as unknown as GraphQLRequestContextWillSendResponse<Context>);
    expect(response.body).toEqual({ kind: 'single', singleResult: { data: {}, extensions: { traced: true, cost: { estimated: 3, actual: 7, limit: 600 } } } });
  });

  it('is left out when nothing was priced: no operation by that name, or variables that do not coerce', async () => {
    const plugin = queryCost(1, SNAPSHOT_PAGES);
    const missing = await run(plugin, `query A { images(${R}, first: 500) { nodes { imageId } } }`, { operationName: 'B' });
    expect(missing).toEqual({ refusal: undefined, extensions: undefined });
    const uncoerced = await run(plugin, `query ($n: Int!) { images(${R}, first: $n) { nodes { imageId } } }`, { variables: { n: 'many' } });
    expect(uncoerced).toEqual({ refusal: undefined, extensions: undefined });
    const absent = await run(plugin, `query ($n: Int!) { images(${R}, first: $n) { nodes { imageId } } }`, { variables: {} });
    expect(absent).toEqual({ refusal: undefined, extensions: undefined });
  });

  it('leaves an incremental response alone', async () => {
    const plugin = queryCost(600, SNAPSHOT_PAGES);
    const listener = (await plugin.requestDidStart!({} as GraphQLRequestContext<Context>)) as GraphQLRequestListener<Context>;
    const document = parse(`{ images(${R}) { nodes { imageId } } }`);
    await listener.didResolveOperation!({ request: { variables: {} }, document, schema, operation: getOperationAST(document) } as unknown as GraphQLRequestContextDidResolveOperation<Context>);
    const body = { kind: 'incremental', initialResult: { data: {}, hasNext: true }, subsequentResults: (async function* () {})() };
    const response = { body } as unknown as GraphQLResponse;
    await listener.willSendResponse!({ response, contextValue: { images: { upstreamCalls: 1 } } } as unknown as GraphQLRequestContextWillSendResponse<Context>);
    expect(response.body).toBe(body);
    expect(body.initialResult).toEqual({ data: {}, hasNext: true });
  });
});
