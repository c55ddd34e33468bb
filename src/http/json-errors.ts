import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';

/** Errors outside GraphQL (bad JSON bodies, oversized bodies) as GraphQL-shaped JSON: never HTML, never a stack trace. */
export function useJsonErrors(log: Logger): ErrorRequestHandler {
  return (error: Error & { status?: number; type?: string }, _req, res, _next) => {
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    if (status >= 500) log.error({ err: error, requestId: res.locals.requestId }, 'request failed');
    const message =
      error.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON.'
        : status === 413
          ? 'The request body is too large.'
          : status >= 500
            ? 'Internal server error'
            : error.message;
    res.status(status).json({ errors: [{ message, extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  };
}
