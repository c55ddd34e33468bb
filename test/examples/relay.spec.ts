import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertObjectType, buildSchema, getNamedType, isListType, isNonNullType, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALICE, useApi } from '../helpers/api-server.js';

/**
 * The Relay example (`examples/relay/`): the real relay-compiler (the npm package's own binary, as a
 * frontend build runs it) compiles its pagination and refetch fragments against
 * schema/schema.graphql, so Relay's rules for connections and for Node refetches are checked by
 * Relay; the queries it makes run against the server; a document Relay refuses fails the run.
 * It compiles a copy in a temp dir: nothing is generated into the repository.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const example = join(root, 'examples/relay');
const REGION = 'cn-north-4';
/** relay-compiler's index.js names the binary it ships for this platform (null for none). */
const relayBinary = createRequire(import.meta.url)('relay-compiler') as string | null;
const ANSI = /\x1b\[[0-9;]*m/g;

interface Compiled {
  code: number;
  output: string;
  /** src/__generated__/, by file name. */
  artifacts: Record<string, string>;
  /** With `persist`: the persisted queries file relay-compiler wrote. */
  persisted?: string;
}

/** The config's `persistConfig` for local persisting: relay-compiler writes the queries to this file (which must exist) and their ids in the artifacts. */
const PERSIST_CONFIG = { file: './persisted_queries.json', algorithm: 'MD5' };

/**
 * Compiles a copy of examples/relay, its config as committed and the schema where it points, with
 * `extra` source files added; with `persist`, its queries persisted to a local file as well.
 */
async function compile(extra: Record<string, string> = {}, { persist = false } = {}): Promise<Compiled> {
  if (relayBinary === null) throw new Error(`relay-compiler ships no binary for ${process.platform} ${process.arch}`);
  const dir = await mkdtemp(join(tmpdir(), 'relay-example-'));
  try {
    const copy = join(dir, 'examples/relay');
    await cp(example, copy, { recursive: true, filter: (source) => !source.includes('__generated__') });
    await mkdir(join(dir, 'schema'));
    await cp(join(root, 'schema/schema.graphql'), join(dir, 'schema/schema.graphql'));
    for (const [name, text] of Object.entries(extra)) await writeFile(join(copy, 'src', name), text);
    if (persist) {
      const configFile = join(copy, 'relay.config.json');
      await writeFile(configFile, JSON.stringify({ ...(JSON.parse(await readFile(configFile, 'utf8')) as object), persistConfig: PERSIST_CONFIG }));
      await writeFile(join(copy, PERSIST_CONFIG.file), '{}');
    }
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(relayBinary, ['--noWatchman', '--output', 'quiet-with-errors'], { cwd: copy }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}`.replace(ANSI, '') });
      });
    });
    const generated = join(copy, 'src/__generated__');
    const names = await readdir(generated).catch(() => []);
    const artifacts = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(join(generated, name), 'utf8')] as const)));
    return { code, output, artifacts, ...(persist ? { persisted: await readFile(join(copy, PERSIST_CONFIG.file), 'utf8') } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The operation text of a generated query artifact (its `params.text`). */
function operationText(artifact: string | undefined): string {
  const literal = /"text": ("(?:[^"\\]|\\.)*")/.exec(artifact ?? '')?.[1];
  if (literal === undefined) throw new Error('no operation text in the artifact');
  return JSON.parse(literal) as string;
}

let compiled: Compiled;
beforeAll(async () => {
  compiled = await compile();
});

describe('examples/relay: relay-compiler', () => {
  it('compiles it against schema/schema.graphql without an error, into the artifacts of its fragments and queries', () => {
    expect(compiled.output).toBe('');
    expect(compiled.code).toBe(0);
    expect(Object.keys(compiled.artifacts).sort()).toEqual([
      'ImageListPaginationQuery.graphql.ts',
      'ImageListQuery.graphql.ts',
      'ImageList_query.graphql.ts',
      'ImageRowRefetchQuery.graphql.ts',
      'ImageRow_image.graphql.ts',
    ]);
    // The custom scalars as relay.config.json maps them (requireCustomScalarTypes: an unmapped one fails).
    const row = compiled.artifacts['ImageRow_image.graphql.ts'];
    for (const field of ['readonly createdAt: string;', 'readonly imageSize: string | null | undefined;', 'readonly status: ImageStatus;']) expect(row).toContain(field);
  });

  it('the @connection fragment pages `images` forward: first/after from @argumentDefinitions, with the cursors and pageInfo it needs', () => {
    const text = operationText(compiled.artifacts['ImageListPaginationQuery.graphql.ts']);
    expect(text).toMatch(/^query ImageListPaginationQuery\(\n {2}\$count: Int = 20\n {2}\$cursor: String\n/);
    expect(text).toContain('images(region: $region, filter: $filter, sort: $sort, first: $count, after: $cursor) {');
    expect(text).toMatch(/edges \{\n\s+node \{[^}]*__typename\n\s+\}\n\s+cursor\n\s+\}\n\s+pageInfo \{\n\s+endCursor\n\s+hasNextPage\n\s+\}/);
    // usePaginationFragment's loadNext: count and cursor are the connection's forward arguments.
    expect(compiled.artifacts['ImageList_query.graphql.ts']).toMatch(/"connection": \[\s*\{\s*"count": "count",\s*"cursor": "cursor",\s*"direction": "forward",/);
  });

  it('the @refetchable fragment on Image refetches through Query.node(id:)', () => {
    const text = operationText(compiled.artifacts['ImageRowRefetchQuery.graphql.ts']);
    expect(text).toMatch(/^query ImageRowRefetchQuery\(\n {2}\$id: ID!\n\) \{\n {2}node\(id: \$id\) \{\n {4}__typename\n {4}\.\.\.ImageRow_image\n {4}id\n/);
  });

  it.each([
    ['an unknown field', 'fragment Broken_image on Image { imageColour }', /The type `Image` has no field `imageColour`/],
    [
      'a connection without first or last',
      'fragment Broken_query on Query @argumentDefinitions(region: { type: "String!" }) { images(region: $region) @connection(key: "Broken_images") { edges { node { id } } } }',
      /Expected field 'images' to be passed a 'first' or 'last' argument/,
    ],
    ['@refetchable on a type that is not a Node', 'fragment Broken_os on ImageOs @refetchable(queryName: "BrokenOsRefetchQuery") { type }', /Invalid use of @refetchable on fragment 'Broken_os'/],
  ])('fails on %s, naming it', async (_label, document, message) => {
    const broken = await compile({ 'Broken.ts': `import { graphql } from 'relay-runtime';\n\nexport const broken = graphql\`${document}\`;\n` });
    expect(broken.code).not.toBe(0);
    expect(broken.output).toMatch(message);
    expect(broken.output).toContain('Compilation failed.');
  });
});

describe('examples/relay: the compiled queries against the server', () => {
  const api = useApi();

  interface Row {
    id: string;
    imageId: string;
    name: string;
    status: string;
    imageSize: string | null;
    createdAt: string;
  }
  interface Page {
    images: { edges: { cursor: string; node: Row & { __typename: string } }[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
  }

  it('ImageListQuery, then ImageListPaginationQuery from its endCursor: the first pages in upstream order; ImageRowRefetchQuery: one row by node(id)', async () => {
    const first = await api.query<Page>(operationText(compiled.artifacts['ImageListQuery.graphql.ts']), { region: REGION });
    expect(first.errors).toBeUndefined();
    const next = await api.query<Page>(operationText(compiled.artifacts['ImageListPaginationQuery.graphql.ts']), {
      region: REGION,
      count: 20,
      cursor: first.data!.images.pageInfo.endCursor,
    });
    expect(next.errors).toBeUndefined();
    expect([first, next].map((page) => page.data!.images.pageInfo.hasNextPage)).toEqual([true, true]);
    const rows = [first, next].flatMap((page) => page.data!.images.edges.map((edge) => edge.node));
    const oracle = await api.rest<{ images: { id: string }[] }>(`/v1/cloudimages/${REGION}?limit=40`);
    expect(rows.map((row) => row.imageId)).toEqual(oracle.body.images.map((image) => image.id));

    const { __typename, ...row } = rows[25]!;
    expect(__typename).toBe('Image');
    const refetched = await api.query<{ node: Row & { __typename: string } }>(operationText(compiled.artifacts['ImageRowRefetchQuery.graphql.ts']), { id: row.id });
    expect(refetched.errors).toBeUndefined();
    expect(refetched.data).toEqual({ node: { __typename: 'Image', ...row } });
  });
});

describe('the connection contract beyond what relay-compiler checks (nullability, exact types)', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    // schema.graphql is what the code emits (test/schema.spec.ts).
    schema = buildSchema(await readFile(join(root, 'schema/schema.graphql'), 'utf8'));
  });

  it('ImageConnection follows the Relay Cursor Connections spec, with nullable items (one bad image is one null)', () => {
    const connection = assertObjectType(schema.getType('ImageConnection')).getFields();
    expect(String(connection.edges!.type)).toBe('[ImageEdge]!');
    expect(String(connection.nodes!.type)).toBe('[Image]!');
    expect(String(connection.pageInfo!.type)).toBe('PageInfo!');
    const edge = assertObjectType(schema.getType('ImageEdge')).getFields();
    expect(String(edge.cursor!.type)).toBe('String!');
    const node = edge.node!.type;
    expect(isNonNullType(node) || isListType(node)).toBe(false);
    expect(assertObjectType(getNamedType(node)).getInterfaces().map((i) => i.name)).toContain('Node');
    const pageInfo = assertObjectType(schema.getType('PageInfo')).getFields();
    expect(Object.fromEntries(Object.entries(pageInfo).map(([name, field]) => [name, String(field.type)]))).toEqual({
      endCursor: 'String',
      hasNextPage: 'Boolean!',
      hasPreviousPage: 'Boolean!',
      startCursor: 'String',
    });
    const args = schema.getQueryType()!.getFields().images!.args;
    expect(Object.fromEntries(args.filter((a) => ['first', 'after', 'last', 'before'].includes(a.name)).map((a) => [a.name, String(a.type)]))).toEqual({
      after: 'String',
      before: 'String',
      first: 'Int',
      last: 'Int',
    });
  });
});

describe('examples/relay: persisted queries as trusted documents', () => {
  let persisted: Compiled;
  let manifest: string;
  beforeAll(async () => {
    persisted = await compile({}, { persist: true });
    expect(persisted.code, persisted.output).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'relay-persisted-'));
    manifest = join(dir, 'persisted_queries.json');
    await writeFile(manifest, persisted.persisted!);
    return () => rm(dir, { recursive: true, force: true });
  });
  const api = useApi(() => ({ env: { TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_MODE: 'enforce' } }));

  /** The id relay-compiler gave a query in its artifact (`params.id`, its text then null). */
  function persistedId(artifact: string | undefined): string {
    expect(artifact).toContain('"text": null');
    const id = /"id": "([0-9a-f]{32})"/.exec(artifact ?? '')?.[1];
    if (id === undefined) throw new Error('no persisted id in the artifact');
    return id;
  }

  it('relay-compiler\'s file, { "<md5>": "<text>" }, is a manifest the server loads; each query runs by the id its artifact carries, in enforce mode', async () => {
    const listed = JSON.parse(persisted.persisted!) as Record<string, string>;
    expect(Object.keys(listed)).toHaveLength(3);
    const id = persistedId(persisted.artifacts['ImageListQuery.graphql.ts']);
    expect(listed[id]).toMatch(/^query ImageListQuery\(/);
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
      body: JSON.stringify({ documentId: id, variables: { region: REGION } }),
    });
    const body = (await response.json()) as { data?: { images: { edges: { node: { imageId: string } }[] } } };
    const oracle = await api.rest<{ images: { id: string }[] }>(`/v1/cloudimages/${REGION}?limit=20`);
    expect(body.data?.images.edges.map((edge) => edge.node.imageId)).toEqual(oracle.body.images.map((image) => image.id));
    // Any text that is not a listed query is refused.
    const refused = await api.query(`{ images(region: "${REGION}", first: 1) { nodes { id } } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });
});
