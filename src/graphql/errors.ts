import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { CloudImagesError, ErrorCode } from '../upstream/errors.js';

export { ErrorCode };

export function userInputError(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extensions } });
}

/** The last event of a watch the server ended (src/images/image-watch.ts): it is shutting down, or the watch lasted WATCH_MAX_MS. */
export function watchEndedError(reason: 'shutdown' | 'expired', afterMs: number | undefined): GraphQLError {
  if (reason === 'shutdown') {
    return new GraphQLError('The server is shutting down: this watch is over. Subscribe again (another instance, or this one once restarted, will answer).', {
      extensions: { code: ErrorCode.SHUTTING_DOWN },
    });
  }
  return new GraphQLError(`This watch reached the most time one may last (WATCH_MAX_MS=${afterMs}): subscribe again to go on watching.`, {
    extensions: { code: ErrorCode.WATCH_EXPIRED, limit: 'WATCH_MAX_MS', max: afterMs },
  });
}

/**
 * Apollo refuses some requests with a code-less GraphQLError and a 4xx HTTP status (a persisted
 * query whose hash does not match, an unsupported version): the caller's mistake, not ours.
 */
export function isCodelessRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || typeof error.extensions.code === 'string') return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** Whether an error is none of ours on purpose (an upstream failure, a coded GraphQL error, a refused request): a bug. */
export function isInternalError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof CloudImagesError || isCodelessRequestError(error)) return false;
  const code = original instanceof GraphQLError ? original.extensions.code : error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code !== 'string' || code === ErrorCode.INTERNAL_SERVER_ERROR;
}
