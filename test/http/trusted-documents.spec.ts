import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ALICE, useApi, type ApiHarness, type GraphQLResponse } from '../helpers/api-server.js';

/**
 * Trusted documents over HTTP: a server started with a manifest (codegen's format here; the formats
 * are test/apollo/trusted-documents.spec.ts's), asked by `documentId` and by Apollo's
 * `extensions.persistedQuery.sha256Hash`, with POST and GET, in each TRUSTED_DOCUMENTS_MODE. What is
 * refused is refused before Apollo parses it and before any upstream call (the emulator's request log).
 */

const REGION = 'cn-north-4';
const PAGE = 'query TrustedPage($region: String!, $first: Int) { images(region: $region, first: $first) { nodes { imageId } } }';
const REGIONS = 'query TrustedRegions { regions }';
const AD_HOC = `query AdHoc { images(region: "${REGION}", first: 2) { nodes { imageId } } }`;
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-http-'));
const manifest = join(dir, 'persisted-documents.json');
writeFileSync(manifest, JSON.stringify({ [sha256(PAGE)]: PAGE, [sha256(REGIONS)]: REGIONS }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Answer {
  status: number;
  body: GraphQLResponse<Record<string, unknown>> & { extensions?: { cost?: { estimated: number; limit: number } } };
}

async function post(api: ApiHarness, body: unknown): Promise<Answer> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** A GET, with the header that lets it past CSRF prevention unless `preflight` is false. */
async function get(api: ApiHarness, params: Record<string, string>, preflight = true): Promise<Answer> {
  const response = await fetch(`${api.url}/graphql?${new URLSearchParams(params)}`, {
    headers: { 'x-auth-token': ALICE.token, ...(preflight ? { 'apollo-require-preflight': 'true' } : {}) },
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** The value of one sample of /metrics, 0 when absent. */
async function metric(api: ApiHarness, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const codes = (answer: Answer): unknown[] => (answer.body.errors ?? []).map((e) => e.extensions?.code);

describe('TRUSTED_DOCUMENTS_MODE=enforce', () => {
  /** The server's log lines (the production logger, writing here). */
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const api = useApi({ env: { TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_MODE: 'enforce' }, log: createLogger('info', sink) });

  /** The access line of the request sent with this X-Request-Id. */
  async function accessLine(requestId: string): Promise<Record<string, unknown>> {
    await expect.poll(() => lines.filter((l) => l.msg === 'request' && l.requestId === requestId).length).toBe(1);
    return lines.find((l) => l.msg === 'request' && l.requestId === requestId)!;
  }

  it('runs a listed document by documentId (POST), priced by the query cost, equal to the REST oracle', async () => {
    const answer = await post(api, { documentId: sha256(PAGE), variables: { region: REGION, first: 3 } });
    expect(answer.status).toBe(200);
    const oracle = await api.rest<{ images: { id: string }[] }>(`/v1/cloudimages/${REGION}?limit=3`);
    expect(answer.body.data).toEqual({ images: { nodes: oracle.body.images.map((image) => ({ imageId: image.id })) } });
    expect(answer.body.extensions?.cost).toMatchObject({ estimated: 2, limit: 600 });
  });

  it('finds it by `sha256:<hash>`, by Apollo\'s extensions.persistedQuery, and by GET (with the preflight header CSRF prevention asks for)', async () => {
    const variables = { region: REGION, first: 2 };
    const expected = (await post(api, { documentId: sha256(PAGE), variables })).body.data;
    expect(expected).toBeTruthy();
    const answers = [
      await post(api, { documentId: `sha256:${sha256(PAGE)}`, variables }),
      await post(api, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PAGE) } }, variables }),
      await get(api, { documentId: sha256(PAGE), variables: JSON.stringify(variables) }),
      await get(api, { extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(PAGE) } }), variables: JSON.stringify(variables) }),
      // Its exact text is the listed document too.
      await post(api, { query: PAGE, variables }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual(expected);
    }
  });

  it('keeps GET CSRF-safe: a listed document by GET without a preflight header is refused, with no upstream call', async () => {
    api.emulator.clearRequests();
    const answer = await get(api, { documentId: sha256(PAGE), variables: JSON.stringify({ region: REGION }) }, false);
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it('refuses any other document before parsing it: HTTP 400, TRUSTED_DOCUMENT_REQUIRED, no upstream call, counted by its code', async () => {
    const before = await metric(api, 'graphql_operations_total', { outcome: 'TRUSTED_DOCUMENT_REQUIRED' });
    api.emulator.clearRequests();
    const refusals = [
      await post(api, { query: AD_HOC }),
      // Not even parsed: a syntax error gets the same answer.
      await post(api, { query: 'query { images(' }),
      // One character away from a listed document is another document.
      await post(api, { query: `${PAGE} `, variables: { region: REGION } }),
      await get(api, { query: AD_HOC }),
    ];
    for (const answer of refusals) {
      expect(answer.status).toBe(400);
      expect(codes(answer)).toEqual(['TRUSTED_DOCUMENT_REQUIRED']);
      expect(answer.body.data).toBeUndefined();
    }
    expect(api.emulator.apiRequests).toHaveLength(0);
    expect(await metric(api, 'graphql_operations_total', { outcome: 'TRUSTED_DOCUMENT_REQUIRED' })).toBe(before + refusals.length);
  });

  it('lets automatic persisted queries register nothing: the hash with its query is refused, the hash alone stays unknown', async () => {
    const persistedQuery = { version: 1, sha256Hash: sha256(AD_HOC) };
    const register = await post(api, { query: AD_HOC, extensions: { persistedQuery } });
    expect(register.status).toBe(400);
    expect(codes(register)).toEqual(['TRUSTED_DOCUMENT_REQUIRED']);
    const again = await post(api, { extensions: { persistedQuery } });
    expect(codes(again)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('refuses an id that is not listed (PERSISTED_QUERY_NOT_FOUND, never cached), and an id sent with another document\'s text', async () => {
    api.emulator.clearRequests();
    for (const id of ['nope', sha256(AD_HOC), sha256(PAGE).slice(1), `sha256:${sha256(AD_HOC)}`]) {
      const answer = await post(api, { documentId: id, variables: { region: REGION } });
      expect(codes(answer), id).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(answer.body.errors?.[0]?.message).toBe(`No document is listed as ${id}.`);
    }
    const response = await fetch(`${api.url}/graphql?${new URLSearchParams({ documentId: 'nope' })}`, { headers: { 'x-auth-token': ALICE.token, 'apollo-require-preflight': 'true' } });
    expect(response.headers.get('cache-control')).toMatch(/no-cache/);
    const mismatch = await post(api, { documentId: sha256(PAGE), query: REGIONS });
    expect(mismatch.status).toBe(400);
    expect(codes(mismatch)).toEqual(['BAD_REQUEST']);
    const notText = await post(api, { documentId: 42 });
    expect(notText.status).toBe(400);
    expect(codes(notText)).toEqual(['BAD_REQUEST']);
    const badVersion = await post(api, { query: REGIONS, extensions: { persistedQuery: { version: 2, sha256Hash: sha256(REGIONS) } } });
    expect(badVersion.status).toBe(400);
    expect(codes(badVersion)).toEqual(['BAD_REQUEST']);
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it('logs whether a request ran a listed document and the id it named (a malformed id only as such)', async () => {
    const send = (requestId: string, body: unknown): Promise<Response> =>
      fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token, 'x-request-id': requestId },
        body: JSON.stringify(body),
      });
    await send('td-listed', { documentId: sha256(PAGE), variables: { region: REGION, first: 1 } });
    expect(await accessLine('td-listed')).toMatchObject({ status: 200, operationName: 'TrustedPage', trustedDocument: true, documentId: sha256(PAGE), upstreamCalls: 1 });
    await send('td-ad-hoc', { query: AD_HOC });
    const adHoc = await accessLine('td-ad-hoc');
    expect(adHoc).toMatchObject({ status: 400, trustedDocument: false, upstreamCalls: 0 });
    expect(adHoc).not.toHaveProperty('documentId');
    await send('td-malformed', { documentId: `a b ${'x'.repeat(300)}` });
    expect(await accessLine('td-malformed')).toMatchObject({ trustedDocument: false, documentId: '(malformed)' });
  });

  it('applies the query limits to a listed document: a page its variables make too large is BAD_USER_INPUT', async () => {
    const answer = await post(api, { documentId: sha256(PAGE), variables: { region: REGION, first: 501 } });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('TRUSTED_DOCUMENTS_MODE=allow (the default outside production)', () => {
  const api = useApi({ env: { TRUSTED_DOCUMENTS: manifest } });

  it('is the mode a manifest gets outside production', () => {
    expect(api.app.config.trustedDocuments).toEqual({ mode: 'allow', manifest });
  });

  it('runs listed documents by id, and other documents too, counting only those in graphql_untrusted_documents_total', async () => {
    const counted = (): Promise<number> => metric(api, 'graphql_untrusted_documents_total', { operation_name: 'AdHoc' });
    const listed = (): Promise<number> => metric(api, 'graphql_untrusted_documents_total', { operation_name: 'TrustedPage' });
    const [adHocBefore, listedBefore] = [await counted(), await listed()];
    const byId = await post(api, { documentId: sha256(PAGE), variables: { region: REGION, first: 2 } });
    const byText = await post(api, { query: PAGE, variables: { region: REGION, first: 2 } });
    const adHoc = await post(api, { query: AD_HOC });
    for (const answer of [byId, byText, adHoc]) {
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual(byId.body.data);
    }
    expect(await counted()).toBe(adHocBefore + 1);
    expect(await listed()).toBe(listedBefore);
    // A document Apollo refuses is not counted: it did not run.
    await post(api, { query: 'query AdHoc { nope }' });
    expect(await counted()).toBe(adHocBefore + 1);
  });

  it('refuses an id that is not listed, and keeps Apollo\'s automatic persisted queries for other hashes (counted as untrusted)', async () => {
    expect(codes(await post(api, { documentId: sha256(AD_HOC) }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const query = `query Registered { images(region: "${REGION}", first: 1) { nodes { imageId } } }`;
    const persistedQuery = { version: 1, sha256Hash: sha256(query) };
    expect(codes(await post(api, { extensions: { persistedQuery } }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await post(api, { query, extensions: { persistedQuery } })).body.data).toBeTruthy();
    expect((await post(api, { extensions: { persistedQuery } })).body.data).toBeTruthy();
    expect(await metric(api, 'graphql_untrusted_documents_total', { operation_name: 'Registered' })).toBe(2);
  });
});

describe('TRUSTED_DOCUMENTS_MODE=off', () => {
  const api = useApi({ env: { TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_MODE: 'off' } });

  it('runs documents as sent, looks nothing up by id (Apollo refuses a request with only an id), counts nothing', async () => {
    expect((await post(api, { query: AD_HOC })).body.data).toBeTruthy();
    const byId = await post(api, { documentId: sha256(PAGE), variables: { region: REGION } });
    expect(byId.status).toBe(400);
    expect(codes(byId)).toEqual(['BAD_REQUEST']);
    expect(await metric(api, 'graphql_untrusted_documents_total', { operation_name: 'AdHoc' })).toBe(0);
  });
});
