import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DIGITS = /^(0|[1-9]\d*)$/;

function fromDecimal(value: unknown): string {
  if (typeof value === 'string' && DIGITS.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'bigint' && value >= 0n) return value.toString();
  throw new GraphQLError(`ByteSize must be a non-negative whole number of bytes, got ${JSON.stringify(String(value)).slice(0, 40)}`);
}

/**
 * Written here because graphql-scalars' BigInt serializes to JavaScript bigints, which JSON cannot
 * carry; a decimal string is exact at any size (image sizes exceed 2^31, and JSON numbers lose
 * precision above 2^53).
 */
export const ByteSizeScalar = new GraphQLScalarType<string, string>({
  name: 'ByteSize',
  description: 'A size in bytes, as a decimal string so that it is exact at any size, e.g. "10737418240".',
  serialize: fromDecimal,
  parseValue: fromDecimal,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return fromDecimal(ast.kind === Kind.INT ? BigInt(ast.value) : ast.value);
    throw new GraphQLError('ByteSize must be given as a string or an integer literal');
  },
});

/** The exact byte count of a wire value, or null when it is not a whole number. */
export function parseByteSize(value: unknown): string | null {
  try {
    return value === null || value === undefined ? null : fromDecimal(typeof value === 'string' ? value.trim() : value);
  } catch {
    return null;
  }
}
