import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CloudImagesClient, type ClientOptions } from '../../src/upstream/client.js';
import { CloudImagesError } from '../../src/upstream/errors.js';
import { buildListUrl } from '../../src/upstream/request-url.js';
import { LIST_QUERY_PARAMS, type ImageInfo, type ListImagesQuery } from '../../src/upstream/wire.js';
import { closedPort, dropConnection, hang, reply, startStubUpstream, type StubHandler, type StubUpstream } from '../helpers/stub-upstream.js';

/**
 * The REST client alone, against a scripted stub upstream: URL building, region validation,
 * headers, retries with backoff and Retry-After inside the budget, timeouts, and every error
 * body shape. The client's waits between attempts are recorded instead of slept.
 */

const waits = vi.hoisted(() => [] as number[]);
vi.mock('node:timers/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:timers/promises')>();
  return {
    ...actual,
    setTimeout: async (ms?: number) => {
      waits.push(ms ?? 0);
    },
  };
});

const TOKEN = 'MIIZ-test-token-0123456789abcdef';
const CREDENTIALS = { token: TOKEN };
const REGION = 'cn-north-4';

const IMAGE: ImageInfo = {
  id: '11111111-2222-4333-8444-555555555555',
  name: 'CentOS 7.9 64bit',
  status: 'active',
  visibility: 'public',
  __imagetype: 'gold',
  __isregistered: 'true',
  __os_type: 'Linux',
  __image_size: '5368709120',
  created_at: '2020-12-30T03:23:29Z',
  updated_at: '2020-12-30T03:23:29Z',
  min_disk: 40,
  min_ram: 0,
  owner: 'c5f6d4b3a2e14f0e9d8c7b6a5f4e3d2c',
  protected: true,
  tags: [],
  virtual_env_type: 'FusionCompute',
  __undocumented: { kept: true },
};

let stub: StubUpstream;
const clients: CloudImagesClient[] = [];

beforeAll(async () => {
  stub = await startStubUpstream();
});
afterEach(async () => {
  stub.reset();
  waits.length = 0;
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(async () => {
  await stub.close();
});

function client(options: Partial<ClientOptions> = {}, random: () => number = () => 0.5): CloudImagesClient {
  const created = new CloudImagesClient(
    { endpoint: stub.url, timeoutMs: 2_000, maxAttempts: 1, retryBaseDelayMs: 100, totalBudgetMs: 10_000, ...options },
    random,
  );
  clients.push(created);
  return created;
}

/** The CloudImagesError a call rejects with. */
async function failure(call: Promise<unknown>): Promise<CloudImagesError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudImagesError);
  return error as CloudImagesError;
}

const ok = (images: unknown[] = [IMAGE], headers: Record<string, string> = { 'x-request-id': 'req-ok' }): StubHandler => reply(200, { images }, headers);

describe('buildListUrl', () => {
  it('puts the region in the path under the endpoint', () => {
    expect(buildListUrl('https://iecs.myhuaweicloud.com', REGION, {}).href).toBe('https://iecs.myhuaweicloud.com/v1/cloudimages/cn-north-4');
    expect(buildListUrl('https://iecs.myhuaweicloud.com/', 'eu-west-101', {}).href).toBe('https://iecs.myhuaweicloud.com/v1/cloudimages/eu-west-101');
  });

  it('keeps a path prefix of the endpoint', () => {
    expect(buildListUrl('http://127.0.0.1:8080/proxy/iec', REGION, {}).href).toBe('http://127.0.0.1:8080/proxy/iec/v1/cloudimages/cn-north-4');
    expect(buildListUrl('http://127.0.0.1:8080/proxy/iec/', REGION, {}).href).toBe('http://127.0.0.1:8080/proxy/iec/v1/cloudimages/cn-north-4');
  });

  it('writes every query parameter by its wire name, in a fixed order, skipping undefined ones', () => {
    const query: Required<ListImagesQuery> = {
      __imagetype: 'private',
      __isregistered: false,
      __os_type: 'Windows',
      __support_diskintensive: true,
      __support_highperformance: true,
      __support_kvm: true,
      __support_kvm_infiniband: true,
      __support_largememory: true,
      __support_xen: true,
      __support_xen_hana: true,
      __support_kvm_gpu_type: 'V100_vGPU',
      __support_xen_gpu_type: 'M60_vGPU',
      id: 'abc',
      name: 'n',
      owner: 'o',
      protected: true,
      status: 'active',
      virtual_env_type: 'FusionCompute',
      visibility: 'private',
      limit: 0,
      marker: 'm',
      sort_key: 'name',
      sort_dir: 'asc',
    };
    const url = buildListUrl('http://h', REGION, query);
    expect([...url.searchParams.keys()]).toEqual([...LIST_QUERY_PARAMS]);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      __imagetype: 'private',
      __isregistered: 'false',
      __os_type: 'Windows',
      __support_diskintensive: 'true',
      __support_highperformance: 'true',
      __support_kvm: 'true',
      __support_kvm_gpu_type: 'V100_vGPU',
      __support_kvm_infiniband: 'true',
      __support_largememory: 'true',
      __support_xen: 'true',
      __support_xen_gpu_type: 'M60_vGPU',
      __support_xen_hana: 'true',
      id: 'abc',
      limit: '0',
      marker: 'm',
      name: 'n',
      owner: 'o',
      protected: 'true',
      sort_dir: 'asc',
      sort_key: 'name',
      status: 'active',
      virtual_env_type: 'FusionCompute',
      visibility: 'private',
    });
    expect(buildListUrl('http://h', REGION, { limit: 5, marker: undefined, name: undefined }).search).toBe('?limit=5');
  });

  it('encodes values so that they cannot add parameters or change the path', () => {
    const name = 'a b&limit=1#frag/../x?y=测试';
    const url = buildListUrl('http://h', REGION, { name, limit: 3 });
    expect(url.pathname).toBe('/v1/cloudimages/cn-north-4');
    expect(url.hash).toBe('');
    expect(Object.fromEntries(url.searchParams)).toEqual({ name, limit: '3' });
  });

  const BAD: [string, string][] = [
    ['relative path', '../x'],
    ['climbing path', 'cn-north-4/../../v2'],
    ['empty', ''],
    ['300 characters', `cn-${'a'.repeat(297)}`],
    ['65 characters', `cn-${'a'.repeat(62)}`],
    ['upper case', 'CN-NORTH-4'],
    ['no hyphen', 'cnnorth4'],
    ['single letter prefix', 'c-north-4'],
    ['trailing hyphen', 'cn-north-'],
    ['query', 'cn-north-4?limit=1'],
    ['fragment', 'cn-north-4#x'],
    ['encoded slash', 'cn%2Fnorth-4'],
    ['dot segment', '..'],
    ['newline', 'cn-north-4\n'],
    ['space', 'cn-north 4'],
    ['host', '@evil.example.com'],
    ['unicode', 'cn-nörth-4'],
  ];

  it.each(BAD)('refuses a region that is not an id (%s) with BAD_USER_INPUT', (_label, region) => {
    let error: unknown;
    try {
      buildListUrl('http://h', region, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CloudImagesError);
    expect((error as CloudImagesError).code).toBe('BAD_USER_INPUT');
    expect((error as CloudImagesError).message.length).toBeLessThan(400);
  });

  it.each([['cn-north-4'], ['eu-west-101'], ['ap-southeast-3'], [`cn-${'a'.repeat(61)}`], ['xx-nowhere-1']])('accepts %s', (region) => {
    expect(buildListUrl('http://h', region, {}).pathname).toBe(`/v1/cloudimages/${region}`);
  });
});

describe('requests on the wire', () => {
  it('GETs the URL with the token in X-Auth-Token and nowhere else', async () => {
    stub.enqueue(ok());
    const result = await client().listImages(CREDENTIALS, REGION, { __imagetype: 'gold', name: 'CentOS 7.9 64bit', limit: 21, sort_key: 'created_at', sort_dir: 'desc' });
    expect(result).toEqual({ images: [IMAGE], requestId: 'req-ok', bytes: JSON.stringify({ images: [IMAGE] }).length });
    expect(stub.requests).toHaveLength(1);
    const [request] = stub.requests;
    expect(request!.method).toBe('GET');
    expect(request!.path).toBe('/v1/cloudimages/cn-north-4');
    expect(request!.query).toEqual({ __imagetype: 'gold', name: 'CentOS 7.9 64bit', limit: '21', sort_key: 'created_at', sort_dir: 'desc' });
    expect(request!.headers['x-auth-token']).toBe(TOKEN);
    expect(request!.headers.accept).toBe('application/json');
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.target).not.toContain(TOKEN);
  });

  it('keeps an endpoint path prefix on the wire', async () => {
    const prefixed = new CloudImagesClient({ endpoint: `${stub.url}/gateway/iec/`, timeoutMs: 2_000, maxAttempts: 1, retryBaseDelayMs: 0, totalBudgetMs: 5_000 });
    clients.push(prefixed);
    stub.enqueue(ok());
    await prefixed.listImages(CREDENTIALS, 'tr-west-1', {});
    expect(stub.requests[0]!.target).toBe('/gateway/iec/v1/cloudimages/tr-west-1');
  });

  it('without credentials: UNAUTHENTICATED and no request', async () => {
    const error = await failure(client().listImages(undefined, REGION, {}));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.upstream).toBeUndefined();
    expect(stub.requests).toEqual([]);
  });

  it('with a bad region: BAD_USER_INPUT and no request', async () => {
    for (const region of ['../x', 'cn-north-4/../../v2', '', `cn-${'a'.repeat(297)}`]) {
      const error = await failure(client().listImages(CREDENTIALS, region, {}));
      expect(error.code).toBe('BAD_USER_INPUT');
    }
    expect(stub.requests).toEqual([]);
  });

  it('a 200 without X-Request-Id gives requestId null; unknown top-level keys are ignored', async () => {
    stub.enqueue(reply(200, { images: [IMAGE], count: 1, links: [] }));
    expect(await client().listImages(CREDENTIALS, REGION, {})).toEqual({ images: [IMAGE], requestId: null, bytes: JSON.stringify({ images: [IMAGE], count: 1, links: [] }).length });
  });
});

describe('retries', () => {
  it('retries a 503 and returns the next success, after a jittered backoff', async () => {
    stub.enqueue(reply(503, 'busy'), ok());
    const result = await client({ maxAttempts: 3 }, () => 0.5).listImages(CREDENTIALS, REGION, {});
    expect(result.images).toEqual([IMAGE]);
    expect(stub.requests).toHaveLength(2);
    expect(waits).toEqual([50]);
  });

  it('backs off with full jitter up to base·2^(attempt-1), and stops at maxAttempts', async () => {
    stub.setFallback(reply(503, 'busy', { 'x-request-id': 'req-last' }));
    const error = await failure(client({ maxAttempts: 4, retryBaseDelayMs: 100 }, () => 0.5).listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.upstream).toEqual({ status: 503, code: null, message: 'busy', requestId: 'req-last' });
    expect(stub.requests).toHaveLength(4);
    expect(waits).toEqual([50, 100, 200]);
  });

  it('jitter spans the whole window: random 0 waits nothing, random→1 waits up to the cap', async () => {
    stub.setFallback(reply(502, ''));
    await failure(client({ maxAttempts: 3, retryBaseDelayMs: 100 }, () => 0).listImages(CREDENTIALS, REGION, {}));
    expect(waits).toEqual([0, 0]);
    waits.length = 0;
    await failure(client({ maxAttempts: 3, retryBaseDelayMs: 100 }, () => 0.999).listImages(CREDENTIALS, REGION, {}));
    expect(waits).toEqual([100, 200]);
  });

  it.each([429, 502, 503, 504])('retries %i', async (status) => {
    stub.enqueue(reply(status, { error_code: 'APIGW.0201', error_msg: 'x' }), ok());
    await client({ maxAttempts: 2 }).listImages(CREDENTIALS, REGION, {});
    expect(stub.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 413, 500])('does not retry %i', async (status) => {
    stub.setFallback(reply(status, { error_code: 'X.1', error_msg: 'no' }));
    await failure(client({ maxAttempts: 5 }).listImages(CREDENTIALS, REGION, {}));
    expect(stub.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('honours Retry-After (seconds) on a 429 when it fits in the budget', async () => {
    stub.enqueue(reply(429, { error_code: 'APIGW.0308', error_msg: 'throttled' }, { 'retry-after': '2' }), ok());
    const result = await client({ maxAttempts: 3, totalBudgetMs: 10_000 }).listImages(CREDENTIALS, REGION, {});
    expect(result.images).toEqual([IMAGE]);
    expect(waits).toEqual([2000]);
  });

  it('gives up at once when Retry-After reaches past the budget, and says how long to wait', async () => {
    stub.enqueue(reply(429, { error_code: 'APIGW.0308', error_msg: 'throttled', request_id: 'body-id' }, { 'retry-after': '30', 'x-request-id': 'hdr-id' }), ok());
    const error = await failure(client({ maxAttempts: 3, totalBudgetMs: 5_000 }).listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(30);
    expect(error.upstream).toEqual({ status: 429, code: 'APIGW.0308', message: 'throttled', requestId: 'hdr-id' });
    expect(stub.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('reads Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 10_000).toUTCString();
    stub.enqueue(reply(429, { error_code: 'APIGW.0308', error_msg: 'throttled' }, { 'retry-after': at }), ok());
    await client({ maxAttempts: 2, totalBudgetMs: 20_000 }).listImages(CREDENTIALS, REGION, {});
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(9_000);
    expect(waits[0]).toBeLessThanOrEqual(10_000);
  });

  it('falls back to backoff when Retry-After is unreadable', async () => {
    stub.enqueue(reply(429, { error_code: 'APIGW.0308', error_msg: 'throttled' }, { 'retry-after': 'soon' }), ok());
    await client({ maxAttempts: 2, retryBaseDelayMs: 100 }, () => 0.5).listImages(CREDENTIALS, REGION, {});
    expect(waits).toEqual([50]);
  });

  it('honours Retry-After on a 503 too', async () => {
    stub.enqueue(reply(503, 'maintenance', { 'retry-after': '3' }), ok());
    await client({ maxAttempts: 2, totalBudgetMs: 10_000 }).listImages(CREDENTIALS, REGION, {});
    expect(waits).toEqual([3000]);
  });

  it('never waits past the total budget: a backoff beyond it ends the retries', async () => {
    stub.setFallback(reply(503, 'busy'));
    const error = await failure(client({ maxAttempts: 10, retryBaseDelayMs: 60_000, totalBudgetMs: 1_000 }, () => 0.5).listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(stub.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('a refused connection → UPSTREAM_UNAVAILABLE, retried', async () => {
    const port = await closedPort();
    const refused = new CloudImagesClient({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 2_000, maxAttempts: 3, retryBaseDelayMs: 10, totalBudgetMs: 5_000 }, () => 1);
    clients.push(refused);
    const error = await failure(refused.listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.upstream).toBeUndefined();
    expect(waits).toEqual([10, 20]);
  });

  it('a dropped connection is retried', async () => {
    stub.enqueue(dropConnection, ok());
    const result = await client({ maxAttempts: 2 }).listImages(CREDENTIALS, REGION, {});
    expect(result.images).toEqual([IMAGE]);
    expect(stub.requests).toHaveLength(2);
  });
});

describe('timeouts', () => {
  it('an attempt slower than timeoutMs → UPSTREAM_TIMEOUT', async () => {
    stub.setFallback(hang);
    const error = await failure(client({ timeoutMs: 100 }).listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.message).toContain('100 ms');
    expect(error.upstream).toBeUndefined();
    expect(stub.requests).toHaveLength(1);
  });

  it('a timed-out attempt is retried', async () => {
    stub.enqueue(hang, ok());
    const result = await client({ timeoutMs: 100, maxAttempts: 2 }).listImages(CREDENTIALS, REGION, {});
    expect(result.images).toEqual([IMAGE]);
    expect(stub.requests).toHaveLength(2);
  });

  it('the total budget bounds an attempt whose own timeout is longer', { timeout: 5_000 }, async () => {
    stub.setFallback(hang);
    const error = await failure(client({ timeoutMs: 60_000, totalBudgetMs: 150 }).listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.message).toContain('ms');
  });

  it('a body that stalls half-way → UPSTREAM_TIMEOUT', async () => {
    stub.setFallback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"images": [');
    });
    const error = await failure(client({ timeoutMs: 100 }).listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
  });
});

describe('error bodies of every shape', () => {
  const CASES: [string, number, unknown, Record<string, string>, string, { code: string | null; message: string | null; requestId: string | null }][] = [
    [
      'IEC 400',
      400,
      { error_code: 'IEC.000006', error_msg: 'the query parameter is illegal' },
      { 'x-request-id': 'r-iec' },
      'BAD_USER_INPUT',
      { code: 'IEC.000006', message: 'the query parameter is illegal', requestId: 'r-iec' },
    ],
    [
      'IEC path parameter',
      400,
      { error_code: 'IEC.000030', error_msg: 'the path parameter is illegal' },
      { 'x-request-id': 'r-30' },
      'BAD_USER_INPUT',
      { code: 'IEC.000030', message: 'the path parameter is illegal', requestId: 'r-30' },
    ],
    [
      'APIGW 401, request id in the body only',
      401,
      { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information', request_id: 'r-body' },
      {},
      'UNAUTHENTICATED',
      { code: 'APIGW.0301', message: 'Incorrect IAM authentication information', requestId: 'r-body' },
    ],
    [
      'APIGW 401, header wins over body',
      401,
      { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information', request_id: 'r-body' },
      { 'x-request-id': 'r-header' },
      'UNAUTHENTICATED',
      { code: 'APIGW.0301', message: 'Incorrect IAM authentication information', requestId: 'r-header' },
    ],
    ['APIGW 403', 403, { error_code: 'APIGW.0302', error_msg: 'forbidden', request_id: 'r' }, {}, 'FORBIDDEN', { code: 'APIGW.0302', message: 'forbidden', requestId: 'r' }],
    ['APIG. prefix 403', 403, { error_code: 'APIG.0302', error_msg: 'forbidden' }, {}, 'FORBIDDEN', { code: 'APIG.0302', message: 'forbidden', requestId: null }],
    ['APIGW 404', 404, { error_code: 'APIGW.0101', error_msg: 'The API does not exist' }, {}, 'UPSTREAM_ERROR', { code: 'APIGW.0101', message: 'The API does not exist', requestId: null }],
    ['APIGW 413', 413, { error_code: 'APIGW.0201', error_msg: 'Request entity too large' }, {}, 'UPSTREAM_ERROR', { code: 'APIGW.0201', message: 'Request entity too large', requestId: null }],
    ['APIGW 429', 429, { error_code: 'APIGW.0308', error_msg: 'throttled', request_id: 'r429' }, {}, 'RATE_LIMITED', { code: 'APIGW.0308', message: 'throttled', requestId: 'r429' }],
    ['APIGW 502', 502, { error_code: 'APIGW.0201', error_msg: 'Bad gateway' }, {}, 'UPSTREAM_UNAVAILABLE', { code: 'APIGW.0201', message: 'Bad gateway', requestId: null }],
    ['APIGW 504', 504, { error_code: 'APIGW.0201', error_msg: 'Gateway timeout' }, {}, 'UPSTREAM_UNAVAILABLE', { code: 'APIGW.0201', message: 'Gateway timeout', requestId: null }],
    [
      'IMS 500',
      500,
      { error: { code: 'IMG.0001', message: 'An internal error occurred' } },
      { 'x-request-id': 'r-ims' },
      'UPSTREAM_ERROR',
      { code: 'IMG.0001', message: 'An internal error occurred', requestId: 'r-ims' },
    ],
    ['IMS 400', 400, { error: { code: 'IMG.0002', message: 'bad' } }, {}, 'BAD_USER_INPUT', { code: 'IMG.0002', message: 'bad', requestId: null }],
    ['flat {code, message}', 500, { code: 'SVC.1', message: 'flat' }, {}, 'UPSTREAM_ERROR', { code: 'SVC.1', message: 'flat', requestId: null }],
    [
      'HTML 503',
      503,
      '<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503 Service Temporarily Unavailable</h1></body></html>',
      { 'x-request-id': 'r-html' },
      'UPSTREAM_UNAVAILABLE',
      { code: null, message: '503 Service Temporarily Unavailable 503 Service Temporarily Unavailable', requestId: 'r-html' },
    ],
    ['empty 502', 502, '', {}, 'UPSTREAM_UNAVAILABLE', { code: null, message: null, requestId: null }],
    ['plain text 500', 500, 'upstream exploded', {}, 'UPSTREAM_ERROR', { code: null, message: 'upstream exploded', requestId: null }],
    ['JSON array 500', 500, '[1,2]', {}, 'UPSTREAM_ERROR', { code: null, message: '[1,2]', requestId: null }],
    ['JSON object without codes 500', 500, { foo: 'bar' }, {}, 'UPSTREAM_ERROR', { code: null, message: null, requestId: null }],
  ];

  it.each(CASES)('%s → its code and upstream details', async (_label, status, body, headers, code, details) => {
    stub.setFallback(reply(status, body, headers));
    const error = await failure(client({ maxAttempts: 1 }).listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe(code);
    expect(error.upstream).toEqual({ status, ...details });
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it('cuts an overlong upstream message to 300 characters', async () => {
    stub.setFallback(reply(400, { error_code: 'IEC.000006', error_msg: 'x'.repeat(5_000) }));
    const error = await failure(client().listImages(CREDENTIALS, REGION, {}));
    expect(error.upstream?.message).toBe('x'.repeat(300));
    expect(error.message.length).toBeLessThan(400);
  });

  it('never repeats the token, even when the upstream echoes it', async () => {
    stub.setFallback(reply(401, { error_code: 'APIGW.0301', error_msg: `token ${TOKEN} is invalid`, request_id: `req-${TOKEN}` }));
    const error = await failure(client().listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify({ message: error.message, upstream: error.upstream })).not.toContain(TOKEN);
    expect(error.upstream?.code).toBe('APIGW.0301');
  });
});

describe('malformed 200 answers', () => {
  it.each([
    ['not JSON', '{"images": [', 'the body is not valid JSON'],
    ['JSON null', 'null', 'no "images" array'],
    ['no images key', '{"servers": []}', 'no "images" array'],
    ['images not an array', '{"images": {}}', 'no "images" array'],
    ['an entry that is null', '{"images": [null]}', 'an entry of "images" is not an image object with an id'],
    ['an entry without id', '{"images": [{"name": "x"}]}', 'an entry of "images" is not an image object with an id'],
    ['an entry with a numeric id', '{"images": [{"id": 5}]}', 'an entry of "images" is not an image object with an id'],
    ['an entry that is an array', '{"images": [[]]}', 'an entry of "images" is not an image object with an id'],
  ])('%s → UPSTREAM_ERROR with status 200', async (_label, body, why) => {
    stub.setFallback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r-bad' });
      res.end(body);
    });
    const error = await failure(client({ maxAttempts: 3 }).listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.upstream).toEqual({ status: 200, code: null, message: why, requestId: 'r-bad' });
    expect(stub.requests).toHaveLength(1);
  });

  it('an empty list is a valid answer', async () => {
    stub.setFallback(ok([]));
    expect(await client().listImages(CREDENTIALS, REGION, {})).toEqual({ images: [], requestId: 'req-ok', bytes: JSON.stringify({ images: [] }).length });
  });
});

describe('response size', () => {
  it('refuses a body over maxResponseBytes with UPSTREAM_ERROR, without retrying', async () => {
    stub.setFallback(ok(Array.from({ length: 50 }, (_, i) => ({ ...IMAGE, id: `id-${i}` }))));
    const error = await failure(client({ maxResponseBytes: 4_096, maxAttempts: 3 }).listImages(CREDENTIALS, REGION, {}));
    expect(error.code).toBe('UPSTREAM_ERROR');
    expect(error.message).toMatch(/larger than 4096 bytes/);
    expect(stub.requests).toHaveLength(1);
  });

  it('reads a body up to the cap', async () => {
    stub.setFallback(ok([IMAGE]));
    const result = await client({ maxResponseBytes: 4_096 }).listImages(CREDENTIALS, REGION, {});
    expect(result.images).toEqual([IMAGE]);
  });
});
