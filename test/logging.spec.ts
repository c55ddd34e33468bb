import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, startApi, type ApiHarness } from './helpers/api-server.js';

/** What the server writes to its log: one line per request, with its id, and never a token. */

const lines: Record<string, unknown>[] = [];
let api: ApiHarness;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  api = await startApi({ log: pino({ level: 'info' }, sink) });
});
afterAll(async () => {
  await api.close();
});

describe('logging', () => {
  it('writes an access line per request with the request id and the real path, and never the token', async () => {
    lines.length = 0;
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ALICE, 'x-request-id': 'log-test-1' },
      body: JSON.stringify({ query: '{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }' }),
    });
    expect(response.status).toBe(200);
    await response.text();
    await expect.poll(() => lines.find((l) => l.requestId === 'log-test-1')).toBeDefined();
    expect(lines.find((l) => l.requestId === 'log-test-1')).toMatchObject({ msg: 'request', method: 'POST', path: '/graphql', status: 200 });
    expect(JSON.stringify(lines)).not.toContain(ALICE);
  });

  it('keeps an unknown token out of the log even when the upstream refuses it', async () => {
    lines.length = 0;
    const secret = 'MIIsecret-token-value-that-must-not-leak';
    const result = await api.query('{ images(region: "tr-west-1", first: 1) { nodes { imageId } } }', {}, secret);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(result)).not.toContain(secret);
    await expect.poll(() => lines.some((l) => l.msg === 'request')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(secret);
  });
});
