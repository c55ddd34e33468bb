import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Context } from '../graphql/context.js';
import { isInternalError } from '../graphql/errors.js';
import { CloudImagesError, ErrorCode } from '../upstream/errors.js';

/**
 * Internal errors reach the client as a bare "Internal server error"; their details go to the log,
 * with the request id. So does the upstream refusing the server's own AK/SK signature: the
 * caller sees UPSTREAM_ERROR, the operator must see why.
 */
export function logInternalErrors(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (isInternalError(error)) {
              contextValue?.log.error({ err: original ?? error, path: error.path }, 'internal error while resolving');
            } else if (original instanceof CloudImagesError && original.code === ErrorCode.UPSTREAM_ERROR && original.upstream?.status === 401) {
              contextValue?.log.error({ upstream: original.upstream, path: error.path }, "the image service refused this server's own credentials (HUAWEICLOUD_SDK_AK/SK)");
            }
          }
        },
      };
    },
  };
}
