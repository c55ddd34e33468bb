import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TENANTS } from '../../src/emulator/options.js';
import type { ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, BOB, useApi, type GraphQLResponse } from '../helpers/api-server.js';
import { dataOf, gqlAllIds, gqlPage, idsOf, onlyError, restWalk } from '../helpers/graphql-oracle.js';

/** Tenant isolation through GraphQL: each token sees its own view, never another tenant's images. */

const REGION = 'tr-west-1';
const ALICE_PROJECT = DEMO_TENANTS[0]!.projectId;
const BOB_PROJECT = DEMO_TENANTS[1]!.projectId;

const api = useApi();
let aliceAll: ImageInfo[];
let bobAll: ImageInfo[];
let alicePrivate: ImageInfo[];
let bobPrivate: ImageInfo[];

beforeAll(async () => {
  [aliceAll, bobAll] = await Promise.all([restWalk(api, REGION, {}, ALICE.token), restWalk(api, REGION, {}, BOB.token)]);
  alicePrivate = aliceAll.filter((image) => image.visibility === 'private');
  bobPrivate = bobAll.filter((image) => image.visibility === 'private');
});

describe('two tokens, two views', () => {
  it('the REST oracle has private images for both, owned by each', () => {
    expect(alicePrivate.length).toBeGreaterThan(10);
    expect(bobPrivate.length).toBeGreaterThan(10);
    expect(new Set(alicePrivate.map((i) => i.owner))).toEqual(new Set([ALICE_PROJECT]));
    expect(new Set(bobPrivate.map((i) => i.owner))).toEqual(new Set([BOB_PROJECT]));
  });

  it('each full listing over GraphQL equals that tenant’s REST listing, and the two differ only in private images', async () => {
    const [aliceIds, bobIds] = await Promise.all([gqlAllIds(api, { region: REGION }, ALICE.token), gqlAllIds(api, { region: REGION }, BOB.token)]);
    expect(aliceIds).toEqual(idsOf(aliceAll));
    expect(bobIds).toEqual(idsOf(bobAll));
    const bobPrivateIds = new Set(idsOf(bobPrivate));
    const alicePrivateIds = new Set(idsOf(alicePrivate));
    expect(aliceIds.filter((id) => bobPrivateIds.has(id))).toEqual([]);
    expect(bobIds.filter((id) => alicePrivateIds.has(id))).toEqual([]);
    expect(aliceIds.filter((id) => !alicePrivateIds.has(id))).toEqual(bobIds.filter((id) => !bobPrivateIds.has(id)));
  });

  it('filter PRIVATE gives exactly the caller’s own images', async () => {
    const [aliceIds, bobIds] = await Promise.all([
      gqlAllIds(api, { region: REGION, filter: { imageType: 'PRIVATE' } }, ALICE.token),
      gqlAllIds(api, { region: REGION, filter: { imageType: 'PRIVATE' } }, BOB.token),
    ]);
    expect(aliceIds).toEqual(idsOf(alicePrivate));
    expect(bobIds).toEqual(idsOf(bobPrivate));
  });

  it('filtering on the other tenant’s project finds nothing', async () => {
    expect(await gqlAllIds(api, { region: REGION, filter: { owner: BOB_PROJECT } }, ALICE.token)).toEqual([]);
    expect(await gqlAllIds(api, { region: REGION, filter: { owner: ALICE_PROJECT } }, BOB.token)).toEqual([]);
  });

  it('every upstream call carries the caller’s own token (the emulator maps it to the caller’s project)', async () => {
    api.emulator.clearRequests();
    await gqlPage(api, { region: REGION, first: 3 }, BOB.token);
    await gqlPage(api, { region: REGION, first: 3 }, ALICE.token);
    expect(api.emulator.apiRequests.map((r) => r.projectId)).toEqual([BOB_PROJECT, ALICE_PROJECT]);
  });

  it('`Authorization: Bearer` works like X-Auth-Token', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BOB.token}` },
      body: JSON.stringify({ query: `{ images(region: "${REGION}", filter: { imageType: PRIVATE }, first: 500) { nodes { imageId } } }` }),
    });
    const body = (await response.json()) as GraphQLResponse<{ images: { nodes: { imageId: string }[] } }>;
    expect(dataOf(body).images.nodes.map((n) => n.imageId)).toEqual(idsOf(bobPrivate));
  });
});

describe('another tenant’s ids', () => {
  it('image(imageId:) with the other tenant’s ids is null; with one’s own, the image', async () => {
    const theirs = bobPrivate.slice(0, 5);
    const mine = alicePrivate[0]!;
    const aliases = theirs.map((image, i) => `b${i}: image(region: "${REGION}", imageId: "${image.id}") { imageId owner }`).join('\n');
    const data = dataOf(await api.query<Record<string, { imageId: string; owner: string } | null>>(`{ ${aliases} mine: image(region: "${REGION}", imageId: "${mine.id}") { imageId owner } }`, {}, ALICE.token));
    expect(data).toEqual({ ...Object.fromEntries(theirs.map((_, i) => [`b${i}`, null])), mine: { imageId: mine.id, owner: ALICE_PROJECT } });
    const asBob = dataOf(await api.query<{ image: { imageId: string } | null }>(`{ image(region: "${REGION}", imageId: "${theirs[0]!.id}") { imageId } }`, {}, BOB.token));
    expect(asBob.image).toEqual({ imageId: theirs[0]!.id });
  });

  it('node(id:) with the other tenant’s global ids is null', async () => {
    const bobGlobal = dataOf(await api.query<{ images: { nodes: { id: string; imageId: string }[] } }>(`{ images(region: "${REGION}", filter: { imageType: PRIVATE }, first: 3) { nodes { id imageId } } }`, {}, BOB.token)).images.nodes;
    const aliceGlobal = dataOf(await api.query<{ images: { nodes: { id: string; imageId: string }[] } }>(`{ images(region: "${REGION}", filter: { imageType: PRIVATE }, first: 3) { nodes { id imageId } } }`, {}, ALICE.token)).images.nodes;
    expect(bobGlobal).toHaveLength(3);
    const query = 'query($id: ID!) { node(id: $id) { ... on Image { imageId owner } } }';
    for (const node of bobGlobal) {
      expect(dataOf(await api.query<{ node: unknown }>(query, { id: node.id }, ALICE.token)).node).toBeNull();
      expect(dataOf(await api.query<{ node: unknown }>(query, { id: node.id }, BOB.token)).node).toEqual({ imageId: node.imageId, owner: BOB_PROJECT });
    }
    for (const node of aliceGlobal) {
      expect(dataOf(await api.query<{ node: unknown }>(query, { id: node.id }, BOB.token)).node).toBeNull();
    }
  });

  it('filter imageId with the other tenant’s id finds nothing', async () => {
    const page = await gqlPage(api, { region: REGION, filter: { imageId: bobPrivate[0]!.id }, first: 5 }, ALICE.token);
    expect(page.ids).toEqual([]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  it('a cursor on one tenant’s private image, replayed by the other, is refused by the upstream and reveals nothing', async () => {
    const alicePage = await gqlPage(api, { region: REGION, filter: { imageType: 'PRIVATE' }, first: 1 }, ALICE.token);
    expect(alicePage.ids).toEqual([alicePrivate[0]!.id]);
    api.emulator.clearRequests();
    const result = await api.query<unknown>(
      'query($after: String) { images(region: "tr-west-1", filter: { imageType: PRIVATE }, first: 5, after: $after) { nodes { imageId } } }',
      { after: alicePage.pageInfo.endCursor },
      BOB.token,
    );
    const error = onlyError(result);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after', upstream: { status: 400, code: 'IEC.000006', requestId: api.emulator.apiRequests[0]!.requestId } });
    // To the other tenant the image is not there: the cursor is no longer valid.
    expect(error.message).toMatch(/`after` is no longer valid.*first page/);
    expect(result.data).toBeNull();
    expect(JSON.stringify(result)).not.toContain(alicePrivate[0]!.name);
  });
});

describe('no sharing between concurrent requests', () => {
  it('interleaved requests of both tenants each get their own view', async () => {
    const query = `{ images(region: "${REGION}", filter: { imageType: PRIVATE }, first: 500) { nodes { imageId owner } } }`;
    const tokens = [ALICE.token, BOB.token, ALICE.token, BOB.token, BOB.token, ALICE.token, ALICE.token, BOB.token];
    const results = await Promise.all(tokens.map((token) => api.query<{ images: { nodes: { imageId: string; owner: string }[] } }>(query, {}, token)));
    results.forEach((result, i) => {
      const expected = tokens[i] === ALICE.token ? alicePrivate : bobPrivate;
      expect(dataOf(result).images.nodes.map((n) => n.imageId)).toEqual(idsOf(expected));
    });
  });

  it('a detail lookup right after the other tenant listed the image still answers null', async () => {
    const target = bobPrivate[1]!;
    const [asBob, asAlice] = await Promise.all([
      api.query<{ images: { nodes: { imageId: string }[] } }>(`{ images(region: "${REGION}", filter: { imageId: "${target.id}" }) { nodes { imageId } } }`, {}, BOB.token),
      api.query<{ image: unknown }>(`{ image(region: "${REGION}", imageId: "${target.id}") { imageId } }`, {}, ALICE.token),
    ]);
    expect(dataOf(asBob).images.nodes).toEqual([{ imageId: target.id }]);
    expect(dataOf(asAlice).image).toBeNull();
  });
});
