import { GraphQLError, GraphQLScalarType } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { ErrorCode } from '../errors.js';

/**
 * graphql-scalars' DateTime, except that a date the upstream sent unreadable fails its field as
 * UPSTREAM_ERROR (the upstream's fault, `raw` still has it) instead of an internal error.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...GraphQLDateTime.toConfig(),
  serialize(value) {
    try {
      return GraphQLDateTime.serialize(value);
    } catch {
      throw new GraphQLError('The image service sent a date that is not a valid date-time; `raw` has it as sent.', {
        extensions: { code: ErrorCode.UPSTREAM_ERROR },
      });
    }
  },
});
