import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.js';
import { isInternalError } from '../graphql/errors.js';

/** Internal errors reach the client as a bare "Internal server error"; their details go to the log, with the request id. */
export function logInternalErrors(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (isInternalError(error)) contextValue?.log.error({ err: error.originalError ?? error, path: error.path }, 'internal error while resolving');
          }
        },
      };
    },
  };
}
