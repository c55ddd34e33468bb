import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { afterAll } from 'vitest';
import WebSocket from 'ws';
import type { GraphQLResponse } from './api-server.js';
import { ALICE } from './tenants.js';

/**
 * Subscriptions (imageStatus) as clients make them: graphql-ws over the `ws` library and
 * graphql-sse's client, each subscription's events kept as they come; `useLiveClients()` disposes
 * of every client a file made after its tests.
 */

export const STATUS = 'subscription Status($region: String!, $imageId: String!) { imageStatus(region: $region, imageId: $imageId) { id imageId status updatedAt } }';

export type StatusEvent = GraphQLResponse<{ imageStatus: { id: string; imageId: string; status: string; updatedAt: string } | null }>;

/** One subscription's events as they come, and how it ended. */
export interface Watch {
  events: StatusEvent[];
  /** Resolves on completion; rejects with what the transport reported as an error. */
  done: Promise<void>;
  /** Resolves once `n` events arrived. */
  nth(n: number): Promise<StatusEvent>;
  stop(): void;
}

type Sink = { next: (value: StatusEvent) => void; error: (error: unknown) => void; complete: () => void };

export function watching(subscribe: (sink: Sink) => () => void): Watch {
  const events: StatusEvent[] = [];
  const waiters: { n: number; resolve: (event: StatusEvent) => void }[] = [];
  let stop: () => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    stop = subscribe({
      next: (value) => {
        events.push(value);
        for (const waiter of waiters.filter((w) => w.n <= events.length)) waiter.resolve(events[waiter.n - 1]!);
      },
      error: reject,
      complete: resolve,
    });
  });
  done.catch(() => undefined);
  return {
    events,
    done,
    stop: () => stop(),
    nth: (n) => (events.length >= n ? Promise.resolve(events[n - 1]!) : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

export function watchWs(client: WsClient, variables: Record<string, unknown>, query = STATUS): Watch {
  return watching((sink) => client.subscribe({ query, variables }, sink as never));
}

export function watchSse(client: SseClient, variables: Record<string, unknown>, query = STATUS): Watch {
  return watching((sink) => client.subscribe({ query, variables }, sink as never));
}

/** A token (sent as X-Auth-Token), or the credential headers themselves (AK/SK mode: X-Api-Key, Authorization). */
export type Credential = string | Record<string, string>;

const asHeaders = (credential: Credential): Record<string, string> => (typeof credential === 'string' ? { 'X-Auth-Token': credential } : credential);

export interface LiveClients {
  /** A graphql-ws client of the server at `baseUrl` (http://…), the credential in its connection params (none when undefined). */
  ws(baseUrl: string, credential?: Credential | undefined): WsClient;
  /** A graphql-sse client of `${baseUrl}/graphql/stream`, the credential as headers. */
  sse(baseUrl: string, credential?: Credential): SseClient;
}

/** Clients for the tests of this file, disposed of after them. */
export function useLiveClients(): LiveClients {
  const clients: { dispose(): unknown }[] = [];
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  return {
    ws(baseUrl, credential = ALICE.token) {
      const client = createWsClient({
        url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        ...(credential ? { connectionParams: asHeaders(credential) } : {}),
      });
      clients.push(client);
      return client;
    },
    sse(baseUrl, credential = ALICE.token) {
      const client = createSseClient({ url: `${baseUrl}/graphql/stream`, headers: asHeaders(credential), retryAttempts: 0 });
      clients.push(client);
      return client;
    },
  };
}
