import type { GraphQLSchema } from 'graphql';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadTrustedDocuments, readManifest, TrustedDocumentList, TrustedDocumentsError, type DocumentRules } from '../../src/apollo/trusted-documents.js';
import { DEFAULT_QUERY_LIMITS, loadConfig } from '../../src/config/index.js';
import { createSchema } from '../../src/schema.js';

/**
 * Trusted-document manifests, read as the server reads them at start-up: the three formats client
 * toolchains write give the same list, ids are found exactly (or by the SHA-256 of a listed text),
 * and a manifest the server would refuse any part of stops start-up with a message naming the file
 * and the document. The request side is test/http/trusted-documents.spec.ts.
 */

const PAGE = 'query ManifestPage($region: String!, $first: Int) { images(region: $region, first: $first) { nodes { imageId } } }';
const REGIONS = 'query ManifestRegions { regions }';
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let file = 0;
/** Writes a manifest (JSON unless text is given) and returns its path. */
function manifest(content: unknown): string {
  const path = join(dir, `manifest-${++file}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

let schema: GraphQLSchema;
let rules: DocumentRules;
beforeAll(async () => {
  schema = await createSchema();
  rules = { schema, limits: DEFAULT_QUERY_LIMITS, introspection: true, snapshotPages: 41 };
});

describe('the three manifest formats', () => {
  const apollo = {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [
      { id: sha256(PAGE), name: 'ManifestPage', type: 'query', body: PAGE },
      { id: sha256(REGIONS), name: 'ManifestRegions', type: 'query', body: REGIONS },
    ],
  };
  const codegen = { [sha256(PAGE)]: PAGE, [sha256(REGIONS)]: REGIONS };
  const relay = { [md5(PAGE)]: PAGE, [md5(REGIONS)]: REGIONS };

  it('reads Apollo\'s persisted query manifest, codegen\'s persistedDocuments and Relay\'s persisted queries into the same documents', () => {
    expect(readManifest(apollo)).toEqual([
      { id: sha256(PAGE), name: 'ManifestPage', body: PAGE },
      { id: sha256(REGIONS), name: 'ManifestRegions', body: REGIONS },
    ]);
    expect(readManifest(codegen)).toEqual([
      { id: sha256(PAGE), body: PAGE },
      { id: sha256(REGIONS), body: REGIONS },
    ]);
    expect(readManifest(relay)).toEqual([
      { id: md5(PAGE), body: PAGE },
      { id: md5(REGIONS), body: REGIONS },
    ]);
  });

  it('finds a document by the id its manifest gives it, or by the SHA-256 of its exact text (bare or sha256:), nothing else', () => {
    const list = new TrustedDocumentList(readManifest(relay));
    expect(list.size).toBe(2);
    expect(list.find(md5(PAGE))?.body).toBe(PAGE);
    expect(list.find(sha256(PAGE))?.body).toBe(PAGE);
    expect(list.find(`sha256:${sha256(REGIONS)}`)?.body).toBe(REGIONS);
    for (const near of [md5(PAGE).slice(0, 31), md5(PAGE).toUpperCase(), ` ${md5(PAGE)}`, sha256(PAGE).toUpperCase(), `sha256:${md5(PAGE)}`, `sha1:${sha256(PAGE)}`, sha256(`${PAGE} `), '']) {
      expect(list.find(near), near).toBeUndefined();
    }
    expect(list.withText(PAGE)?.id).toBe(md5(PAGE));
    expect(list.withText(`${PAGE}\n`)).toBeUndefined();
  });

  it('loads each format from a file, every document checked', async () => {
    for (const content of [apollo, codegen, relay]) {
      const list = await loadTrustedDocuments(manifest(content), rules);
      expect(list.documents.map((d) => d.body)).toEqual([PAGE, REGIONS]);
    }
  });
});

describe('a manifest the server would refuse stops start-up, naming the file and the document', () => {
  const refusals: [string, unknown, RegExp][] = [
    ['not JSON', '{"abc": "query {', /: is not JSON \(/],
    ['not an object', [PAGE], /: not a JSON object: expected an Apollo persisted query manifest or a map of ids to documents/],
    ['empty', {}, /: lists no document/],
    ['an entry that is not text', { abc: { query: PAGE } }, /: entry "abc" must map an id .* to the document's text/],
    ['an id with a space', { 'a b': PAGE }, /: entry "a b" must map an id/],
    ['Apollo manifest of an unknown version', { format: 'apollo-persisted-query-manifest', version: 2, operations: [] }, /only version 1 is known/],
    ['Apollo manifest without a body', { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'x', name: 'X' }] }, /operations\[0\] needs an `id`/],
    [
      'one id for two documents',
      { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'same', body: PAGE }, { id: 'same', body: REGIONS }] },
      /id same is given to two different documents/,
    ],
    ['a document that does not parse', { broken: 'query { images(' }, /document broken: Syntax Error/],
    ['a field the schema does not have', { unknown: '{ regions nope }' }, /document unknown: Cannot query field "nope" on type "Query"/],
    ['a document over the depth limit', { deep: `{ image(region: "cn-north-4", imageId: "x") { ${'parentImage { '.repeat(12)}id${' }'.repeat(12)} } }` }, /document deep: .*depth/i],
    [
      'a document over MAX_QUERY_COST at its largest variables',
      { dear: 'query Dear($first: Int) { images(region: "cn-north-4", first: $first) { nodes { parentImage { parentImage { id } } } } }' },
      /document dear: operation Dear could make up to 1008 calls to the image service with its largest variables; MAX_QUERY_COST is 600/,
    ],
  ];

  it.each(refusals)('%s', async (_what, content, message) => {
    const path = manifest(content);
    const error = await loadTrustedDocuments(path, rules).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrustedDocumentsError);
    expect((error as Error).message.startsWith(`TRUSTED_DOCUMENTS=${path}: `)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('a file that cannot be read', async () => {
    const path = join(dir, 'missing.json');
    await expect(loadTrustedDocuments(path, rules)).rejects.toThrow(`TRUSTED_DOCUMENTS=${path}: cannot be read (ENOENT)`);
  });

  it('names every refused document, not only the first', async () => {
    const path = manifest({ ok: REGIONS, one: '{ nope }', two: '{ regions { x } }' });
    const message = await loadTrustedDocuments(path, rules).then(
      () => '',
      (e: unknown) => (e as Error).message,
    );
    expect(message).toMatch(/2 of the 3 listed documents would be refused:\n {2}- document one: .*\n {2}- document two: /);
  });

  it('introspection in a listed document, when introspection is off', async () => {
    const path = manifest({ schema: '{ __schema { queryType { name } } }' });
    await expect(loadTrustedDocuments(path, { ...rules, introspection: true })).resolves.toBeInstanceOf(TrustedDocumentList);
    await expect(loadTrustedDocuments(path, { ...rules, introspection: false })).rejects.toThrow(/document schema: GraphQL introspection has been disabled/);
  });

  it('prices a document at its worst: the largest page a variable can ask, @skip and @include ignored, a filter variable that reads a snapshot', async () => {
    // 500 rows and their probe (8) and 500 parents: 508; with a snapshot read (41 pages) on top: 549.
    const skipped = 'query Skipped($first: Int, $with: Boolean!) { images(region: "cn-north-4", first: $first) { nodes { parentImage @include(if: $with) { id } } } }';
    await expect(loadTrustedDocuments(manifest({ skipped }), rules)).resolves.toBeInstanceOf(TrustedDocumentList);
    await expect(loadTrustedDocuments(manifest({ skipped }), { ...rules, limits: { ...rules.limits, maxCost: 507 } })).rejects.toThrow(/could make up to 508 calls/);
    const filtered = 'query Filtered($first: Int, $filter: ImageFilter) { images(region: "cn-north-4", first: $first, filter: $filter) { nodes { parentImage { id } } } }';
    await expect(loadTrustedDocuments(manifest({ filtered }), rules)).resolves.toBeInstanceOf(TrustedDocumentList);
    await expect(loadTrustedDocuments(manifest({ filtered }), { ...rules, limits: { ...rules.limits, maxCost: 548 } })).rejects.toThrow(/operation Filtered could make up to 549 calls/);
    // A literal page size is what it says.
    const literal = 'query Literal($filter: ImageFilter) { images(region: "cn-north-4", first: 10, filter: $filter) { nodes { parentImage { id } } } }';
    await expect(loadTrustedDocuments(manifest({ literal }), { ...rules, limits: { ...rules.limits, maxCost: 53 } })).resolves.toBeInstanceOf(TrustedDocumentList);
  });

  it('createApp stops before it starts anything (no emulator, no listener) when the manifest is refused', async () => {
    const path = manifest({ dear: '{ images(region: "cn-north-4", first: 500) { nodes { parentImage { parentImage { id } } } } }' });
    const config = loadConfig({ TRUSTED_DOCUMENTS: path, TRUSTED_DOCUMENTS_MODE: 'enforce', PORT: '0', LOG_LEVEL: 'silent' });
    await expect(createApp(config)).rejects.toThrow(`TRUSTED_DOCUMENTS=${path}: 1 of the 1 listed documents would be refused:\n  - document dear: its operation could make up to 1008 calls`);
  });
});
