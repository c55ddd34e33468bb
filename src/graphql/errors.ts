import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { CloudImagesError } from '../upstream/errors.js';

/** Every `extensions.code` this API answers with, beside graphql-js's and Apollo's own. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  RATE_LIMITED = 'RATE_LIMITED',
  UPSTREAM_ERROR = 'UPSTREAM_ERROR',
  UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT',
  UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

export function userInputError(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extensions } });
}

/** Whether an error is none of ours on purpose (an upstream failure or a coded GraphQL error): a bug. */
export function isInternalError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof CloudImagesError) return false;
  const code = original instanceof GraphQLError ? original.extensions.code : error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code !== 'string' || code === ErrorCode.INTERNAL_SERVER_ERROR;
}
