import { GraphQLError, GraphQLScalarType } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { ErrorCode } from '../errors.js';

/** What `Date.prototype.toISOString` writes; image dates arrive written so (image.mapper.ts). */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * graphql-scalars' DateTime, except that a date-time already written as `toISOString` writes it
 * passes as it is (no Date is made per value), and a date the upstream sent unreadable fails its
 * field as UPSTREAM_ERROR (the upstream's fault, `raw` still has it) instead of an internal error.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...GraphQLDateTime.toConfig(),
  serialize(value) {
    if (typeof value === 'string' && ISO.test(value)) return value;
    try {
      return GraphQLDateTime.serialize(value);
    } catch {
      throw new GraphQLError('The image service sent a date that is not a valid date-time; `raw` has it as sent.', {
        extensions: { code: ErrorCode.UPSTREAM_ERROR },
      });
    }
  },
});
