import { describe, expect, it } from 'vitest';
import { ALICE, useApi } from '../helpers/api-server.js';

/** CORS on /graphql over real HTTP, and Apollo's CSRF prevention beside it. (A real browser: test/browser/.) */

const PORTAL = 'https://portal.example.com';
const QUERY = JSON.stringify({ query: '{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }' });

function preflight(url: string, origin: string, requestHeaders = 'content-type,x-auth-token'): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
  });
}

function post(url: string, headers: Record<string, string>, body = QUERY): Promise<Response> {
  return fetch(`${url}/graphql`, { method: 'POST', headers: { 'x-auth-token': ALICE.token, ...headers }, body });
}

describe('with CORS_ORIGINS listing exact origins', () => {
  const api = useApi({ cors: { origins: [PORTAL, 'http://localhost:5173'], loopback: false } });

  it.each([PORTAL, 'http://localhost:5173'])('answers the preflight from %s with 204 and the full CORS grant, before Apollo or the upstream', async (origin) => {
    api.emulator.clearRequests();
    const response = await preflight(api.url, origin);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-allow-headers')?.split(',').sort()).toEqual(
      ['Authorization', 'Content-Type', 'X-Api-Key', 'X-Apollo-Operation-Name', 'X-Auth-Token', 'X-Request-Id', 'apollo-require-preflight'].sort(),
    );
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it('grants the actual request: its origin back (never *), Vary: Origin and X-Request-Id exposed', async () => {
    const response = await post(api.url, { 'content-type': 'application/json', origin: PORTAL });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(response.headers.get('access-control-expose-headers')).toBe('X-Request-Id');
    expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(((await response.json()) as { data: { images: { nodes: unknown[] } } }).data.images.nodes).toHaveLength(1);
  });

  it.each(['https://evil.example.com', 'https://portal.example.com.evil.example', 'http://portal.example.com', 'http://localhost:5174', 'null'])(
    'gives %s no CORS header at all, on the preflight and on the request',
    async (origin) => {
      const answer = await preflight(api.url, origin);
      expect(answer.status).toBe(204);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-methods')).toBeNull();
      expect(answer.headers.get('access-control-allow-headers')).toBeNull();
      const response = await post(api.url, { 'content-type': 'application/json', origin });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-expose-headers')).toBeNull();
      // The answer still varies by Origin, so no shared cache hands it to an allowed origin.
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
    },
  );

  it('sends no CORS headers to callers without Origin (curl, servers)', async () => {
    const response = await post(api.url, { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('in emulator mode (the default policy)', () => {
  const api = useApi();

  it.each(['http://localhost:5173', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'http://localhost'])('allows the local dev server %s', async (origin) => {
    const response = await preflight(api.url, origin);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it.each(['https://localhost:5173', 'http://localhost.evil.example', 'http://127.0.0.2:5173', 'http://192.168.1.5:5173', 'https://portal.example.com'])('does not allow %s', async (origin) => {
    const response = await preflight(api.url, origin);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe("Apollo's CSRF prevention stays on", () => {
  const api = useApi();

  it.each([
    ['text/plain', QUERY],
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent('{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }')}`],
    ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ __typename }\r\n--x--\r\n`],
  ])('refuses a %s POST (a "simple" request a browser sends cross-origin without preflight), before any upstream call', async (contentType, body) => {
    api.emulator.clearRequests();
    const response = await post(api.url, { 'content-type': contentType, origin: 'http://localhost:5173' }, body);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it('refuses a GET query without a preflight-forcing header, and runs it with apollo-require-preflight', async () => {
    const url = `${api.url}/graphql?query=${encodeURIComponent('{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }')}`;
    const refused = await fetch(url, { headers: { 'x-auth-token': ALICE.token } });
    expect(refused.status).toBe(400);
    const allowed = await fetch(url, { headers: { 'x-auth-token': ALICE.token, 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
  });
});
