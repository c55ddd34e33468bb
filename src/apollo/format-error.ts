import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, isCodelessRequestError } from '../graphql/errors.js';
import { CloudImagesError } from '../upstream/errors.js';
import { QueryLimitError, tokenLimitError } from './query-limits.js';

export interface FormatErrorOptions {
  /** Drop graphql-js's "Did you mean …?" hints, which would spell out the schema (production). */
  hideSuggestions: boolean;
}

// Apollo's hideSchemaDetailsFromClientErrors cleans validation errors only; variable coercion
// errors ("Value "ACTIV" does not exist in "ImageStatus" enum. Did you mean …?") pass here too.
const SUGGESTION = / ?Did you mean .+?\?(?=$|\n)/g;

/**
 * Apollo's `formatError`: upstream failures get their code and `extensions.upstream`; refusals by
 * the query limits are `BAD_USER_INPUT` (Apollo files them as parse or validation failures); errors
 * this API raised on purpose keep their code; anything else is an internal error whose details stay
 * in the log (see log-internal-errors.ts). No stack trace ever leaves the server.
 */
export function createFormatError({ hideSuggestions }: FormatErrorOptions) {
  const clean = (formatted: GraphQLFormattedError): GraphQLFormattedError =>
    hideSuggestions && formatted.message.includes('Did you mean') ? { ...formatted, message: formatted.message.replace(SUGGESTION, '') } : formatted;

  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    if (original instanceof CloudImagesError) {
      return {
        ...formatted,
        message: original.message,
        extensions: {
          code: original.code,
          ...(original.upstream ? { upstream: original.upstream } : {}),
          ...(original.retryAfterSeconds !== undefined ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
        },
      };
    }
    const cause = error instanceof GraphQLError ? error.originalError : undefined;
    const limit = cause instanceof QueryLimitError ? cause : cause instanceof GraphQLError ? tokenLimitError(cause) : undefined;
    if (limit) {
      const { http: _http, ...limitExtensions } = limit.extensions;
      return { message: limit.message, extensions: limitExtensions };
    }
    if (typeof extensions.code === 'string' && extensions.code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return clean({ ...formatted, extensions });
    }
    if (isCodelessRequestError(error)) {
      return clean({ ...formatted, extensions: { ...extensions, code: 'BAD_REQUEST' } });
    }
    return { ...formatted, message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
