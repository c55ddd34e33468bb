import { generate } from '@graphql-codegen/cli';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import codegenConfig from '../../examples/client/codegen.js';
import { createClient, GraphQLClientError, type Client } from '../../examples/client/src/client.js';
import type { DiskFormat, ImageStatus } from '../../examples/client/src/gql/graphql.js';
import { ALICE, useApi } from '../helpers/api-server.js';

/**
 * The frontend example (`examples/client/`): its committed codegen output (with the trusted-documents
 * manifest) is what the codegen config makes of today's schema and operations, it type-checks on its
 * own tsconfig, and its typed client lists, pages forward and backward, and refetches by `node(id)`
 * against the real server started with that manifest in TRUSTED_DOCUMENTS_MODE=enforce, sending
 * each operation by its id; an ad-hoc query is refused there. The oracles it compares with are
 * asked of a second server without a manifest, on the same emulator.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const generatedDir = join(root, 'examples/client/src/gql');
const manifest = join(generatedDir, 'persisted-documents.json');
const REGION = 'cn-north-4';

describe('examples/client: codegen and type check', () => {
  it('the committed src/gql/ is what codegen generates from schema/schema.graphql and the operations (offline)', async () => {
    // saveToFile false: the files are returned, not written.
    const outputs = (await generate({ ...codegenConfig, cwd: root, silent: true }, false)) as { filename: string; content: string }[];
    const generated = Object.fromEntries(outputs.map((output) => [relative(root, join(root, output.filename)).split('\\').join('/'), output.content]));
    const committed = Object.fromEntries(
      readdirSync(generatedDir).map((name) => [`examples/client/src/gql/${name}`, readFileSync(join(generatedDir, name), 'utf8')]),
    );
    expect(Object.keys(generated).sort()).toEqual(Object.keys(committed).sort());
    const drifted = Object.keys(generated).filter((file) => committed[file] !== generated[file]);
    expect(drifted, 'regenerate with `npx graphql-codegen --config examples/client/codegen.ts`').toEqual([]);
    // The scalar mappings (strictScalars: an unmapped scalar fails generation), as the types say them.
    const types = committed['examples/client/src/gql/graphql.ts'];
    expect(types).toMatch(/export type ImageDetailFragment = \{[^\n]*updatedAt: string,[^\n]*raw: Record<string, unknown>,[^\n]*imageSize: string \| null,/);
  });

  it('type-checks with its own tsconfig (tsc --noEmit -p examples/client/tsconfig.json)', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', 'examples/client/tsconfig.json'], { cwd: root }).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('examples/client: the typed client against a server that runs only its manifest', () => {
  const api = useApi({ env: { TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_MODE: 'enforce' } });
  /** Ad-hoc oracle queries, which `api` refuses. */
  const plain = useApi(() => ({ sharedEmulator: api.emulator }));
  /** The bodies the client sent. */
  const sent: Record<string, unknown>[] = [];
  let client: Client;

  beforeAll(async () => {
    const recording: typeof fetch = (input, init) => {
      sent.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      return fetch(input, init);
    };
    client = createClient({ url: `${api.url}/graphql`, token: ALICE.token, fetch: recording });
  });

  it('the server loaded the generated manifest: every operation codegen knows, by its sha256 id', () => {
    const listed = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, string>;
    const operations = Object.values(listed).flatMap((body) => [...body.matchAll(/\bquery (\w+)/g)].map((m) => m[1]));
    expect(operations).toEqual(expect.arrayContaining(['ImagesPage', 'PreviousImagesPage', 'RefetchNode', 'ImagesWindow']));
    for (const id of Object.keys(listed)) expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(api.app.config.trustedDocuments.mode).toBe('enforce');
  });

  it('results are typed as the operations select, with the scalar mappings', () => {
    type Summary = NonNullable<NonNullable<Awaited<ReturnType<Client['imagesPage']>>['images']['edges'][number]>['node']>;
    expectTypeOf<Summary['imageSize']>().toEqualTypeOf<string | null>();
    expectTypeOf<Summary['createdAt']>().toEqualTypeOf<string>();
    expectTypeOf<Summary['status']>().toEqualTypeOf<ImageStatus>();
    expectTypeOf<Summary['diskFormat']>().toEqualTypeOf<DiskFormat | null>();
    type Detail = NonNullable<Awaited<ReturnType<Client['refetch']>>>;
    expectTypeOf<Detail['raw']>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<Detail['updatedAt']>().toEqualTypeOf<string>();
    // Variables are typed too: a page goes one way.
    expectTypeOf(client.images).parameter(1).toEqualTypeOf<{ first: number; after?: string | null } | { last: number; before?: string | null }>();
  });

  it('lists the first page as the API and the upstream order have it', async () => {
    const page = await client.imagesPage(REGION);
    const raw = await plain.query<{ images: { edges: { node: { imageId: string; name: string; imageSize: string | null; createdAt: string } }[] } }>(
      `{ images(region: "${REGION}", first: 20) { edges { node { imageId name imageSize createdAt } } } }`,
    );
    expect(page.images.edges).toHaveLength(20);
    expect(page.images.pageInfo.hasNextPage).toBe(true);
    expect(page.images.edges.map((edge) => edge?.node && { imageId: edge.node.imageId, name: edge.node.name, imageSize: edge.node.imageSize, createdAt: edge.node.createdAt })).toEqual(
      raw.data?.images.edges.map((edge) => edge.node),
    );
    const oracle = await plain.rest<{ images: { id: string }[] }>(`/v1/cloudimages/${REGION}?limit=20`);
    expect(page.images.edges.map((edge) => edge?.node?.imageId)).toEqual(oracle.body.images.map((image) => image.id));
  });

  it('pages forward with endCursor and back with the next page start, ending where it began', async () => {
    const first = await client.imagesPage(REGION);
    const second = await client.imagesPage(REGION, first.images.pageInfo.endCursor);
    const oracle = await plain.rest<{ images: { id: string }[] }>(`/v1/cloudimages/${REGION}?limit=40`);
    const ids = oracle.body.images.map((image) => image.id);
    expect(second.images.edges.map((edge) => edge?.node?.imageId)).toEqual(ids.slice(20, 40));

    const secondStart = second.images.edges[0]?.cursor;
    expect(secondStart).toBeTypeOf('string');
    const back = await client.previousImagesPage(REGION, secondStart!);
    expect(back.images.nodes.map((node) => node?.imageId)).toEqual(ids.slice(0, 20));
    expect(back.images.nodes).toEqual(first.images.edges.map((edge) => edge?.node));
    expect(back.images.pageInfo.hasPreviousPage).toBe(false);

    // Any page size, both ways, through the in-place `graphql()` document.
    const forward: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const window = await client.images(REGION, { first: 7, after });
      forward.push(...window.images.edges.map((edge) => edge!.node!.imageId));
      expect(window.images.pageInfo.hasNextPage).toBe(true);
      after = window.images.pageInfo.endCursor;
    }
    expect(forward).toEqual(ids.slice(0, 21));
    const backward: string[] = [];
    let before: string | null = after;
    let hasPreviousPage = true;
    while (hasPreviousPage) {
      const window = await client.images(REGION, { last: 7, before });
      backward.unshift(...window.images.edges.map((edge) => edge!.node!.imageId));
      ({ hasPreviousPage } = window.images.pageInfo);
      before = window.images.pageInfo.startCursor;
    }
    expect(backward).toEqual(ids.slice(0, 20));
  });

  it('refetches an image by node(id), equal to what image(region, imageId) answers', async () => {
    const page = await client.imagesPage(REGION);
    const summary = page.images.edges[3]?.node;
    expect(summary).toBeTruthy();
    const image = await client.refetch(summary!.id);
    expect(image).toMatchObject(summary!);
    const raw = await plain.query<{ image: Record<string, unknown> }>(
      `query($id: String!) { image(region: "${REGION}", imageId: $id) { id imageId name imageSize createdAt updatedAt raw support { kvm arm } } }`,
      { id: summary!.imageId },
    );
    expect(raw.data?.image).toEqual({
      id: image?.id,
      imageId: image?.imageId,
      name: image?.name,
      imageSize: image?.imageSize,
      createdAt: image?.createdAt,
      updatedAt: image?.updatedAt,
      raw: image?.raw,
      support: { kvm: image?.support.kvm, arm: image?.support.arm },
    });
    const oracle = await plain.rest<{ images: Record<string, unknown>[] }>(`/v1/cloudimages/${REGION}?id=${summary!.imageId}`);
    expect(image?.raw).toEqual(oracle.body.images[0]);
  });

  it('sent every listed operation by documentId alone, never its text', () => {
    expect(sent.length).toBeGreaterThan(5);
    for (const body of sent) {
      expect(body.documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(body).not.toHaveProperty('query');
    }
  });

  it('an ad-hoc query is refused before any upstream call: HTTP 400, TRUSTED_DOCUMENT_REQUIRED', async () => {
    api.emulator.clearRequests();
    const adHoc = parse(`query AdHoc { images(region: "${REGION}", first: 1) { nodes { imageId } } }`) as TypedDocumentNode<unknown, Record<string, never>>;
    const error = await client.request(adHoc, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLClientError);
    expect((error as GraphQLClientError).status).toBe(400);
    expect((error as GraphQLClientError).codes).toEqual(['TRUSTED_DOCUMENT_REQUIRED']);
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it('errors come back as GraphQLClientError with their extensions.code and HTTP status', async () => {
    const stranger = createClient({ url: `${api.url}/graphql`, token: 'not-a-token' });
    const error = await stranger.imagesPage(REGION).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLClientError);
    expect((error as GraphQLClientError).status).toBe(401);
    expect((error as GraphQLClientError).codes).toEqual(['UNAUTHENTICATED']);
  });
});
