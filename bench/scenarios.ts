import type autocannon from 'autocannon';
import { buildSchema, GraphQLObjectType, getNamedType, isObjectType, type GraphQLField } from 'graphql';
import { readFileSync } from 'node:fs';

/**
 * The four load scenarios, each a GraphQL request, the REST call(s) doing the same work straight at
 * the upstream, the same work asked of GraphQL Mesh (the peer: a gateway generated from the
 * upstream's OpenAPI description, bench/mesh/), and for the fixed ones the pass-through (the least
 * any JSON-to-JSON layer does, bench/pass-through.ts). A side is autocannon options without url,
 * duration and connections, plus `check`, one request made before the load to prove the side
 * answers what it should (and, against the canned upstream, to record every URL the load will ask for).
 */

export const TOKEN = 'demo-token-alice';
export const REGION = 'cn-north-4';

export interface Side {
  /** Path, method, headers, body, or `requests` / `setupClient` for changing requests. */
  load: Omit<autocannon.Options, 'url' | 'duration' | 'connections'>;
  /** Describes the request, for the report and results.json. */
  describe: string;
  /** One real request before the load; throws when the answer is not what the scenario expects. May say what it saw. */
  check(baseUrl: string): Promise<string | void>;
}

export interface Targets {
  /** Least GraphQL ÷ REST (canned upstream) ratio accepted. */
  rest?: number;
  /** Least GraphQL ÷ Mesh ratio accepted. */
  mesh?: number;
  /** Most GraphQL p99 accepted, as a multiple of REST's p99. */
  p99?: number;
}

export interface Scenario {
  name: string;
  graphql: Side;
  rest: Side;
  mesh: Side;
  /** The pass-through doing the scenario's REST calls (fixed requests only). */
  passThrough?: Side;
  /** REST requests doing the work of one GraphQL request: the ratio is GraphQL rps ÷ (REST rps / this). */
  restCallsPerGraphql: number;
  targets: Targets;
}

/** About ten scalars, what a list view shows. */
export const LIST_FIELDS = 'id imageId name status visibility imageType diskFormat minDisk minRam createdAt';

/**
 * Every field of Image as a selection, read from the schema contract (schema/schema.graphql):
 * scalars and enums, and the fields of nested objects (`os`, `support`). Left out: fields returning
 * an Image (`parentImage`, a relation costing lookups of its own), fields with arguments, and `raw`
 * (the upstream object again as JSON, which no generic gateway offers: the Mesh pairing would not
 * be the same work).
 */
export function allImageFields(root: string): string {
  const schema = buildSchema(readFileSync(`${root}/schema/schema.graphql`, 'utf8'));
  const image = schema.getType('Image') as GraphQLObjectType;
  const select = (field: GraphQLField<unknown, unknown>): string | undefined => {
    const type = getNamedType(field.type);
    if (field.args.length > 0 || type === image || field.name === 'raw') return undefined;
    if (!isObjectType(type)) return field.name;
    return `${field.name} { ${Object.values(type.getFields()).map(select).filter(Boolean).join(' ')} }`;
  };
  return Object.values(image.getFields()).map(select).filter(Boolean).join(' ');
}

const GRAPHQL_HEADERS = { 'content-type': 'application/json', 'x-auth-token': TOKEN };
const REST_HEADERS = { 'x-auth-token': TOKEN };

const restPath = (query: string): string => `/v1/cloudimages/${REGION}?${query}`;

/** A GraphQL answer counts only with data and no error (autocannon hands bodies over as strings). */
const graphqlOk = (body: string | Buffer | undefined): boolean => typeof body === 'string' && body.startsWith('{"data":') && !body.includes('"errors":');
const restOk = (body: string | Buffer | undefined): boolean => typeof body === 'string' && body.startsWith('{"images":[');

async function postGraphql(baseUrl: string, body: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: GRAPHQL_HEADERS, body });
  const text = await response.text();
  if (response.status !== 200 || !graphqlOk(text)) throw new Error(`GraphQL answered ${response.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { data: Record<string, unknown> }).data;
}

async function getRest(baseUrl: string, path: string): Promise<{ id: string }[]> {
  const response = await fetch(`${baseUrl}${path}`, { headers: REST_HEADERS });
  const text = await response.text();
  if (response.status !== 200 || !restOk(text)) throw new Error(`REST ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { images: { id: string }[] }).images;
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

/** A fixed GraphQL POST, checked once by `check`. */
function graphqlSide(query: string, check: (data: Record<string, unknown>) => void): Side {
  const body = JSON.stringify({ query });
  return {
    load: { requests: [{ method: 'POST', path: '/graphql', headers: GRAPHQL_HEADERS, body }], verifyBody: graphqlOk },
    describe: query,
    async check(baseUrl) {
      check(await postGraphql(baseUrl, body));
    },
  };
}

/** Fixed REST GETs, in turn, each checked once for its number of images. */
function restSide(paths: string[], expectedImages: number): Side {
  return {
    load: { headers: REST_HEADERS, requests: paths.map((path) => ({ method: 'GET', path })), verifyBody: restOk },
    describe: paths.map((path) => `GET ${path}`).join('\n'),
    async check(baseUrl) {
      for (const path of paths) {
        const images = await getRest(baseUrl, path);
        expect(images.length === expectedImages, `${path} returns ${expectedImages} images, not ${images.length}`);
      }
    },
  };
}

/** Mesh names the upstream's `__x` fields `_0x` (a GraphQL name cannot start with `__`). */
const meshName = (wire: string): string => wire.replace(/^__/, '_0');

/** The ten list fields in Mesh's schema: the upstream id twice (ours has a global `id` beside `imageId`). */
const MESH_LIST_FIELDS = 'id imageId: id name status visibility _0imagetype disk_format min_disk min_ram created_at';

/** Every field of the upstream's ImageInfo in Mesh's schema, read from the OpenAPI description Mesh serves. */
export function allMeshFields(root: string): string {
  const openapi = JSON.parse(readFileSync(`${root}/bench/mesh/openapi.json`, 'utf8')) as { components: { schemas: { ImageInfo: { properties: Record<string, unknown> } } } };
  return Object.keys(openapi.components.schemas.ImageInfo.properties).map(meshName).join(' ');
}

const meshListing = (args: string, fields: string): string => `ListCloudImages(region_id: "${REGION}", ${args}) { images { ${fields} } }`;

/** A fixed Mesh POST, checked once for the images each of its aliases lists. */
function meshSide(query: string, expectedImages: number): Side {
  const body = JSON.stringify({ query });
  return {
    load: { requests: [{ method: 'POST', path: '/graphql', headers: GRAPHQL_HEADERS, body }], verifyBody: graphqlOk },
    describe: query,
    async check(baseUrl) {
      const data = await postGraphql(baseUrl, body);
      for (const [alias, listing] of Object.entries(data)) {
        const images = (listing as { images: unknown[] }).images;
        expect(images.length === expectedImages, `Mesh's ${alias} lists ${expectedImages} images, not ${images.length}`);
      }
    },
  };
}

/** The pass-through making the scenario's REST calls for each POST (bench/pass-through.ts). */
function passThroughSide(paths: string[], describe: string): Side {
  const headers = { ...GRAPHQL_HEADERS, 'x-rest-path': paths.join(' ') };
  const body = JSON.stringify({ query: describe });
  return {
    load: { requests: [{ method: 'POST', path: '/graphql', headers, body }], verifyBody: (b) => typeof b === 'string' && b.startsWith('{"data":[{"images":[') },
    describe: `the REST calls ${paths.join(', ')}, each JSON.parse'd, then JSON.stringify'd back as one response`,
    async check(baseUrl) {
      const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body });
      const text = await response.text();
      if (response.status !== 200 || !text.startsWith('{"data":[{"images":[')) throw new Error(`the pass-through answered ${response.status}: ${text.slice(0, 300)}`);
    },
  };
}

interface Connection<T> {
  nodes?: T[];
  edges?: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const WALK_PAGE = 100;
const WALK_QUERY = `query Walk($after: String) { images(region: "${REGION}", first: ${WALK_PAGE}, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LIST_FIELDS} } } }`;

/**
 * The GraphQL walk: each connection pages through the region, `after` = the last `endCursor`, and
 * starts over after the page whose `hasNextPage` is false. `pageInfo` comes first in the selection,
 * so it is at the start of the body and read without parsing the page.
 * The cursor lives in a closure per connection (setupClient): autocannon's own per-connection
 * `context` is reset every time its `requests` list wraps around, i.e. after every request here.
 */
function graphqlWalk(): Side {
  const pageInfo = /^\{"data":\{"images":\{"pageInfo":\{"hasNextPage":(true|false),"endCursor":(null|"[^"]*")\}/;
  return {
    load: {
      verifyBody: graphqlOk,
      setupClient(client) {
        let after: string | null = null;
        client.setRequests([
          {
            method: 'POST',
            path: '/graphql',
            headers: GRAPHQL_HEADERS,
            setupRequest: (request) => ({ ...request, body: JSON.stringify({ query: WALK_QUERY, variables: { after } }) }),
            onResponse: (status, body) => {
              const match = status === 200 ? pageInfo.exec(body) : null;
              after = match?.[1] === 'true' ? (JSON.parse(match[2]!) as string) : null;
            },
          },
        ]);
      },
    },
    describe: `${WALK_QUERY}\n(variables { after: the last endCursor }, from the start again after hasNextPage false)`,
    async check(baseUrl) {
      let after: string | null = null;
      let pages = 0;
      do {
        const data = await postGraphql(baseUrl, JSON.stringify({ query: WALK_QUERY, variables: { after } }));
        const images = data.images as Connection<unknown>;
        pages++;
        expect(images.pageInfo.hasNextPage ? images.nodes!.length === WALK_PAGE : images.nodes!.length <= WALK_PAGE, 'walk page sizes');
        after = images.pageInfo.hasNextPage ? images.pageInfo.endCursor : null;
      } while (after !== null && pages < 100);
      expect(pages > 1 && pages < 100, `the GraphQL walk takes several pages (${pages})`);
      return `a GraphQL walk of ${REGION} is ${pages} pages`;
    },
  };
}

/**
 * The REST walk: `limit=101` (one more than a page, which tells whether another follows, as the
 * GraphQL layer does) and `marker` = the id of the page's last (100th) image; the page with 100 or
 * fewer images is the last one, and the walk starts over. Images start with `{"id":"` in the
 * emulator's answer, so the 100th id and the count are found without parsing the page.
 */
function restWalk(): Side {
  const pagePath = (marker: string | null): string =>
    restPath(`limit=${WALK_PAGE + 1}&sort_key=created_at&sort_dir=desc${marker === null ? '' : `&marker=${marker}`}`);
  /** The id of the 100th image when a 101st follows, else null (last page). */
  const nextMarker = (body: string): string | null => {
    let at = -1;
    let hundredth = -1;
    for (let n = 1; n <= WALK_PAGE + 1; n++) {
      at = body.indexOf('{"id":"', at + 1);
      if (at < 0) return null;
      if (n === WALK_PAGE) hundredth = at;
    }
    const start = hundredth + '{"id":"'.length;
    return body.slice(start, body.indexOf('"', start));
  };
  return {
    load: {
      verifyBody: restOk,
      setupClient(client) {
        let marker: string | null = null;
        client.setRequests([
          {
            method: 'GET',
            headers: REST_HEADERS,
            setupRequest: (request) => ({ ...request, path: pagePath(marker) }),
            onResponse: (status, body) => {
              marker = status === 200 ? nextMarker(body) : null;
            },
          },
        ]);
      },
    },
    describe: `GET ${pagePath(null)}, then &marker=<id of the 100th image> while 101 came back; from the start again after that`,
    async check(baseUrl) {
      let marker: string | null = null;
      let pages = 0;
      let listed = 0;
      const seen = new Set<string>();
      do {
        const response = await fetch(`${baseUrl}${pagePath(marker)}`, { headers: REST_HEADERS });
        const body = await response.text();
        const images = (JSON.parse(body) as { images: { id: string }[] }).images.slice(0, WALK_PAGE);
        images.forEach((image) => seen.add(image.id));
        listed += images.length;
        const next = nextMarker(body);
        expect(next === (images.length === WALK_PAGE && body.split('{"id":"').length - 1 > WALK_PAGE ? images[WALK_PAGE - 1]!.id : null), 'the REST walk finds the marker');
        marker = next;
        pages++;
      } while (marker !== null && pages < 100);
      expect(pages > 1 && pages < 100 && seen.size === listed, `the REST walk takes several pages, each image once (${pages} pages, ${listed} images)`);
      return `a REST walk of ${REGION} is ${pages} pages (${listed} images)`;
    },
  };
}

/**
 * Mesh's walk: `limit: 101` and `marker` = the 100th image's id, as the REST walk (Mesh passes the
 * upstream's paging through as it is). Images come back in the order asked, each starting with
 * `{"id":"`, so the 100th id is found without parsing the page.
 */
function meshWalk(): Side {
  const query = `query Walk($marker: String) { ${meshListing(`limit: ${WALK_PAGE + 1}, sort_key: "created_at", sort_dir: "desc", marker: $marker`, MESH_LIST_FIELDS)} }`;
  const nextMarker = (body: string): string | null => {
    const ids = [...body.matchAll(/\{"id":"([^"]*)"/g)].map((m) => m[1]!);
    return ids.length > WALK_PAGE ? ids[WALK_PAGE - 1]! : null;
  };
  return {
    load: {
      verifyBody: graphqlOk,
      setupClient(client) {
        let marker: string | null = null;
        client.setRequests([
          {
            method: 'POST',
            path: '/graphql',
            headers: GRAPHQL_HEADERS,
            setupRequest: (request) => ({ ...request, body: JSON.stringify({ query, variables: { marker } }) }),
            onResponse: (status, body) => {
              marker = status === 200 ? nextMarker(body) : null;
            },
          },
        ]);
      },
    },
    describe: `${query}\n(variables { marker: the 100th id of the last page while 101 came back }, from the start again after that)`,
    async check(baseUrl) {
      let marker: string | null = null;
      let pages = 0;
      do {
        const data = await postGraphql(baseUrl, JSON.stringify({ query, variables: { marker } }));
        const images = (data.ListCloudImages as { images: { id: string }[] }).images;
        const next: string | null = images.length > WALK_PAGE ? images[WALK_PAGE - 1]!.id : null;
        expect(nextMarker(JSON.stringify({ data })) === next, "Mesh's walk finds the marker");
        marker = next;
        pages++;
      } while (marker !== null && pages < 100);
      expect(pages > 1 && pages < 100, `Mesh's walk takes several pages (${pages})`);
    },
  };
}

export interface ScenarioSetup {
  root: string;
  /** Five image ids of the region, for the by-id scenario. */
  ids: string[];
}

/** The list-500-all query: a full page, every field but `raw`, cursors and pageInfo (also what --floor executes). */
export function list500AllQuery(root: string): string {
  return `{ images(region: "${REGION}", first: 500) { edges { cursor node { ${allImageFields(root)} } } pageInfo { hasNextPage endCursor } } }`;
}

export function scenarios({ root, ids }: ScenarioSetup): Scenario[] {
  const fanout = Array.from({ length: 20 }, (_, i) => `a${i}: image(region: "${REGION}", imageId: "${ids[i % ids.length]}") { ${LIST_FIELDS} }`);
  const meshFanout = Array.from({ length: 20 }, (_, i) => `a${i}: ${meshListing(`id: "${ids[i % ids.length]}"`, MESH_LIST_FIELDS)}`);
  const list20 = restPath('limit=21&sort_key=created_at&sort_dir=desc');
  const list500 = restPath('limit=500&sort_key=created_at&sort_dir=desc');
  const byId = ids.map((id) => restPath(`id=${id}`));
  return [
    {
      name: 'list-20',
      graphql: graphqlSide(`{ images(region: "${REGION}", first: 20) { nodes { ${LIST_FIELDS} } pageInfo { hasNextPage endCursor } } }`, (data) => {
        const images = data.images as Connection<unknown>;
        expect(images.nodes!.length === 20 && images.pageInfo.hasNextPage, 'list-20 returns 20 images and more to come');
      }),
      rest: restSide([list20], 21),
      // A page of 20 as a Mesh client asks for it (Mesh has no hasNextPage to spend an extra row on).
      mesh: meshSide(`{ ${meshListing('limit: 20, sort_key: "created_at", sort_dir: "desc"', MESH_LIST_FIELDS)} }`, 20),
      passThrough: passThroughSide([list20], 'list-20'),
      restCallsPerGraphql: 1,
      targets: { rest: 0.6, mesh: 1.3, p99: 2 },
    },
    {
      name: 'list-500-all',
      graphql: graphqlSide(list500AllQuery(root), (data) => {
        const images = data.images as Connection<unknown>;
        expect(images.edges!.length === 500 && images.edges!.every((edge) => edge.node !== null), 'list-500-all returns 500 images');
      }),
      rest: restSide([list500], 500),
      mesh: meshSide(`{ ${meshListing('limit: 500, sort_key: "created_at", sort_dir: "desc"', allMeshFields(root))} }`, 500),
      passThrough: passThroughSide([list500], 'list-500-all'),
      restCallsPerGraphql: 1,
      targets: { rest: 0.4, mesh: 2 },
    },
    { name: 'walk', graphql: graphqlWalk(), rest: restWalk(), mesh: meshWalk(), restCallsPerGraphql: 1, targets: {} },
    {
      name: 'by-id-fanout',
      graphql: graphqlSide(`{ ${fanout.join(' ')} }`, (data) => {
        expect(Object.keys(data).length === 20 && Object.values(data).every((image) => image !== null), 'by-id-fanout finds its 20 images');
      }),
      rest: restSide(byId, 1),
      mesh: meshSide(`{ ${meshFanout.join(' ')} }`, 1),
      passThrough: passThroughSide(byId, 'by-id-fanout'),
      restCallsPerGraphql: ids.length,
      targets: {},
    },
  ];
}
