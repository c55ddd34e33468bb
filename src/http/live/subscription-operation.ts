import { unwrapResolverError } from '@apollo/server/errors';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  specifiedRules,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { Logger } from 'pino';
import type { QueryPricer } from '../../apollo/query-cost.js';
import { queryLimitRules, QueryLimitError, tokenLimitError, type QueryLimits } from '../../apollo/query-limits.js';
import type { Context } from '../../graphql/context.js';
import { ErrorCode, isInternalError } from '../../graphql/errors.js';

/**
 * What both subscription transports (WebSocket, Server-Sent Events) do with an operation, the
 * same way /graphql does it before Apollo runs one: parse within MAX_QUERY_TOKENS, validate with
 * graphql-js's rules and the query limits (depth, aliases, directives), resolve the operation,
 * coerce its variables and price it with the same query cost; then subscribe with graphql-js
 * (Apollo Server runs no subscription). Only subscriptions are served here: queries and mutations
 * go to POST /graphql. Every error a client receives goes through the API's formatError (codes,
 * `extensions.upstream`, no stack, no schema hints in production); internal ones are logged.
 */

export interface SubscriptionRules {
  schema: GraphQLSchema;
  limits: QueryLimits;
  pricer: QueryPricer;
  /** Apollo's formatError of /graphql (src/apollo/format-error.ts). */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  log: Logger;
}

/** What a client sends: GraphQL over HTTP's request parameters. */
export interface OperationParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

export type PreparedOperation = { document: DocumentNode; operationName: string | undefined; variableValues: Record<string, unknown> };

function coded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    extensions: { ...error.extensions, code },
  });
}

const badRequest = (message: string): GraphQLError => new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });

export class SubscriptionOperations {
  private readonly rules;

  constructor(private readonly options: SubscriptionRules) {
    this.rules = [...specifiedRules, ...queryLimitRules(options.limits)];
  }

  /** The operation ready to subscribe to, or the errors that refuse it (before anything is polled). */
  prepare(params: OperationParams): PreparedOperation | GraphQLError[] {
    const { schema, limits, pricer } = this.options;
    const { query, operationName, variables } = params;
    if (typeof query !== 'string' || query.trim() === '') return [badRequest('Send the subscription as a GraphQL document in `query`.')];
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return [badRequest('`operationName` must be a string.')];
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return [badRequest('`variables` must be an object.')];
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: limits.maxTokens });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return [tokenLimitError(error) ?? coded(error, 'GRAPHQL_PARSE_FAILED')];
    }
    const invalid = validate(schema, document, this.rules);
    if (invalid.length > 0) return invalid.map((error) => (error instanceof QueryLimitError ? error : coded(error, 'GRAPHQL_VALIDATION_FAILED')));
    const operation = getOperationAST(document, typeof operationName === 'string' ? operationName : undefined);
    if (!operation) {
      return [coded(new GraphQLError(typeof operationName === 'string' ? `No operation named "${operationName.slice(0, 64)}" in the document.` : 'The document has several operations: name one in `operationName`.'), 'OPERATION_RESOLUTION_FAILURE')];
    }
    if (operation.operation !== 'subscription') return [badRequest(`Only subscriptions are served here; send a ${operation.operation} to POST /graphql.`)];
    const variableValues = (variables ?? {}) as Record<string, unknown>;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues, { maxErrors: 50 });
    if (coerced.errors) return coerced.errors.map((error) => coded(error, ErrorCode.BAD_USER_INPUT));
    const cost = pricer.costOf(schema, document, operation, variableValues);
    const refusal = cost === null ? undefined : pricer.refusal(cost);
    if (refusal) return [refusal];
    return { document, operationName: operation.name?.value, variableValues };
  }

  /** What graphql-js's subscribe runs the prepared operation with. */
  executionArgs(prepared: PreparedOperation, contextValue: Context): ExecutionArgs {
    return { schema: this.options.schema, ...prepared, contextValue };
  }

  /** graphql-js's subscribe (an event stream, or the result that refuses it). */
  subscribe(prepared: PreparedOperation, contextValue: Context): ReturnType<typeof subscribe> {
    return subscribe(this.executionArgs(prepared, contextValue));
  }

  /** Errors as a client receives them (internal ones logged, and answered as such). */
  format(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
    return errors.map((error) => {
      if (isInternalError(error)) this.options.log.error({ err: unwrapResolverError(error) ?? error, path: error.path }, 'internal error in a subscription');
      const formatted = this.options.formatError(error.toJSON(), error);
      // `http` says an HTTP status to Apollo; no transport here reads it, and no client needs it.
      if (!formatted.extensions || !('http' in formatted.extensions)) return formatted;
      const { http: _http, ...extensions } = formatted.extensions;
      return { ...formatted, extensions };
    });
  }

  /** An event as a client receives it. */
  formatResult(result: ExecutionResult): FormattedExecutionResult {
    const { errors, ...rest } = result;
    if (!errors || errors.length === 0) return rest;
    return { ...rest, errors: this.format(errors) };
  }
}
