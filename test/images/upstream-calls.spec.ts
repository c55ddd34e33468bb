import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/emulator/server.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { useApi, type GraphQLResponse } from '../helpers/api-server.js';
import { ALICE, BOB, listPage, visibleSet } from '../helpers/emulator-client.js';

/**
 * The per-request image source (src/images/), counted from the upstream's side: every query goes over HTTP to
 * /graphql, and the emulator's request log (cleared just before the query) says which upstream
 * calls it cost. Expected data comes from the emulator's REST API directly (the oracle), always
 * read before the log is cleared.
 */

const REGION = 'cn-north-4';
/** The listing order the GraphQL API asks for by default. */
const DEFAULT_ORDER = { sort_key: 'created_at', sort_dir: 'desc' } as const;

const api = useApi();
afterEach(() => {
  api.emulator.resetFaults();
});

interface Measured<T> {
  result: GraphQLResponse<T>;
  calls: readonly RecordedRequest[];
}

/** Runs one GraphQL request and returns it with the upstream calls it made (and only those). */
async function measured<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, token: string = ALICE.token): Promise<Measured<T>> {
  api.emulator.clearRequests();
  const result = await api.query<T>(query, variables, token);
  return { result, calls: api.emulator.apiRequests };
}

/** The `id=` of by-id calls, sorted; every call must be a bare by-id lookup in REGION. */
function byIdCalls(calls: readonly RecordedRequest[]): string[] {
  for (const call of calls) {
    expect(call.region).toBe(REGION);
    expect(Object.keys(call.query)).toEqual(['id']);
  }
  return calls.map((call) => call.query.id ?? '').sort();
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** The first page of REGION in the default order, as the GraphQL API's `first: n` asks for it (n + 1 rows). */
async function oraclePage(first: number, token: string = ALICE.token, extra: Record<string, string> = {}): Promise<ImageInfo[]> {
  const rows = await listPage(api.emulator, REGION, { ...extra, limit: Math.min(first + 1, 500), ...DEFAULT_ORDER }, token);
  return rows.slice(0, first);
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item at ${index} (of ${items.length})`);
  return item;
}

type ImageRef = { imageId: string; name: string } | null;

describe('image(region:, imageId:) by id', () => {
  it('10 aliases of 3 distinct ids cost exactly 3 upstream calls, one per id', async () => {
    const page = await oraclePage(20);
    const privateImage = at(await oraclePage(5, ALICE.token, { __imagetype: 'private' }), 0);
    const chosen = [at(page, 0), at(page, 7), privateImage];
    const ids = chosen.map((image) => image.id);
    expect(new Set(ids).size).toBe(3);
    const aliases = Array.from({ length: 10 }, (_, i) => `a${i}: image(region: $region, imageId: $id${i % 3}) { imageId name }`);
    const query = `query ($region: String!, $id0: String!, $id1: String!, $id2: String!) { ${aliases.join('\n')} }`;

    const { result, calls } = await measured<Record<string, ImageRef>>(query, { region: REGION, id0: ids[0], id1: ids[1], id2: ids[2] });

    expect(result.errors).toBeUndefined();
    for (let i = 0; i < 10; i++) {
      const expected = at(chosen, i % 3);
      expect(result.data?.[`a${i}`]).toEqual({ imageId: expected.id, name: expected.name });
    }
    expect(calls).toHaveLength(3);
    expect(byIdCalls(calls)).toEqual([...ids].sort());
    expect(calls.every((call) => call.status === 200 && call.projectId === ALICE.projectId)).toBe(true);
  });

  it('an id nobody can see is null and costs its one call, deduplicated across aliases', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const { result, calls } = await measured<Record<string, ImageRef>>(
      `query ($region: String!, $id: String!) { a: image(region: $region, imageId: $id) { imageId } b: image(region: $region, imageId: $id) { name } }`,
      { region: REGION, id: missing },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: null, b: null });
    expect(byIdCalls(calls)).toEqual([missing]);
  });
});

describe('a list page answers later by-id lookups of the same request', () => {
  const LIST = 'images(region: $region, first: 50) { nodes { imageId name } }';
  const ONE = 'image(region: $region, imageId: $id) { imageId name }';
  const LIST_CALL = { limit: '51', ...DEFAULT_ORDER };

  it.each([
    ['image before images', `query ($region: String!, $id: String!) { one: ${ONE} list: ${LIST} }`],
    ['image after images', `query ($region: String!, $id: String!) { list: ${LIST} one: ${ONE} }`],
  ])('%s: a sibling image() of an id on the list does not wait for the list; it pays its own call, beside it', async (_order, query) => {
    const page = await oraclePage(50);
    const target = at(page, 17);

    const { result, calls } = await measured<{ list: { nodes: { imageId: string; name: string }[] }; one: ImageRef }>(query, { region: REGION, id: target.id });

    expect(result.errors).toBeUndefined();
    expect(result.data?.list.nodes.map((node) => node.imageId)).toEqual(page.map((image) => image.id));
    expect(result.data?.one).toEqual({ imageId: target.id, name: target.name });
    expect(calls.map((call) => call.query)).toEqual(expect.arrayContaining([LIST_CALL, { id: target.id }]));
    expect(calls).toHaveLength(2);
  });
  // Lookups made after a page has answered (parentImage of its images) are primed: see 'parentImage over a page of 500'.
});

describe('by-id answers are scoped to their region', () => {
  it('an id listed in one region, asked in another, pays its call there and is null', async () => {
    const target = at(await oraclePage(5), 0);
    const { result, calls } = await measured<{ list: { nodes: { imageId: string }[] }; other: ImageRef }>(
      `query ($id: String!) { list: images(region: "${REGION}", first: 5) { nodes { imageId } } other: image(region: "cn-east-3", imageId: $id) { imageId name } }`,
      { id: target.id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.list.nodes[0]?.imageId).toBe(target.id);
    expect(result.data?.other).toBeNull();
    expect(calls.map((call) => [call.region, call.query]).sort()).toEqual([
      ['cn-east-3', { id: target.id }],
      [REGION, { limit: '6', ...DEFAULT_ORDER }],
    ]);
  });
});

describe('parentImage over a page of 500', () => {
  interface ParentPage {
    images: { nodes: { imageId: string; parentImageId: string | null; parentImage: { imageId: string; name: string } | null }[] };
  }

  it.each([
    ['private images only', 'filter: { imageType: PRIVATE }', { __imagetype: 'private' }],
    ['every visible image', '', {}],
  ] as const)('%s: 1 list call plus one call per distinct parent not on the page', async (_label, filterArg, filterQuery) => {
    const page = await listPage(api.emulator, REGION, { ...filterQuery, limit: 500, ...DEFAULT_ORDER });
    const visible = new Map((await visibleSet(api.emulator, REGION)).map((image) => [image.id, image]));
    const onPage = new Set(page.map((image) => image.id));
    const parentIds = distinct(page.map((image) => image.__originalimagename ?? '').filter((id) => id !== ''));
    const missing = parentIds.filter((id) => !onPage.has(id));
    // The data makes both kinds of parent appear: some found on the page, some looked up.
    expect(missing.length).toBeGreaterThan(0);
    if (filterArg !== '') expect(parentIds.length).toBeGreaterThan(missing.length);

    const { result, calls } = await measured<ParentPage>(
      `query ($region: String!) { images(region: $region, first: 500 ${filterArg ? `, ${filterArg}` : ''}) { nodes { imageId parentImageId parentImage { imageId name } } } }`,
      { region: REGION },
    );

    expect(result.errors).toBeUndefined();
    const nodes = result.data?.images.nodes ?? [];
    expect(nodes.map((node) => node.imageId)).toEqual(page.map((image) => image.id));
    nodes.forEach((node, index) => {
      const parentId = at(page, index).__originalimagename || null;
      const parent = parentId === null ? undefined : visible.get(parentId);
      expect(node.parentImageId).toBe(parentId);
      expect(node.parentImage).toEqual(parent ? { imageId: parent.id, name: parent.name } : null);
    });
    // Retired parents (no longer listed) are looked up too, and come back null.
    expect(nodes.some((node) => node.parentImageId !== null && node.parentImage === null)).toBe(true);
    expect(calls).toHaveLength(1 + missing.length);
    // By-id lookups start only once the page has answered, so the list call is logged first.
    expect(at(calls, 0).query).toEqual({ ...filterQuery, limit: '500', ...DEFAULT_ORDER });
    expect(byIdCalls(calls.slice(1))).toEqual(missing);
  });
});

describe('identical listings share one call', () => {
  it('two aliased identical images connections (literal and variable arguments, explicit defaults) cost 1 call', async () => {
    const page = await oraclePage(5);
    const { result, calls } = await measured<{
      a: { nodes: { imageId: string }[] };
      b: { edges: { cursor: string; node: { name: string } }[] };
      c: { pageInfo: { hasNextPage: boolean } };
    }>(
      `query ($region: String!, $n: Int) {
        a: images(region: $region, first: $n) { nodes { imageId } }
        b: images(region: "${REGION}", first: 5, filter: {}) { edges { cursor node { name } } }
        c: images(region: "${REGION}", first: 5, sort: { key: CREATED_AT, direction: DESC }) { pageInfo { hasNextPage } }
      }`,
      { region: REGION, n: 5 },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.a.nodes.map((node) => node.imageId)).toEqual(page.map((image) => image.id));
    expect(result.data?.b.edges.map((edge) => edge.node.name)).toEqual(page.map((image) => image.name));
    expect(result.data?.c.pageInfo.hasNextPage).toBe(true);
    expect(calls.map((call) => call.query)).toEqual([{ limit: '6', ...DEFAULT_ORDER }]);
  });

  it('the same connection through two fragments costs 1 call', async () => {
    const page = await oraclePage(5);
    const { result, calls } = await measured<{ images: { nodes: { imageId: string }[]; pageInfo: { endCursor: string | null } } }>(
      `query ($region: String!) { ...Ids ...Info }
       fragment Ids on Query { images(region: $region, first: 5) { nodes { imageId } } }
       fragment Info on Query { images(region: $region, first: 5) { pageInfo { endCursor } } }`,
      { region: REGION },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.images.nodes.map((node) => node.imageId)).toEqual(page.map((image) => image.id));
    expect(typeof result.data?.images.pageInfo.endCursor).toBe('string');
    expect(calls.map((call) => call.query)).toEqual([{ limit: '6', ...DEFAULT_ORDER }]);
  });

  it('connections that differ in their arguments each pay (control)', async () => {
    const { result, calls } = await measured(
      `query ($region: String!) { a: images(region: $region, first: 5) { nodes { imageId } } b: images(region: $region, first: 6) { nodes { imageId } } }`,
      { region: REGION },
    );
    expect(result.errors).toBeUndefined();
    expect(calls.map((call) => call.query.limit).sort()).toEqual(['6', '7']);
  });
});

describe('no reuse across requests or callers', () => {
  it("alice's private image: non-null for alice, null for bob, and each request pays its call", async () => {
    const alicePrivate = at(await oraclePage(5, ALICE.token, { __imagetype: 'private' }), 0);
    expect(alicePrivate.owner).toBe(ALICE.projectId);
    const query = 'query ($region: String!, $id: String!) { image(region: $region, imageId: $id) { imageId owner } }';
    const variables = { region: REGION, id: alicePrivate.id };

    const asAlice = await measured<{ image: { imageId: string; owner: string } | null }>(query, variables, ALICE.token);
    expect(asAlice.result.errors).toBeUndefined();
    expect(asAlice.result.data?.image).toEqual({ imageId: alicePrivate.id, owner: ALICE.projectId });
    expect(asAlice.calls.map((call) => [call.query, call.projectId])).toEqual([[{ id: alicePrivate.id }, ALICE.projectId]]);

    const asBob = await measured<{ image: unknown }>(query, variables, BOB.token);
    expect(asBob.result.errors).toBeUndefined();
    expect(asBob.result.data?.image).toBeNull();
    expect(asBob.calls.map((call) => [call.query, call.projectId])).toEqual([[{ id: alicePrivate.id }, BOB.projectId]]);

    const again = await measured<{ image: { imageId: string } | null }>(query, variables, ALICE.token);
    expect(again.result.data?.image?.imageId).toBe(alicePrivate.id);
    expect(again.calls).toHaveLength(1);
  });

  it('the same private listing for alice then bob: each pays one call and sees only its own images', async () => {
    const alicePage = await oraclePage(50, ALICE.token, { __imagetype: 'private' });
    const bobPage = await oraclePage(50, BOB.token, { __imagetype: 'private' });
    const query = `query ($region: String!) {
      images(region: $region, first: 50, filter: { imageType: PRIVATE }) { nodes { imageId owner } }
      first: image(region: $region, imageId: "${at(alicePage, 0).id}") { imageId }
    }`;
    type Result = { images: { nodes: { imageId: string; owner: string }[] }; first: { imageId: string } | null };

    const asAlice = await measured<Result>(query, { region: REGION }, ALICE.token);
    expect(asAlice.result.errors).toBeUndefined();
    expect(asAlice.result.data?.images.nodes.map((node) => node.imageId)).toEqual(alicePage.map((image) => image.id));
    expect(asAlice.result.data?.images.nodes.every((node) => node.owner === ALICE.projectId)).toBe(true);
    expect(asAlice.result.data?.first).toEqual({ imageId: at(alicePage, 0).id });
    // Alice's lookup runs beside her page: two calls, both hers.
    expect(asAlice.calls.map((call) => call.projectId)).toEqual([ALICE.projectId, ALICE.projectId]);

    const asBob = await measured<Result>(query, { region: REGION }, BOB.token);
    expect(asBob.result.errors).toBeUndefined();
    expect(asBob.result.data?.images.nodes.map((node) => node.imageId)).toEqual(bobPage.map((image) => image.id));
    expect(asBob.result.data?.images.nodes.every((node) => node.owner === BOB.projectId)).toBe(true);
    // Bob cannot see alice's image: not on his page, so he pays its lookup, and gets null.
    expect(asBob.result.data?.first).toBeNull();
    expect(asBob.calls).toHaveLength(2);
    expect(asBob.calls.every((call) => call.projectId === BOB.projectId)).toBe(true);
    expect(asBob.calls.map((call) => call.query)).toContainEqual({ id: at(alicePage, 0).id });
  });
});

describe('an upstream failure of one id', () => {
  it('gives partial data and exactly one UPSTREAM_ERROR at the failing alias', async () => {
    const page = await oraclePage(3);
    const [ok1, bad, ok2] = [at(page, 0), at(page, 1), at(page, 2)];
    api.emulator.setFaults({ failImageIds: [bad.id] });

    const { result, calls } = await measured<Record<string, ImageRef>>(
      `query ($region: String!, $a: String!, $b: String!, $c: String!) {
        first: image(region: $region, imageId: $a) { imageId name }
        broken: image(region: $region, imageId: $b) { imageId name }
        third: image(region: $region, imageId: $c) { imageId name }
      }`,
      { region: REGION, a: ok1.id, b: bad.id, c: ok2.id },
    );

    expect(result.data).toEqual({
      first: { imageId: ok1.id, name: ok1.name },
      broken: null,
      third: { imageId: ok2.id, name: ok2.name },
    });
    expect(result.errors).toHaveLength(1);
    const error = at(result.errors ?? [], 0);
    expect(error.path).toEqual(['broken']);
    expect(error.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(error.extensions?.upstream).toMatchObject({ status: 500 });
    expect(byIdCalls(calls)).toEqual([ok1.id, bad.id, ok2.id].sort());
    expect(calls.filter((call) => call.status === 500).map((call) => call.query.id)).toEqual([bad.id]);
  });

  it('the failing id under two aliases costs one call and fails both aliases', async () => {
    const page = await oraclePage(2);
    const [ok, bad] = [at(page, 0), at(page, 1)];
    api.emulator.setFaults({ failImageIds: [bad.id] });

    const { result, calls } = await measured<Record<string, ImageRef>>(
      `query ($region: String!, $ok: String!, $bad: String!) {
        x: image(region: $region, imageId: $bad) { imageId }
        y: image(region: $region, imageId: $ok) { imageId }
        z: image(region: $region, imageId: $bad) { name }
      }`,
      { region: REGION, ok: ok.id, bad: bad.id },
    );

    expect(result.data).toEqual({ x: null, y: { imageId: ok.id }, z: null });
    expect((result.errors ?? []).map((error) => [error.path, error.extensions?.code]).sort()).toEqual([
      [['x'], 'UPSTREAM_ERROR'],
      [['z'], 'UPSTREAM_ERROR'],
    ]);
    expect(byIdCalls(calls)).toEqual([ok.id, bad.id].sort());
  });

  it('a failing lookup beside a good page fails only itself', async () => {
    const page = await oraclePage(10);
    const listedBad = at(page, 4);
    api.emulator.setFaults({ failImageIds: [listedBad.id] });

    const { result, calls } = await measured<{ images: { nodes: { imageId: string }[] }; one: ImageRef }>(
      `query ($region: String!, $id: String!) { one: image(region: $region, imageId: $id) { imageId name } images(region: $region, first: 10) { nodes { imageId } } }`,
      { region: REGION, id: listedBad.id },
    );

    expect(result.data?.images.nodes.map((node) => node.imageId)).toEqual(page.map((image) => image.id));
    expect(result.data?.one).toBeNull();
    expect(result.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['one'], 'UPSTREAM_ERROR']]);
    expect(calls).toHaveLength(2);
  });
});

describe('node(id:)', () => {
  async function globalIds(count: number): Promise<{ id: string; imageId: string; name: string }[]> {
    const { result } = await measured<{ images: { nodes: { id: string; imageId: string; name: string }[] } }>(
      `query ($region: String!, $n: Int) { images(region: $region, first: $n) { nodes { id imageId name } } }`,
      { region: REGION, n: count },
    );
    expect(result.errors).toBeUndefined();
    return result.data?.images.nodes ?? [];
  }

  it('node() of ids beside a page of the same request: one call per distinct id, beside the page; duplicates dedupe', async () => {
    const nodes = await globalIds(5);
    const [n0, n1, n4] = [at(nodes, 0), at(nodes, 1), at(nodes, 4)];

    const { result, calls } = await measured<Record<string, unknown>>(
      `query ($region: String!, $g0: ID!, $g1: ID!, $g4: ID!) {
        a: node(id: $g0) { id ... on Image { imageId name } }
        images(region: $region, first: 5) { nodes { id } }
        b: node(id: $g1) { ... on Image { imageId } }
        c: node(id: $g0) { ... on Image { name } }
        d: node(id: $g4) { id }
      }`,
      { region: REGION, g0: n0.id, g1: n1.id, g4: n4.id },
    );

    expect(result.errors).toBeUndefined();
    expect(result.data?.a).toEqual({ id: n0.id, imageId: n0.imageId, name: n0.name });
    expect(result.data?.b).toEqual({ imageId: n1.imageId });
    expect(result.data?.c).toEqual({ name: n0.name });
    expect(result.data?.d).toEqual({ id: n4.id });
    expect(calls.map((call) => call.query)).toEqual(expect.arrayContaining([{ limit: '6', ...DEFAULT_ORDER }, { id: n0.imageId }, { id: n1.imageId }, { id: n4.imageId }]));
    expect(calls).toHaveLength(4);
  });

  it('duplicate node ids without a list dedupe, and share the loader with image()', async () => {
    const nodes = await globalIds(2);
    const [n0, n1] = [at(nodes, 0), at(nodes, 1)];

    const { result, calls } = await measured<Record<string, unknown>>(
      `query ($region: String!, $g0: ID!, $g1: ID!, $i0: String!) {
        a: node(id: $g0) { ... on Image { imageId } }
        b: node(id: $g0) { id }
        c: node(id: $g1) { ... on Image { imageId } }
        d: image(region: $region, imageId: $i0) { id }
      }`,
      { region: REGION, g0: n0.id, g1: n1.id, i0: n0.imageId },
    );

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: { imageId: n0.imageId }, b: { id: n0.id }, c: { imageId: n1.imageId }, d: { id: n0.id } });
    expect(byIdCalls(calls)).toEqual([n0.imageId, n1.imageId].sort());
  });
});
