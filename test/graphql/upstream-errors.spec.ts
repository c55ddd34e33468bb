import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../src/emulator/server.js';
import { ALICE, useApi, type GraphQLResponse } from '../helpers/api-server.js';
import { dataOf, onlyError, restPage } from '../helpers/graphql-oracle.js';

/**
 * Upstream failures of every shape the reference lists, played by the emulator, surface as GraphQL
 * errors with their code and `extensions.upstream` { status, code, message, requestId }, the request
 * id being the emulator's X-Request-Id. No token and no stack trace ever leaves the server.
 */

const REGION = 'tr-west-1';
const LIST = `{ images(region: "${REGION}", first: 5) { nodes { imageId } } }`;

const api = useApi();
afterEach(() => {
  api.emulator.resetFaults();
});

interface Upstream {
  status: number | null;
  code: string | null;
  message: string | null;
  requestId: string | null;
}

/** Runs `query` with a clean log; expects one error and exactly `calls` upstream calls, and returns both. */
async function failing(query: string, token: string = ALICE.token, calls = 1): Promise<{ result: GraphQLResponse<unknown>; code: unknown; upstream: Upstream; log: readonly RecordedRequest[] }> {
  api.emulator.clearRequests();
  const result = await api.query<unknown>(query, {}, token);
  const error = onlyError(result);
  const log = api.emulator.apiRequests;
  expect(log).toHaveLength(calls);
  const text = JSON.stringify(result);
  expect(text).not.toContain(token);
  expect(text).not.toContain('demo-token');
  return { result, code: error.extensions?.code, upstream: error.extensions?.upstream as Upstream, log };
}

describe('IEC service errors (HTTP 400, {error_code, error_msg})', () => {
  it('a well-formed but unknown region → BAD_USER_INPUT with IEC.000030 and the request id', async () => {
    const { code, upstream, log, result } = await failing('{ images(region: "xx-nowhere-1", first: 5) { nodes { imageId } } }');
    expect(code).toBe('BAD_USER_INPUT');
    expect(upstream).toEqual({ status: 400, code: 'IEC.000030', message: expect.stringContaining('region_id') as unknown, requestId: log[0]!.requestId });
    expect(log[0]!.status).toBe(400);
    expect(result.data).toBeNull();
    expect(result.errors![0]!.path).toEqual(['images']);
  });

  it('the same through image(region, imageId) and node(id)', async () => {
    const viaImage = await failing('{ image(region: "xx-nowhere-1", imageId: "11111111-2222-4333-8444-555555555555") { imageId } }');
    expect(viaImage.code).toBe('BAD_USER_INPUT');
    expect(viaImage.upstream).toMatchObject({ status: 400, code: 'IEC.000030', requestId: viaImage.log[0]!.requestId });
    const id = Buffer.from('Image:xx-nowhere-1:11111111-2222-4333-8444-555555555555', 'utf8').toString('base64url');
    const viaNode = await failing(`{ node(id: "${id}") { id } }`);
    expect(viaNode.code).toBe('BAD_USER_INPUT');
    expect(viaNode.upstream).toMatchObject({ status: 400, code: 'IEC.000030', requestId: viaNode.log[0]!.requestId });
  });

  it('a failing field of a nullable root leaves the others’ data in place', async () => {
    const good = (await restPage(api, REGION, { limit: 1 }))[0]!;
    api.emulator.clearRequests();
    const result = await api.query<{ ok: { imageId: string } | null; bad: unknown }>(
      `{ ok: image(region: "${REGION}", imageId: "${good.id}") { imageId } bad: image(region: "xx-nowhere-1", imageId: "${good.id}") { imageId } }`,
    );
    expect(result.data).toEqual({ ok: { imageId: good.id }, bad: null });
    const error = onlyError(result);
    expect(error.path).toEqual(['bad']);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstream: { status: 400, code: 'IEC.000030' } });
    const failed = api.emulator.apiRequests.find((r) => r.region === 'xx-nowhere-1')!;
    expect((error.extensions!.upstream as Upstream).requestId).toBe(failed.requestId);
  });
});

describe('API gateway errors ({error_code, error_msg, request_id})', () => {
  it('an unknown token → UNAUTHENTICATED with APIGW.0301; the token appears nowhere', async () => {
    const token = 'token-nobody-issued-7f3a9c';
    const { code, upstream, log } = await failing(LIST, token);
    expect(code).toBe('UNAUTHENTICATED');
    expect(upstream).toEqual({ status: 401, code: 'APIGW.0301', message: expect.any(String) as unknown, requestId: log[0]!.requestId });
    expect(log[0]!.projectId).toBeUndefined();
  });

  it('throttling (429 APIGW.0308) → RATE_LIMITED with Retry-After, one attempt only', async () => {
    api.emulator.setFaults({ throttleEvery: 0, throttleBurst: 1, retryAfterSeconds: 7 });
    const { code, upstream, log, result } = await failing(LIST);
    expect(code).toBe('RATE_LIMITED');
    expect(upstream).toEqual({ status: 429, code: 'APIGW.0308', message: expect.stringContaining('throttling') as unknown, requestId: log[0]!.requestId });
    expect(result.errors![0]!.extensions?.retryAfterSeconds).toBe(7);
    expect(log[0]!.fault).toBe('throttled');
  });
});

describe('image service errors', () => {
  it('an IMS-style 500 {"error": {code, message}} → UPSTREAM_ERROR with IMG.0001', async () => {
    const victim = (await restPage(api, REGION, { limit: 1 }))[0]!;
    api.emulator.setFaults({ failImageIds: [victim.id] });
    const { code, upstream, log } = await failing(`{ image(region: "${REGION}", imageId: "${victim.id}") { imageId } }`);
    expect(code).toBe('UPSTREAM_ERROR');
    expect(upstream).toEqual({ status: 500, code: 'IMG.0001', message: 'An internal error occurred in the image service.', requestId: log[0]!.requestId });
    expect(log[0]!.fault).toBe('failed-id');
  });

  it('500 with JSON and 503 with an HTML page → UPSTREAM_ERROR and UPSTREAM_UNAVAILABLE, each with its request id', async () => {
    api.emulator.setFaults({ errorRate: 1 });
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const { code, upstream, log } = await failing(LIST);
      const entry = log[0]!;
      if (entry.fault === 'unavailable') {
        expect(code).toBe('UPSTREAM_UNAVAILABLE');
        expect(upstream).toEqual({ status: 503, code: null, message: expect.stringContaining('503 Service Temporarily Unavailable') as unknown, requestId: entry.requestId });
        expect(upstream.message).not.toMatch(/[<>]/);
      } else {
        expect(entry.fault).toBe('server-error');
        expect(code).toBe('UPSTREAM_ERROR');
        expect(upstream).toEqual({ status: 500, code: 'IMG.0001', message: expect.any(String) as unknown, requestId: entry.requestId });
      }
      seen.add(entry.fault!);
    }
    expect([...seen].sort()).toEqual(['server-error', 'unavailable']);
  });

  it('a 200 whose JSON is cut short → UPSTREAM_ERROR with status 200 and the request id', async () => {
    api.emulator.setFaults({ malformedRate: 1 });
    const { code, upstream, log } = await failing(LIST);
    expect(code).toBe('UPSTREAM_ERROR');
    expect(upstream).toEqual({ status: 200, code: null, message: expect.stringContaining('JSON') as unknown, requestId: log[0]!.requestId });
    expect(log[0]!.fault).toBe('malformed');
  });

  it('after the faults are gone, the same query works again', async () => {
    const data = dataOf(await api.query<{ images: { nodes: unknown[] } }>(LIST));
    expect(data.images.nodes).toHaveLength(5);
  });
});

describe('timeouts', () => {
  const slow = useApi({ client: { timeoutMs: 150 }, emulator: { faults: { latencyMs: 2_000 } } });

  it('an upstream slower than the client timeout → UPSTREAM_TIMEOUT, no upstream details, no stack', async () => {
    const result = await slow.query<unknown>(LIST);
    const error = onlyError(result);
    expect(error.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.extensions?.upstream).toBeUndefined();
    expect(error.message).toMatch(/150 ms/);
    expect(result.data).toBeNull();
    expect(JSON.stringify(result)).not.toContain(ALICE.token);
  });
});
