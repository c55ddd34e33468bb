import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCESS_KEYS } from '../../src/emulator/options.js';
import { createLogger } from '../../src/logger.js';
import { useApi, type ApiHarness } from '../helpers/api-server.js';

/**
 * AK/SK mode end to end: the server signs every upstream call with its own key pair (the emulator
 * checks the signature), authenticates its callers itself (API keys here; JWTs in
 * test/http/caller-auth.spec.ts) before any upstream call, never forwards a caller's X-Auth-Token,
 * and answers the upstream refusing its own signature with UPSTREAM_ERROR and HTTP 502.
 */

const KEY = DEMO_ACCESS_KEYS[0]!;
const API_KEY = 'portal-backend-0123456789abcdef';
const QUERY = JSON.stringify({ query: '{ images(region: "cn-north-4", first: 3, filter: { imageType: PRIVATE }) { nodes { imageId owner } } }' });

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

const env = { HUAWEICLOUD_SDK_AK: KEY.ak, HUAWEICLOUD_SDK_SK: KEY.sk, AUTH_API_KEYS: API_KEY };
const api = useApi({ env, log: createLogger('info', sink) });
const misconfigured = useApi({ env: { ...env, HUAWEICLOUD_SDK_SK: 'not-the-right-secret-key' }, log: createLogger('info', sink) });

async function post(target: ApiHarness, headers: Record<string, string>): Promise<{ status: number; text: string; body: { data?: { images: { nodes: { owner: string }[] } } | null; errors?: { message: string; extensions: Record<string, unknown> }[] } }> {
  const response = await fetch(`${target.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: QUERY });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as never };
}

describe('AK/SK mode', () => {
  it('signs upstream calls with the server key: a caller with an API key sees the key’s tenant, and no token travels', async () => {
    api.emulator.clearRequests();
    const { status, body } = await post(api, { 'x-api-key': API_KEY });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.images.nodes).toHaveLength(3);
    expect(body.data?.images.nodes.every((node) => node.owner === KEY.projectId)).toBe(true);
    const calls = api.emulator.apiRequests;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ auth: 'aksk', projectId: KEY.projectId, status: 200 });
  });

  it.each([
    ['no credential', {}],
    ['an unknown API key', { 'x-api-key': 'not-a-key-of-this-server' }],
    ['a caller IAM token only (not a caller credential here)', { 'x-auth-token': 'demo-token-alice' }],
    ['a valid API key beside an invalid bearer token', { 'x-api-key': API_KEY, authorization: 'Bearer not.a.jwt' }],
  ])('refuses %s with 401 UNAUTHENTICATED on arrival, before any upstream call', async (_label, headers) => {
    api.emulator.clearRequests();
    const { status, text, body } = await post(api, headers);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(api.emulator.apiRequests).toHaveLength(0);
    for (const value of Object.values(headers)) expect(text).not.toContain(value);
  });

  it('never forwards a caller’s X-Auth-Token upstream', async () => {
    api.emulator.clearRequests();
    const { status } = await post(api, { 'x-api-key': API_KEY, 'x-auth-token': 'demo-token-bob' });
    expect(status).toBe(200);
    expect(api.emulator.apiRequests.map((call) => call.auth)).toEqual(['aksk']);
  });

  it('answers the upstream refusing the server’s own signature with UPSTREAM_ERROR, HTTP 502 and the upstream details, and logs it', async () => {
    lines.length = 0;
    const { status, body, text } = await post(misconfigured, { 'x-api-key': API_KEY });
    expect(status).toBe(502);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: { status: 401, code: 'APIGW.0301' } });
    expect(body.errors?.[0]?.message).toMatch(/refused this server's own credentials/);
    expect(text).not.toContain('not-the-right-secret-key');
    expect(lines.some((line) => /"level":50/.test(line) && /own credentials/.test(line))).toBe(true);
  });

  it('keeps every secret out of the log and /readyz', async () => {
    const ready = await (await fetch(`${api.url}/readyz`)).text();
    for (const secret of [KEY.sk, API_KEY, 'not-the-right-secret-key', 'demo-token-bob']) {
      expect(lines.join('\n')).not.toContain(secret);
      expect(ready).not.toContain(secret);
    }
  });
});
