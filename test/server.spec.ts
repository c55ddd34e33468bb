import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ALICE, useApi } from './helpers/api-server.js';

const api = useApi();

describe('HTTP routes', () => {
  it('GET /graphql from a browser serves Apollo Sandbox with the example operations and the demo token', async () => {
    const response = await fetch(`${api.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('embeddable-sandbox');
    expect(html).toContain('query ImagesPage');
    expect(html).toContain(ALICE.token);
    expect(html).toContain('X-Auth-Token');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('routes a request whose target is an absolute URL (as a proxy sends it) by its path', async () => {
    const { port } = new URL(api.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(`GET ${api.url}/healthz?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('{"status":"ok"}');
  });

  it('GET /healthz and /readyz answer 200', async () => {
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('answers any other path with a JSON 404, and other methods on a route of its own with a JSON 405', async () => {
    for (const path of ['/', '/nothing', '/graphql/extra', '/healthz/deeper']) {
      const response = await fetch(`${api.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ errors: [{ message: `Nothing at ${path}: the API is at /graphql.`, extensions: { code: 'NOT_FOUND' } }] });
    }
    const wrongMethod = await fetch(`${api.url}/healthz`, { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    expect(((await wrongMethod.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('BAD_REQUEST');
  });

  it('matches routes in any case and with a trailing slash, and answers HEAD like GET without a body', async () => {
    expect((await fetch(`${api.url}/HealthZ/`)).status).toBe(200);
    const post = await fetch(`${api.url}/graphql/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token }, body: JSON.stringify({ query: '{ regions }' }) });
    expect(post.status).toBe(200);
    expect(((await post.json()) as { data: { regions: string[] } }).data.regions.length).toBeGreaterThan(0);
    const head = await fetch(`${api.url}/readyz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const echoed = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    const made = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'bad id\twith tab' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a body that is not JSON with a JSON 400, no HTML and no stack trace', async () => {
    const response = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    expect(text).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  it('refuses a malformed token with UNAUTHENTICATED before any upstream call', async () => {
    api.emulator.clearRequests();
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer two words' },
      body: JSON.stringify({ query: '{ images(region: "cn-north-4") { nodes { id } } }' }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0]?.message).not.toContain('two words');
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it.each(['tok"en', 'tok\\en', 'tok<en>', 'tok;en'])('refuses a token with characters no IAM token has (%s), before any upstream call', async (token) => {
    api.emulator.clearRequests();
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({ query: '{ images(region: "cn-north-4") { nodes { id } } }' }),
    });
    expect(response.status).toBe(401);
    const body = await response.text();
    expect(JSON.parse(body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body).not.toContain(token);
    expect(api.emulator.apiRequests).toHaveLength(0);
  });

  it('takes the token from Authorization: Bearer as well', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE.token}` },
      body: JSON.stringify({ query: '{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }' }),
    });
    const body = (await response.json()) as { data: { images: { nodes: unknown[] } } };
    expect(body.data.images.nodes).toHaveLength(1);
  });
});

describe('requests Apollo refuses (found by fuzzing)', () => {
  async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: { errors?: { message: string; extensions: { code: string } }[] } }> {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token, ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { errors?: { message: string; extensions: { code: string } }[] } };
  }

  it('an operationName that names no operation of an anonymous document: 400 OPERATION_RESOLUTION_FAILURE, not a 500', async () => {
    const { status, body } = await post({ query: '{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }', operationName: 'Foo' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions.code).toBe('OPERATION_RESOLUTION_FAILURE');
  });

  it.each([
    [{ version: 1, sha256Hash: 'abc' }, /sha does not match/],
    [{ version: 2, sha256Hash: 'abc' }, /Unsupported persisted query version/],
  ])('a bad persisted query %o: 400 BAD_REQUEST with what was wrong, not a masked internal error', async (persistedQuery, message) => {
    const { status, body } = await post({ query: '{ __typename }', extensions: { persistedQuery } });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors?.[0]?.message).toMatch(message);
  });

  it('takes a 16 KB token header (IAM tokens run to several KB) without a 431', async () => {
    const { status, body } = await post({ query: '{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }' }, { 'x-auth-token': 'A'.repeat(16_384) });
    // The token reaches the upstream, which does not know it: 401, not 431.
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('after start-up', () => {
  it('keeps serving when the HTTP server reports an error later', async () => {
    api.server.httpServer.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' }));
    const result = await api.query<{ images: { nodes: unknown[] } }>('{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }');
    expect(result.data?.images.nodes).toHaveLength(1);
  });
});
