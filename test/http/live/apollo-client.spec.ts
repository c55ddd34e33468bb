import { ApolloClient, gql, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import { afterAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ALICE, useApi } from '../../helpers/api-server.js';

/** Apollo Client 4 in Node, as a frontend wires subscriptions: GraphQLWsLink over graphql-ws, against the server. */

const api = useApi({ emulator: { savingMs: 2000 }, env: { WATCH_INTERVAL_MS: '200' } });
const disposers: (() => unknown)[] = [];
afterAll(async () => {
  for (const dispose of disposers) await dispose();
});

const STATUS = gql`
  subscription ImageStatus($region: String!, $imageId: String!) {
    imageStatus(region: $region, imageId: $imageId) {
      id
      imageId
      status
      updatedAt
    }
  }
`;

it('GraphQLWsLink: the saving image, then the finished one, then completion; the cache holds the finished image', { timeout: 15_000 }, async () => {
  const target = api.emulator.savingImages.find((s) => s.projectId === ALICE.projectId && s.finishesAt > Date.now() + 500)!;
  const ws = createClient({ url: `${api.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { 'X-Auth-Token': ALICE.token }, retryAttempts: 0 });
  disposers.push(() => ws.dispose());
  const client = new ApolloClient({ link: new GraphQLWsLink(ws), cache: new InMemoryCache() });
  disposers.push(() => client.stop());

  const statuses: (string | undefined)[] = [];
  await new Promise<void>((resolve, reject) => {
    client.subscribe({ query: STATUS, variables: { region: target.region, imageId: target.imageId } }).subscribe({
      next: (result) => {
        if (result.error) reject(result.error);
        statuses.push((result.data as { imageStatus?: { status: string } } | undefined)?.imageStatus?.status);
      },
      error: reject,
      complete: resolve,
    });
  });
  expect(statuses).toEqual(['SAVING', target.outcome.toUpperCase()]);
  const cached = client.cache.extract() as Record<string, { status?: string; imageId?: string }>;
  const entry = Object.values(cached).find((value) => value.imageId === target.imageId);
  expect(entry?.status).toBe(target.outcome.toUpperCase());
});
