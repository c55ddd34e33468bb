import type { Client as SseClient } from 'graphql-sse';
import type { Client as WsClient } from 'graphql-ws';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SavingImage } from '../../../src/emulator/saving.js';
import { ALICE, BOB, useApi, type GraphQLResponse } from '../../helpers/api-server.js';
import { STATUS, useLiveClients, watching, watchSse, watchWs } from '../../helpers/live-clients.js';

/**
 * Subscription.imageStatus against the emulator over loopback, through both transports: an image
 * going saving → active, one poll for many watchers, callers apart, polling stopped by the last
 * watcher leaving, failures as events, the limits, and the refusals of each transport.
 */

const INTERVAL_MS = 250;
// Each region's saving images of a tenant finish one every SAVING_MS from the emulator's start: some soon, some late in the file.
const SAVING_MS = 3000;
const api = useApi({ emulator: { savingMs: SAVING_MS }, env: { WATCH_INTERVAL_MS: String(INTERVAL_MS) } });

const live = useLiveClients();
const wsClient = (token: string | undefined = ALICE.token): WsClient => live.ws(api.url, token);
const sseClient = (token: string = ALICE.token): SseClient => live.sse(api.url, token);

/** A saving image of `projectId` that finishes, as `outcome`, no sooner than `afterMs` from now; the latest one when `latest`. */
function savingImage(projectId: string, { afterMs = 600, outcome, latest = false }: { afterMs?: number; outcome?: 'active' | 'killed'; latest?: boolean } = {}): SavingImage {
  const candidates = api.emulator.savingImages.filter((s) => s.projectId === projectId && s.finishesAt > Date.now() + afterMs && (!outcome || s.outcome === outcome));
  const found = latest ? candidates.at(-1) : candidates[0];
  if (!found) throw new Error('no saving image left in the emulator for this test: raise SAVING_MS');
  return found;
}

/** Upstream lookups of one image by id (the emulator's log), from `since` (a seq). */
function lookups(imageId: string, since = 0): { projectId?: string }[] {
  return api.emulator.apiRequests.filter((r) => r.seq > since && r.query.id === imageId);
}

const lastSeq = (): number => api.emulator.requests.at(-1)?.seq ?? 0;

describe.each([
  ['WebSocket (graphql-ws)', (variables: Record<string, unknown>, query?: string) => watchWs(wsClient(), variables, query)],
  ['Server-Sent Events (graphql-sse)', (variables: Record<string, unknown>, query?: string) => watchSse(sseClient(), variables, query)],
])('over %s', (_transport, watch) => {
  it('an image going from saving to active: the saving image, the active one, then completion', { timeout: 15_000 }, async () => {
    const target = savingImage(ALICE.projectId, { outcome: 'active' });
    const subscription = watch({ region: target.region, imageId: target.imageId });
    await subscription.done;
    const statuses = subscription.events.map((event) => event.data?.imageStatus?.status);
    expect(statuses).toEqual(['SAVING', 'ACTIVE']);
    for (const event of subscription.events) expect(event.errors).toBeUndefined();
    const [saving, active] = subscription.events.map((event) => event.data!.imageStatus!);
    expect(active!.imageId).toBe(target.imageId);
    // The same Image as the query API's: its global id, and the time it finished.
    const { data } = await api.query<{ image: { id: string; status: string; updatedAt: string } }>('query($r: String!, $i: String!) { image(region: $r, imageId: $i) { id status updatedAt } }', { r: target.region, i: target.imageId });
    expect(data!.image).toEqual({ id: saving!.id, status: 'ACTIVE', updatedAt: active!.updatedAt });
    expect(Date.parse(active!.updatedAt)).toBeGreaterThan(Date.parse(saving!.updatedAt));
  });

  it('an image the caller cannot see: one last null, then completion', { timeout: 10_000 }, async () => {
    const subscription = watch({ region: 'cn-north-4', imageId: '00000000-0000-4000-8000-000000000000' });
    await subscription.done;
    expect(subscription.events).toEqual([{ data: { imageStatus: null } }]);
  });

  it('an image already active: one event, then completion', { timeout: 10_000 }, async () => {
    const { data } = await api.query<{ images: { nodes: { imageId: string }[] } }>('{ images(region: "cn-north-4", first: 1, filter: { status: ACTIVE }) { nodes { imageId } } }');
    const imageId = data!.images.nodes[0]!.imageId;
    const subscription = watch({ region: 'cn-north-4', imageId });
    await subscription.done;
    expect(subscription.events.map((event) => event.data?.imageStatus?.status)).toEqual(['ACTIVE']);
  });
});

describe('one poll for every watcher', () => {
  it('50 watchers of one image (two WebSockets of 20, ten event streams) make one upstream call per interval; the poll stops when the last leaves', { timeout: 20_000 }, async () => {
    const target = savingImage(ALICE.projectId, { latest: true, afterMs: 8000 });
    const variables = { region: target.region, imageId: target.imageId };
    const sockets = [wsClient(), wsClient()];
    const watches = [
      ...sockets.flatMap((socket) => Array.from({ length: 20 }, () => watchWs(socket, variables))),
      ...Array.from({ length: 10 }, () => watchSse(sseClient(), variables)),
    ];
    const first = await Promise.all(watches.map((watch) => watch.nth(1)));
    for (const event of first) expect(event.data?.imageStatus?.status).toBe('SAVING');

    const since = lastSeq();
    const windowMs = 8 * INTERVAL_MS;
    await delay(windowMs);
    const calls = lookups(target.imageId, since).length;
    // One per interval (the phase may put one more or one fewer in the window); fifty watchers polling apart would make hundreds.
    expect(calls).toBeGreaterThanOrEqual(6);
    expect(calls).toBeLessThanOrEqual(10);
    // Nothing changed: no more events than the first.
    for (const watch of watches) expect(watch.events).toHaveLength(1);

    // All but one leave: the poll goes on for the last.
    for (const watch of watches.slice(1)) watch.stop();
    await Promise.all(watches.slice(1).map((watch) => watch.done));
    const whileOne = lastSeq();
    await delay(4 * INTERVAL_MS);
    expect(lookups(target.imageId, whileOne).length).toBeGreaterThanOrEqual(2);

    // The last leaves: no poll after the one that may have been under way.
    watches[0]!.stop();
    await watches[0]!.done;
    await delay(INTERVAL_MS);
    const afterAll_ = lastSeq();
    await delay(4 * INTERVAL_MS);
    expect(lookups(target.imageId, afterAll_)).toEqual([]);
  });

  it('two callers never share a poll: each is polled with its own credentials, and sees only what it may', { timeout: 15_000 }, async () => {
    const target = savingImage(ALICE.projectId, { latest: true, afterMs: 5000 });
    const variables = { region: target.region, imageId: target.imageId };
    const since = lastSeq();
    const alice = watchWs(wsClient(ALICE.token), variables);
    const bob = watchSse(sseClient(BOB.token), variables);
    expect((await alice.nth(1)).data?.imageStatus?.status).toBe('SAVING');
    // Bob's own poll finds nothing: Alice's private image is not his to see, whatever Alice's watch holds.
    await bob.done;
    expect(bob.events).toEqual([{ data: { imageStatus: null } }]);
    const callers = new Set(lookups(target.imageId, since).map((call) => call.projectId));
    expect(callers).toEqual(new Set([ALICE.projectId, BOB.projectId]));
    alice.stop();
    await alice.done;
  });
});

describe('failures', () => {
  it('a failed poll is an event with its code, and the watch goes on: the next poll that succeeds sends the image again', { timeout: 15_000 }, async () => {
    const target = savingImage(ALICE.projectId, { latest: true, afterMs: 5000 });
    const watch = watchWs(wsClient(), { region: target.region, imageId: target.imageId });
    expect((await watch.nth(1)).data?.imageStatus?.status).toBe('SAVING');
    api.emulator.setFaults({ failImageIds: [target.imageId] });
    try {
      const failed = await watch.nth(2);
      expect(failed.data).toEqual({ imageStatus: null });
      expect(failed.errors?.[0]?.extensions?.code).toMatch(/^UPSTREAM_/);
      expect(failed.errors?.[0]?.path).toEqual(['imageStatus']);
      // Sent once for the run of failures, not at every poll.
      await delay(3 * INTERVAL_MS);
      expect(watch.events).toHaveLength(2);
    } finally {
      api.emulator.setFaults({ failImageIds: [] });
    }
    const recovered = await watch.nth(3);
    expect(recovered.data?.imageStatus?.status).toBe('SAVING');
    expect(recovered.errors).toBeUndefined();
    watch.stop();
    await watch.done;
  });

  it('credentials the upstream refuses end the watch with UNAUTHENTICATED', { timeout: 10_000 }, async () => {
    const target = savingImage(ALICE.projectId, { latest: true });
    // Well-formed, so the server sends it on; the upstream does not know it.
    const watch = watchSse(sseClient('MIIunknown-token-0123456789'), { region: target.region, imageId: target.imageId });
    await watch.done;
    expect(watch.events).toHaveLength(1);
    expect(watch.events[0]!.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('what each transport refuses', () => {
  it('a subscription sent to /graphql over HTTP: 400, saying where subscriptions are served', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
      body: JSON.stringify({ query: STATUS, variables: { region: 'cn-north-4', imageId: 'x' } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphQLResponse;
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(body.errors?.[0]?.message).toMatch(/\/graphql\/stream/);
  });

  it('an event stream: no credentials 401, a query 400, an invalid document 400, a bad region 400, no Accept 406; nothing polled', async () => {
    const since = lastSeq();
    const post = (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(`${api.url}/graphql/stream`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-auth-token': ALICE.token, ...headers }, body: JSON.stringify(body) });
    const codeOf = async (response: Response): Promise<unknown> => ((await response.json()) as GraphQLResponse).errors?.[0]?.extensions?.code;

    const anonymous = await fetch(`${api.url}/graphql/stream`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query: STATUS }) });
    expect([anonymous.status, await codeOf(anonymous)]).toEqual([401, 'UNAUTHENTICATED']);
    const query = await post({ query: '{ regions }' });
    expect([query.status, await codeOf(query)]).toEqual([400, 'BAD_REQUEST']);
    const invalid = await post({ query: 'subscription { imageStatus(region: "cn-north-4") { status } }' });
    expect([invalid.status, await codeOf(invalid)]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    const region = await post({ query: STATUS, variables: { region: 'Not A Region', imageId: 'x' } });
    expect([region.status, await codeOf(region)]).toEqual([400, 'BAD_USER_INPUT']);
    const json = await post({ query: STATUS, variables: { region: 'cn-north-4', imageId: 'x' } }, { accept: 'application/json' });
    expect(json.status).toBe(406);
    await json.body?.cancel();
    expect(api.emulator.apiRequests.filter((r) => r.seq > since)).toEqual([]);
  });

  it('over a WebSocket: a query, a bad region and an invalid document are errors of that subscription; the connection stays', { timeout: 10_000 }, async () => {
    const client = wsClient();
    const query = watchWs(client, {}, '{ regions }');
    await expect(query.done).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_REQUEST' }) })]);
    const region = watchWs(client, { region: 'Not A Region', imageId: 'x' });
    // graphql-ws sends a refusal by the field's own checks as its one result.
    await region.done.catch(() => undefined);
    const refused = region.events[0]?.errors?.[0] ?? (await region.done.catch((errors: { extensions?: Record<string, unknown> }[]) => errors[0]));
    expect(refused?.extensions?.code).toBe('BAD_USER_INPUT');
    const invalid = watchWs(client, {}, 'subscription { imageStatus { status } }');
    const errors = (await invalid.done.then(() => [], (refusal: { extensions?: Record<string, unknown> }[]) => refusal)) as { extensions?: Record<string, unknown> }[];
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // Still usable.
    const gone = watchWs(client, { region: 'cn-north-4', imageId: '00000000-0000-4000-8000-000000000000' });
    await gone.done;
    expect(gone.events).toEqual([{ data: { imageStatus: null } }]);
  });

  it('a WebSocket without credentials is closed 4401; from an origin CORS does not allow, the upgrade is refused 403', { timeout: 10_000 }, async () => {
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await once(socket, 'open');
    socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    const [code] = (await once(socket, 'close')) as [number, Buffer];
    expect(code).toBe(4401);

    const foreign = new WebSocket(`${api.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { origin: 'https://elsewhere.example' });
    const [, response] = (await once(foreign, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(403);
  });

  it('/metrics counts open subscriptions, events sent by transport, and polls by outcome', { timeout: 10_000 }, async () => {
    const target = savingImage(ALICE.projectId, { latest: true });
    const watch = watchWs(wsClient(), { region: target.region, imageId: target.imageId });
    await watch.nth(1);
    const text = await (await fetch(`${api.url}/metrics`)).text();
    const value = (line: RegExp): number => Number(text.match(line)?.[1] ?? NaN);
    expect(value(/^graphql_subscriptions_open\{transport="ws"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^graphql_subscription_events_total\{transport="ws"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^graphql_subscription_events_total\{transport="sse"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^image_watch_polls_total\{outcome="ok"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^image_watch_polls_total\{outcome="gone"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^image_watches_polled (\d+)$/m)).toBeGreaterThanOrEqual(1);
    watch.stop();
    await watch.done;
  });
});

describe('limits', () => {
  const limited = useApi(() => ({
    sharedEmulator: api.emulator,
    env: { WATCH_INTERVAL_MS: String(INTERVAL_MS), MAX_SUBSCRIPTIONS_PER_CONNECTION: '2', MAX_SUBSCRIPTIONS_PER_CALLER: '3', WATCH_MAX_MS: '1000' },
    limits: { maxCost: 2 },
  }));
  const limitedWs = (): WsClient => live.ws(limited.url);

  it('per connection and per caller: TOO_MANY_SUBSCRIPTIONS naming the limit; a slot freed is a slot again', { timeout: 15_000 }, async () => {
    const target = savingImage(ALICE.projectId, { latest: true });
    const variables = { region: target.region, imageId: target.imageId };
    const socket = limitedWs();
    const open = [watchWs(socket, variables), watchWs(socket, variables)];
    await Promise.all(open.map((watch) => watch.nth(1)));
    const third = watchWs(socket, variables);
    await expect(third.done).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'MAX_SUBSCRIPTIONS_PER_CONNECTION', max: 2 }) })]);

    const other = limitedWs();
    const fine = watchWs(other, variables);
    await fine.nth(1);
    const overCaller = watchWs(other, variables);
    await expect(overCaller.done).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'MAX_SUBSCRIPTIONS_PER_CALLER', max: 3 }) })]);
    const stream = await fetch(`${limited.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-auth-token': ALICE.token },
      body: JSON.stringify({ query: STATUS, variables }),
    });
    expect(stream.status).toBe(429);
    expect(((await stream.json()) as GraphQLResponse).errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'MAX_SUBSCRIPTIONS_PER_CALLER' });

    open[0]!.stop();
    await open[0]!.done;
    const again = watchWs(other, variables);
    expect((await again.nth(1)).data?.imageStatus?.status).toBe('SAVING');
    for (const watch of [open[1]!, fine, again]) watch.stop();
  });

  it('WATCH_MAX_MS: a last event with WATCH_EXPIRED, then completion', { timeout: 10_000 }, async () => {
    const target = savingImage(ALICE.projectId, { latest: true });
    const watch = watchWs(limitedWs(), { region: target.region, imageId: target.imageId });
    await watch.done;
    expect(watch.events.map((event) => event.data?.imageStatus?.status ?? event.errors?.[0]?.extensions?.code)).toEqual(['SAVING', 'WATCH_EXPIRED']);
    expect(watch.events[1]!.errors![0]!.extensions).toMatchObject({ limit: 'WATCH_MAX_MS', max: 1000 });
  });

  it('the query cost applies to the subscription\'s selection (MAX_QUERY_COST), before anything is polled', { timeout: 10_000 }, async () => {
    const since = lastSeq();
    const watch = watchWs(limitedWs(), { region: 'cn-north-4', imageId: 'x' }, 'subscription($region: String!, $imageId: String!) { imageStatus(region: $region, imageId: $imageId) { parentImage { parentImage { id } } } }');
    await expect(watch.done).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', cost: 3, maxCost: 2 }) })]);
    expect(api.emulator.apiRequests.filter((r) => r.seq > since)).toEqual([]);
  });
});

describe('trusted documents (TRUSTED_DOCUMENTS_MODE=enforce) apply to subscriptions', () => {
  const STATUS_ID = createHash('sha256').update(STATUS).digest('hex');
  const manifest = join(mkdtempSync(join(tmpdir(), 'live-trusted-')), 'persisted-documents.json');
  writeFileSync(manifest, JSON.stringify({ [STATUS_ID]: STATUS }));
  const enforcing = useApi(() => ({ sharedEmulator: api.emulator, env: { WATCH_INTERVAL_MS: String(INTERVAL_MS), TRUSTED_DOCUMENTS: manifest, TRUSTED_DOCUMENTS_MODE: 'enforce' } }));
  const AD_HOC = 'subscription($region: String!, $imageId: String!) { imageStatus(region: $region, imageId: $imageId) { status } }';

  it('over an event stream: the listed subscription by documentId runs; an ad-hoc one is refused before the stream, TRUSTED_DOCUMENT_REQUIRED', { timeout: 10_000 }, async () => {
    const variables = { region: 'cn-north-4', imageId: '00000000-0000-4000-8000-000000000000' };
    const post = (body: unknown): Promise<Response> =>
      fetch(`${enforcing.url}/graphql/stream`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-auth-token': ALICE.token }, body: JSON.stringify(body) });
    const listed = await post({ documentId: `sha256:${STATUS_ID}`, variables });
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).toContain('event: next');
    expect(text).toContain('"imageStatus":null');
    expect(text).toContain('event: complete');
    const adHoc = await post({ query: AD_HOC, variables });
    expect(adHoc.status).toBe(400);
    expect(((await adHoc.json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
  });

  it('over a WebSocket: the listed subscription by its exact text or its persisted-query hash runs; an ad-hoc one is refused', { timeout: 10_000 }, async () => {
    const client = live.ws(enforcing.url);
    const variables = { region: 'cn-north-4', imageId: '00000000-0000-4000-8000-000000000000' };
    const byText = watchWs(client, variables);
    await byText.done;
    expect(byText.events).toEqual([{ data: { imageStatus: null } }]);
    const byHash = watching((sink) => client.subscribe({ query: '', variables, extensions: { persistedQuery: { version: 1, sha256Hash: STATUS_ID } } }, sink as never));
    await byHash.done;
    expect(byHash.events).toEqual([{ data: { imageStatus: null } }]);
    const adHoc = watchWs(client, variables, AD_HOC);
    await expect(adHoc.done).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'TRUSTED_DOCUMENT_REQUIRED' }) })]);
  });
});
