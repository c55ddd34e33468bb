import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { ALICE, useApi } from './helpers/api-server.js';

/**
 * What the server writes to its log: one access line per request with its id, method,
 * real path, status, duration, and on /graphql the operation name and the upstream calls it made;
 * never a token, key or JWT.
 */

type Line = Record<string, unknown>;
const lines: Line[] = [];

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsb2ctdGVzdCJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw';
const API_KEY = 'api-key-that-must-not-leak-0123456789';

function sink(into: Line[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) into.push(JSON.parse(line) as Line);
      done();
    },
  });
}

// The production logger (with its redaction), writing into the test's sink.
const api = useApi({ log: createLogger('info', sink(lines)) });

const accessLines = (requestId: string): Line[] => lines.filter((l) => l.msg === 'request' && l.requestId === requestId);

/** Sends a request, reads the answer, and waits for its access line. */
async function send(path: string, init: RequestInit & { headers: Record<string, string> }): Promise<{ response: Response; body: string; line: Line }> {
  const response = await fetch(`${api.url}${path}`, init);
  const body = await response.text();
  const requestId = response.headers.get('x-request-id')!;
  await expect.poll(() => accessLines(requestId).length).toBe(1);
  return { response, body, line: accessLines(requestId)[0]! };
}

/** A GraphQL POST; `token` goes in X-Auth-Token unless null. */
function post(body: unknown, { headers = {}, requestId, token = ALICE.token }: { headers?: Record<string, string>; requestId?: string; token?: string | null } = {}): RequestInit & { headers: Record<string, string> } {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'x-auth-token': token }), ...(requestId ? { 'x-request-id': requestId } : {}), ...headers },
    body: JSON.stringify(body),
  };
}


describe('logging', () => {
  it('writes one access line per request with the request id echoed, the real path, status, duration, operation and upstream calls', async () => {
    lines.length = 0;
    const { response, line } = await send(
      '/graphql?ignored=1',
      post({ operationName: 'FirstImage', query: 'query FirstImage { images(region: "tr-west-1", first: 1) { nodes { imageId } } }' }, { requestId: 'log-test-1' }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('log-test-1');
    expect(line).toMatchObject({ msg: 'request', level: 30, requestId: 'log-test-1', method: 'POST', path: '/graphql', status: 200, operationName: 'FirstImage', upstreamCalls: 1 });
    expect(line.ms).toEqual(expect.any(Number));
    expect(line.ms as number).toBeGreaterThanOrEqual(0);
    // Nothing of the request or the response but those fields: no headers, no body, no query string.
    expect(Object.keys(line).sort()).toEqual(['level', 'method', 'ms', 'msg', 'operationName', 'path', 'requestId', 'service', 'status', 'time', 'upstreamCalls'].sort());
    expect(accessLines('log-test-1')).toHaveLength(1);
  });

  it('counts the upstream calls the operation made', async () => {
    lines.length = 0;
    api.emulator.clearRequests();
    // Three root fields, three upstream calls (different regions: nothing is shared).
    const query = `query ThreeRegions {
      a: images(region: "tr-west-1", first: 1) { nodes { imageId } }
      b: images(region: "cn-east-3", first: 1) { nodes { imageId } }
      c: images(region: "la-north-2", first: 1) { nodes { imageId } }
    }`;
    const { line } = await send('/graphql', post({ query, operationName: 'ThreeRegions' }, { requestId: 'log-test-calls' }));
    expect(api.emulator.apiRequests).toHaveLength(3);
    expect(line).toMatchObject({ operationName: 'ThreeRegions', upstreamCalls: 3, status: 200 });
  });

  it('logs the operation Apollo ran by its name when the client sent no operationName', async () => {
    lines.length = 0;
    const { line } = await send('/graphql', post({ query: 'query NamedInTheDocument { regions }' }, { requestId: 'log-test-named' }));
    expect(line).toMatchObject({ operationName: 'NamedInTheDocument', status: 200 });
    // Of two operations, the one asked for.
    const two = 'query One { regions } query Two { regions }';
    expect((await send('/graphql', post({ query: two, operationName: 'Two' }, { requestId: 'log-test-two' }))).line).toMatchObject({ operationName: 'Two', status: 200 });
  });

  it('logs no operation name a client did not send as a GraphQL name, and 0 calls when the request made none', async () => {
    lines.length = 0;
    const { line: anonymous } = await send('/graphql', post({ query: '{ regions }' }, { requestId: 'log-test-anon' }));
    expect(anonymous).toMatchObject({ operationName: null, upstreamCalls: 0, status: 200 });
    const { line: odd } = await send('/graphql', post({ query: 'query Q { regions }', operationName: 'not a name: ' + ALICE.token }, { requestId: 'log-test-odd' }));
    expect(odd).toMatchObject({ operationName: null, upstreamCalls: 0 });
    expect(JSON.stringify(lines)).not.toContain(ALICE.token);
  });

  it('gives a request without a sane X-Request-Id a new UUID, echoed and logged', async () => {
    lines.length = 0;
    for (const headers of [{}, { 'x-request-id': 'has spaces and ; semicolons' }, { 'x-request-id': 'x'.repeat(129) }] as Record<string, string>[]) {
      const { response, line } = await send('/healthz', { headers });
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      // Not a GraphQL request: no operation fields.
      expect(line).toEqual(expect.objectContaining({ requestId: id, method: 'GET', path: '/healthz', status: 200 }));
      expect(line).not.toHaveProperty('operationName');
      expect(line).not.toHaveProperty('upstreamCalls');
    }
  });

  it('keeps every credential out of the log: X-Auth-Token, Authorization Bearer, X-Api-Key, even when refused', async () => {
    lines.length = 0;
    const secret = 'MIIsecret-token-value-that-must-not-leak';
    const query = { query: '{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }' };
    const refused = await send('/graphql', post(query, { token: secret }));
    expect((JSON.parse(refused.body) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.line).toMatchObject({ path: '/graphql', upstreamCalls: 1 });
    await send('/graphql', post(query, { token: null, headers: { authorization: `Bearer ${JWT}` } }));
    await send('/graphql', post(query, { headers: { 'x-api-key': API_KEY } }));
    await send('/healthz?token=' + secret, { headers: { authorization: `Bearer ${JWT}`, 'x-api-key': API_KEY, 'x-auth-token': secret } });
    await expect.poll(() => lines.filter((l) => l.msg === 'request').length).toBe(4);
    const all = JSON.stringify(lines);
    for (const value of [secret, JWT, API_KEY, ALICE.token]) expect(all).not.toContain(value);
  });
});

describe('logging without the production logger', () => {
  // The access line carries no headers itself, so even a plain logger (no redaction) gets no token.
  const plain: Line[] = [];
  const other = useApi({ log: pino({ level: 'info' }, sink(plain)) });

  it('keeps the token out', async () => {
    const response = await fetch(`${other.url}/graphql`, post({ query: '{ regions }' }, { token: null, headers: { authorization: `Bearer ${JWT}` }, requestId: 'plain-1' }));
    await response.text();
    await expect.poll(() => plain.find((l) => l.requestId === 'plain-1')).toBeDefined();
    expect(plain.find((l) => l.requestId === 'plain-1')).toMatchObject({ msg: 'request', path: '/graphql', status: 200, upstreamCalls: 0 });
    expect(JSON.stringify(plain)).not.toContain(JWT);
    expect(JSON.stringify(plain)).not.toContain(ALICE.token);
  });
});
