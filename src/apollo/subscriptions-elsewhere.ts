import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * Apollo Server runs no subscription (it would resolve the field once, with no event): a
 * subscription sent to /graphql over HTTP is refused before it runs, HTTP 400 BAD_REQUEST, with
 * where subscriptions are served (src/http/live/: WebSocket at /graphql, SSE at /graphql/stream).
 */
export const SUBSCRIPTIONS_ELSEWHERE =
  'Subscriptions are served over WebSocket (graphql-ws, protocol graphql-transport-ws, at /graphql) and Server-Sent Events (graphql-sse, at /graphql/stream), not over HTTP POST or GET.';

export function subscriptionsElsewhere(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') throw new GraphQLError(SUBSCRIPTIONS_ELSEWHERE, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        },
      };
    },
  };
}
