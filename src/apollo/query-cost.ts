import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { createRequire } from 'node:module';
import { ErrorCode } from '../graphql/errors.js';

// The CommonJS build, required: the ESM build imports graphql/index.mjs, a second graphql realm
// beside the graphql/index.js that type-graphql, Apollo and this code load; and a default import of
// CommonJS means different things to Node and to vitest.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity/cjs',
) as typeof import('graphql-query-complexity');

/**
 * Refuses, before any upstream call, an operation that could make more upstream calls than
 * `maxCost`. A field's cost is its `complexity` (the upstream calls it may make, see the
 * resolvers); fields without one cost nothing.
 */
export function queryCost(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          // No operation by that name: Apollo refuses the request (OPERATION_RESOLUTION_FAILURE) after this hook.
          if (!operation) return;
          let cost: number;
          // The operation Apollo resolved: an anonymous one has no name to look up (the library
          // would read `operation.name.value` whenever `operationName` is passed).
          const operationName = operation.name?.value;
          try {
            cost = getComplexity({
              schema,
              query: document,
              ...(operationName ? { operationName } : {}),
              variables: request.variables ?? {},
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 0 })],
            });
          } catch (error) {
            // Variables that do not coerce: execution refuses them with BAD_USER_INPUT before any resolver runs.
            if (error instanceof GraphQLError) return;
            throw error;
          }
          if (cost > maxCost) {
            throw new GraphQLError(
              `This operation could make up to ${cost} calls to the image service; the limit is ${maxCost}. Ask for fewer or smaller pages, or fewer parentImage/image/node fields.`,
              { extensions: { code: ErrorCode.BAD_USER_INPUT, cost, maxCost, http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
