import { ApolloClient, HttpLink, InMemoryCache, type ApolloLink } from '@apollo/client';
import { generate } from '@graphql-codegen/cli';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { print } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import codegenConfig from '../../examples/image-picker/codegen.js';
import { noticeOf, problemsOf, rowNotesOf } from '../../examples/image-picker/src/errors.js';
import { filterOf, INITIAL_CHOICES } from '../../examples/image-picker/src/filters.js';
import { PickerImagesDocument } from '../../examples/image-picker/src/queries.js';
import { ResponseStore } from '../../examples/image-picker/src/response-store.js';
import { ALICE, startApi, type ApiHarness } from '../helpers/api-server.js';
import { reply, startStubUpstream, stubImage, type StubUpstream } from '../helpers/stub-upstream.js';

/**
 * The reference picker's parts that need no browser (test/browser/image-picker.spec.ts drives the
 * app itself): its committed codegen output, its type check, and how it reads what the real server
 * answers through Apollo Client: each error by its `extensions.code`, `extensions.cost`, and notes
 * on rows that came back partial.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const generatedDir = join(root, 'examples/image-picker/src/gql');
const VARIABLES = { region: 'cn-north-4', filter: { status: 'ACTIVE' }, sort: { key: 'NAME', direction: 'ASC' }, first: 20 } as const;

describe('examples/image-picker: codegen and type check', () => {
  it('the committed src/gql/ is what codegen generates from schema/schema.graphql and the sources (offline)', async () => {
    const outputs = (await generate({ ...codegenConfig, cwd: root, silent: true }, false)) as { filename: string; content: string }[];
    const generated = Object.fromEntries(outputs.map((output) => [relative(root, join(root, output.filename)).split('\\').join('/'), output.content]));
    const committed = Object.fromEntries(
      readdirSync(generatedDir).map((name) => [`examples/image-picker/src/gql/${name}`, readFileSync(join(generatedDir, name), 'utf8')]),
    );
    expect(Object.keys(generated).sort()).toEqual(Object.keys(committed).sort());
    const drifted = Object.keys(generated).filter((file) => committed[file] !== generated[file]);
    expect(drifted, 'regenerate with `npx graphql-codegen --config examples/image-picker/codegen.ts`').toEqual([]);
    expect(committed['examples/image-picker/src/gql/graphql.ts']).toMatch(/export type PickerImageFragment = \{[^\n]*imageSize: string \| null,[^\n]*createdAt: string,/);
  });

  it('type-checks with its own tsconfig (tsc --noEmit -p examples/image-picker/tsconfig.json)', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', 'examples/image-picker/tsconfig.json'], { cwd: root }).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('examples/image-picker: choices as the API filter', () => {
  it('sends only what was picked, so equal choices are one cache key', () => {
    expect(filterOf({ region: 'r', ...INITIAL_CHOICES })).toEqual({ status: 'ACTIVE' });
    expect(filterOf({ region: 'r', ...INITIAL_CHOICES, search: '  ubuntu 22 ', platform: 'Ubuntu', architecture: 'ARM', osType: 'LINUX', gpu: 'without', activeOnly: false })).toEqual({
      nameContains: 'ubuntu 22',
      platform: 'Ubuntu',
      architecture: 'ARM',
      osType: 'LINUX',
      hasGpu: false,
    });
  });
});

/** Apollo Client as the picker sets it up (src/apollo.ts), minus the browser's token store: the store's link, then HTTP. */
function client(url: string, token: string, responses = new ResponseStore()): ApolloClient {
  const link: ApolloLink = responses.link().concat(new HttpLink({ uri: `${url}/graphql`, headers: { 'X-Auth-Token': token } }));
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

async function pickerPage(url: string, token = ALICE.token, responses?: ResponseStore): Promise<{ error?: unknown }> {
  return client(url, token, responses).query({ query: PickerImagesDocument, variables: VARIABLES, errorPolicy: 'all', fetchPolicy: 'no-cache' });
}

describe('examples/image-picker: what the real server answers, as the picker reads it', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterEach(() => {
    api.emulator.setFaults({ throttleEvery: 0, throttleBurst: 0 });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('a refused token (401): sign in', async () => {
    const { error } = await pickerPage(api.url, 'not-a-token');
    expect(problemsOf(error).map((problem) => problem.code)).toEqual(['UNAUTHENTICATED']);
    expect(noticeOf(problemsOf(error))).toEqual({ kind: 'sign-in' });
  });

  it('RATE_LIMITED: wait for its retryAfterSeconds', async () => {
    api.emulator.setFaults({ throttleEvery: 0, throttleBurst: 1, retryAfterSeconds: 7 });
    const { error } = await pickerPage(api.url);
    expect(noticeOf(problemsOf(error))).toEqual({ kind: 'rate-limited', retryAfterSeconds: 7 });
  });

  it('any other code: the code and the message', async () => {
    const { error } = await client(api.url, ALICE.token).query({ query: PickerImagesDocument, variables: { ...VARIABLES, first: 501 }, errorPolicy: 'all' });
    expect(noticeOf(problemsOf(error))).toEqual({ kind: 'failed', code: 'BAD_USER_INPUT', message: expect.stringContaining('first') as unknown });
  });

  it('no answer at all: NETWORK_ERROR', async () => {
    const { error } = await pickerPage('http://127.0.0.1:9');
    expect(noticeOf(problemsOf(error))).toMatchObject({ kind: 'failed', code: 'NETWORK_ERROR' });
  });

  it("records each operation's extensions.cost, as the API sent it", async () => {
    const responses = new ResponseStore();
    await pickerPage(api.url, ALICE.token, responses);
    const raw = (await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
      body: JSON.stringify({ query: print(PickerImagesDocument), variables: VARIABLES }),
    }).then((response) => response.json())) as { extensions: { cost: { estimated: number; limit: number } } };
    expect(responses.getSnapshot().costs.get('PickerImages')).toEqual({ estimated: raw.extensions.cost.estimated, actual: expect.any(Number) as unknown, limit: raw.extensions.cost.limit });
  });
});

describe('examples/image-picker: a page with an unreadable image', () => {
  let stub: StubUpstream;
  let api: ApiHarness;
  beforeAll(async () => {
    stub = await startStubUpstream();
    api = await startApi({ endpoint: stub.url });
  });
  afterAll(async () => {
    await api?.close();
    await stub?.close();
  });

  it('notes the row by its cursor: the field that could not be read and its code', async () => {
    const page = Array.from({ length: 21 }, (_, n) => stubImage(n, n === 4 ? { created_at: 'not-a-date' } : {}));
    stub.setFallback(reply(200, { images: page }));
    const responses = new ResponseStore();
    const { error } = await pickerPage(api.url, ALICE.token, responses);
    expect(problemsOf(error).map((problem) => problem.code)).toEqual(['UPSTREAM_ERROR']);

    const raw = (await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
      body: JSON.stringify({ query: print(PickerImagesDocument), variables: VARIABLES }),
    }).then((response) => response.json())) as Parameters<typeof rowNotesOf>[0] & { data: { images: { edges: ({ cursor: string; node: unknown } | null)[] } } };
    const broken = raw.data.images.edges.find((edge) => edge?.node === null);
    expect(broken).toBeDefined();
    const expected = new Map([[broken!.cursor, 'createdAt could not be read (UPSTREAM_ERROR)']]);
    expect(rowNotesOf(raw)).toEqual(expected);
    // The picker's link recorded the same note from the response it saw.
    expect(responses.getSnapshot().rowNotes).toEqual(expected);
  });
});
