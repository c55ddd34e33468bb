import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { ErrorCode } from '../graphql/errors.js';

/**
 * Depth, alias and directive limits (GraphQL Armor's validation rules) and the token limit
 * (graphql-js's own `maxTokens` parse option). Each refusal is a QueryLimitError: HTTP 400,
 * `BAD_USER_INPUT`, the limit's variable and value in `extensions`, before any upstream call.
 */

/** What one GraphQL operation may ask for; anything beyond is refused before any upstream call. */
export interface QueryLimits {
  /** Most cost units (upstream calls, plus one per 100 listed rows) an operation may be able to use. */
  maxCost: number;
  /** Deepest field nesting (fragments do not count as a level). */
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Most lexical tokens in the document. */
  maxTokens: number;
}

/** A document over one of the query limits; formatError keeps its code and extensions. */
export class QueryLimitError extends GraphQLError {
  constructor(message: string, variable: string, max: number) {
    super(`${message} (${variable}=${max}).`, { extensions: { code: ErrorCode.BAD_USER_INPUT, limit: variable, max, http: { status: 400 } } });
    this.name = 'QueryLimitError';
  }
}

/** Armor reports e.g. "Syntax Error: Query depth limit of 12 exceeded, found 30."; it is no syntax error. */
function reportAs(variable: string, max: number) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    context?.reportError(new QueryLimitError(error.message.replace(/^Syntax Error: /, '').replace(/\.$/, ''), variable, max));
  };
}

export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  return [
    // Fragments are not a level of their own: depth is what a response nests.
    maxDepthRule({ ...common, n: limits.maxDepth, flattenFragments: true, onReject: [reportAs('MAX_QUERY_DEPTH', limits.maxDepth)] }),
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [reportAs('MAX_QUERY_ALIASES', limits.maxAliases)] }),
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [reportAs('MAX_QUERY_DIRECTIVES', limits.maxDirectives)] }),
  ] as ValidationRule[];
}

/** graphql-js's own message when a document has more than `maxTokens` tokens (graphql 16 says "more that"). */
const TOKEN_LIMIT = /^Syntax Error: Document contains more (?:than|that) (\d+) tokens\. Parsing aborted\.$/;

/** The parse error of the token limit as a QueryLimitError; undefined for any other error. */
export function tokenLimitError(error: GraphQLError): QueryLimitError | undefined {
  const match = TOKEN_LIMIT.exec(error.message);
  if (!match) return undefined;
  const max = Number(match[1]);
  return new QueryLimitError(`Document has more than ${max} tokens`, 'MAX_QUERY_TOKENS', max);
}
