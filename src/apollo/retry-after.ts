import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../graphql/errors.js';

/** A response with RATE_LIMITED errors carries `Retry-After` (the longest wait asked for) beside `extensions.retryAfterSeconds`. */
export function retryAfterHeader(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const waits = (response.body.singleResult.errors ?? []).flatMap((error) =>
            error.extensions?.code === ErrorCode.RATE_LIMITED && typeof error.extensions.retryAfterSeconds === 'number' ? [error.extensions.retryAfterSeconds] : [],
          );
          if (waits.length > 0) response.http.headers.set('retry-after', String(Math.max(...waits)));
        },
      };
    },
  };
}
