import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_ACCESS_KEYS } from '../../../src/emulator/options.js';
import { useApi } from '../../helpers/api-server.js';
import { useLiveClients, watchSse, watchWs } from '../../helpers/live-clients.js';

/**
 * Subscriptions in AK/SK mode: the caller is authenticated as it connects (a WebSocket's connection
 * params, an event stream's headers), as /graphql authenticates a request; the polls are signed
 * with the server's own key pair.
 */

const KEY = DEMO_ACCESS_KEYS[0]!;
const API_KEY = 'portal-backend-0123456789abcdef';
// Saving images stay saving for ten minutes.
const api = useApi({ emulator: { savingMs: 600_000 }, env: { HUAWEICLOUD_SDK_AK: KEY.ak, HUAWEICLOUD_SDK_SK: KEY.sk, AUTH_API_KEYS: API_KEY, WATCH_INTERVAL_MS: '200' } });
const live = useLiveClients();

function savingImage(): { region: string; imageId: string } {
  const { region, imageId } = api.emulator.savingImages.find((s) => s.projectId === KEY.projectId)!;
  return { region, imageId };
}

/** A raw graphql-transport-ws connection_init with these params: the close code the server answers with. */
async function closeCodeFor(params: Record<string, unknown>): Promise<number> {
  const socket = new WebSocket(`${api.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: params }));
  const [code] = (await once(socket, 'close')) as [number];
  return code;
}

describe('AK/SK mode', () => {
  it('a WebSocket whose connection params carry a valid API key watches the key\'s tenant\'s image, polled with the server\'s signature', { timeout: 10_000 }, async () => {
    const variables = savingImage();
    api.emulator.clearRequests();
    const watch = watchWs(live.ws(api.url, { 'X-Api-Key': API_KEY }), variables);
    expect((await watch.nth(1)).data?.imageStatus).toMatchObject({ imageId: variables.imageId, status: 'SAVING' });
    watch.stop();
    await watch.done;
    const polls = api.emulator.apiRequests.filter((r) => r.query.id === variables.imageId);
    expect(polls.length).toBeGreaterThan(0);
    for (const poll of polls) expect(poll).toMatchObject({ auth: 'aksk', projectId: KEY.projectId });
  });

  it('an event stream with a valid API key header does too', { timeout: 10_000 }, async () => {
    const watch = watchSse(live.sse(api.url, { 'X-Api-Key': API_KEY }), savingImage());
    expect((await watch.nth(1)).data?.imageStatus?.status).toBe('SAVING');
    watch.stop();
    await watch.done;
  });

  it.each([
    ['no credential', {}],
    ['an unknown API key', { 'X-Api-Key': 'not-a-key-of-this-server' }],
    ['an IAM token (no caller credential in AK/SK mode)', { 'X-Auth-Token': 'demo-token-alice' }],
    ['a malformed bearer token', { Authorization: 'Bearer not.a.jwt' }],
  ])('a WebSocket connecting with %s is closed 4401 before any subscription or upstream call', { timeout: 10_000 }, async (_label, params) => {
    api.emulator.clearRequests();
    expect(await closeCodeFor(params)).toBe(4401);
    expect(api.emulator.apiRequests).toEqual([]);
  });

  it('an event stream with an unknown API key: 401 UNAUTHENTICATED, the key not echoed', async () => {
    const response = await fetch(`${api.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': 'not-a-key-of-this-server' },
      body: JSON.stringify({ query: 'subscription { imageStatus(region: "cn-north-4", imageId: "x") { status } }' }),
    });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect((JSON.parse(text) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(text).not.toContain('not-a-key-of-this-server');
  });
});
