import { beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, BOOLEAN_PARAMS, get, listPage, listUrl, rawGet, useEmulator, type Answer } from '../helpers/emulator-client.js';

/** A project id is not a token. */
const BOB_PROJECT = BOB.projectId;

const emulator = useEmulator();
let knownId: string;

beforeAll(async () => {
  knownId = (await listPage(emulator, 'cn-north-4', { limit: 1 }))[0]!.id;
});

/** An IEC service error: exactly `{"error_code", "error_msg"}`, JSON, with an X-Request-Id. */
function expectServiceError(answer: { status: number; text: string }, code: string, requestId: string | null | undefined): string {
  expect(answer.status).toBe(400);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error_code', 'error_msg']);
  expect(body.error_code).toBe(code);
  expect(typeof body.error_msg).toBe('string');
  expect((body.error_msg as string).length).toBeGreaterThan(0);
  expect(requestId).toMatch(/^[0-9a-f]{32}$/);
  return body.error_msg as string;
}

/** An API gateway error: `{"error_code", "error_msg", "request_id"}`, request_id = X-Request-Id. */
function expectGatewayError(answer: Answer, status: number, code: string): string {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error_code', 'error_msg', 'request_id']);
  expect(body.error_code).toBe(code);
  expect(typeof body.error_msg).toBe('string');
  expect((body.error_msg as string).length).toBeGreaterThan(0);
  expect(body.request_id).toBe(answer.headers.get('x-request-id'));
  expect(body.request_id).toMatch(/^[0-9a-f]{32}$/);
  return body.error_msg as string;
}

async function query(params: Record<string, string>, region = 'cn-north-4'): Promise<Answer> {
  return get(listUrl(emulator, region, params), ALICE.token);
}

describe('400 IEC.000006: illegal query parameters', () => {
  it('an unknown marker', async () => {
    const answer = await query({ marker: '00000000-0000-4000-8000-000000000000' });
    expect(expectServiceError(answer, 'IEC.000006', answer.headers.get('x-request-id'))).toMatch(/marker/);
  });

  it('an empty marker', async () => {
    const answer = await query({ marker: '' });
    expectServiceError(answer, 'IEC.000006', answer.headers.get('x-request-id'));
  });

  it('a marker that names an image of another region', async () => {
    const answer = await query({ marker: knownId }, 'cn-east-3');
    expectServiceError(answer, 'IEC.000006', answer.headers.get('x-request-id'));
  });

  it.each(['-1', '501', '1.5', 'abc', '', '1e2', ' 5', '0x10', '1000'])('limit=%j', async (limit) => {
    const answer = await query({ limit });
    expect(expectServiceError(answer, 'IEC.000006', answer.headers.get('x-request-id'))).toMatch(/limit/);
  });

  it.each([
    ['sort_key', 'size'],
    ['sort_key', 'NAME'],
    ['sort_key', ''],
    ['sort_dir', 'DESC'],
    ['sort_dir', 'descending'],
    ['sort_dir', ''],
    ['__imagetype', 'market'],
    ['__imagetype', 'GOLD'],
    ['__imagetype', 'shared'],
    ['__os_type', 'linux'],
    ['__os_type', 'Unix'],
    ['status', 'ACTIVE'],
    ['status', 'pending'],
    ['virtual_env_type', 'Ironic'],
    ['virtual_env_type', 'fusioncompute'],
    ['visibility', 'shared'],
    ['visibility', 'PUBLIC'],
  ])('%s=%j (not an accepted value)', async (param, value) => {
    const answer = await query({ [param]: value });
    expect(expectServiceError(answer, 'IEC.000006', answer.headers.get('x-request-id'))).toContain(param);
  });

  it.each(BOOLEAN_PARAMS)('%s takes only "true" or "false"', async (param) => {
    for (const value of ['yes', 'True', '1', '']) {
      const answer = await query({ [param]: value });
      expect(expectServiceError(answer, 'IEC.000006', answer.headers.get('x-request-id'))).toContain(param);
    }
    expect((await query({ [param]: 'true' })).status).toBe(200);
    expect((await query({ [param]: 'false' })).status).toBe(200);
  });

  it('valid values of the same parameters are accepted', async () => {
    const accepted: Record<string, string>[] = [{ limit: '0' }, { limit: '500' }, { limit: '007' }, { sort_key: 'disk_format', sort_dir: 'asc' }, { __imagetype: 'gold' }, { virtual_env_type: 'FusionCompute' }];
    for (const params of accepted) {
      expect((await query(params)).status).toBe(200);
    }
  });

  it('free-form parameters accept any string', async () => {
    const freeForm: Record<string, string>[] = [{ __support_kvm_gpu_type: 'anything' }, { __support_xen_gpu_type: '' }, { name: '' }, { owner: 'x' }, { id: 'not-a-uuid' }];
    for (const params of freeForm) {
      const answer = await query(params);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({ images: [] });
    }
  });
});

describe('400 IEC.000030 / IEC.000031: the region path parameter', () => {
  it.each([
    ['upper case and underscore', '/v1/cloudimages/CN_NORTH'],
    ['encoded dot-dot', '/v1/cloudimages/%2E%2E'],
    ['plain dot-dot', '/v1/cloudimages/..'],
    ['encoded slash', '/v1/cloudimages/cn-north-4%2Fx'],
    ['300 characters', `/v1/cloudimages/${'a'.repeat(300)}`],
    ['a well-formed region that does not exist', '/v1/cloudimages/us-east-1'],
    ['bad percent encoding', '/v1/cloudimages/cn-north-%E0%A4%A'],
    ['a host name', '/v1/cloudimages/evil.example.com'],
  ])('%s → IEC.000030', async (_label, target) => {
    const answer = await rawGet(emulator, target);
    const msg = expectServiceError(answer, 'IEC.000030', answer.headers['x-request-id'] as string | undefined);
    expect(msg).toMatch(/region_id/);
    expect(msg.length).toBeLessThan(200);
  });

  it('a dot-dot region never reaches another path', async () => {
    const answer = await rawGet(emulator, '/v1/cloudimages/%2E%2E/cloudimages/cn-north-4');
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toMatchObject({ error_code: 'APIGW.0101' });
  });

  it.each(['/v1/cloudimages/', '/v1/cloudimages', '/v1/cloudimages/?limit=1'])('%s → IEC.000031', async (target) => {
    const answer = await rawGet(emulator, target);
    expect(expectServiceError(answer, 'IEC.000031', answer.headers['x-request-id'] as string | undefined)).toMatch(/region_id/);
  });

  it('the region is checked before the query', async () => {
    const answer = await rawGet(emulator, '/v1/cloudimages/CN_NORTH?limit=abc');
    expectServiceError(answer, 'IEC.000030', answer.headers['x-request-id'] as string | undefined);
  });
});

describe('401 APIGW.0301: credentials', () => {
  it('a missing X-Auth-Token', async () => {
    const answer = await get(listUrl(emulator, 'cn-north-4'), null);
    expect(expectGatewayError(answer, 401, 'APIGW.0301')).toMatch(/x-auth-token/i);
  });

  it.each(['unknown-token', '', 'demo-token-alice-2', 'DEMO-TOKEN-ALICE', BOB_PROJECT])('the token %j', async (token) => {
    expectGatewayError(await get(listUrl(emulator, 'cn-north-4'), token), 401, 'APIGW.0301');
  });

  it('authentication comes before validation', async () => {
    expectGatewayError(await get(listUrl(emulator, 'cn-north-4', { limit: 'abc' }), 'nope'), 401, 'APIGW.0301');
    expectGatewayError(await get(listUrl(emulator, 'CN_NORTH'), null), 401, 'APIGW.0301');
  });
});

describe('404 APIGW.0101: no such API', () => {
  it.each(['/', '/v1', '/v2/cloudimages/cn-north-4', '/v1/cloudimage/cn-north-4', '/v1/cloudimages/cn-north-4/', '/v1/cloudimages/cn-north-4/images', '/V1/cloudimages/cn-north-4'])('GET %s', async (path) => {
    expectGatewayError(await get(`${emulator.url}${path}`, ALICE.token), 404, 'APIGW.0101');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('%s on the listing path', async (method) => {
    expectGatewayError(await get(listUrl(emulator, 'cn-north-4'), ALICE.token, { method }), 404, 'APIGW.0101');
  });

  it('a 404 does not need credentials', async () => {
    expectGatewayError(await get(`${emulator.url}/nothing`, null), 404, 'APIGW.0101');
  });
});
