import type { Logger } from 'pino';
import { sendError, type Exchange } from './exchange.js';

/**
 * Errors outside GraphQL (a body that is not JSON or too large, an unsupported encoding, a bug in
 * the HTTP layer) as GraphQL-shaped JSON: never HTML, never a stack trace. 5xx are logged.
 */
export function sendHttpError(log: Logger, { res, requestId }: Exchange, error: unknown): void {
  const { status: given, type, message } = (error instanceof Error ? error : new Error(String(error))) as Error & { status?: number; type?: string };
  const status = typeof given === 'number' && given >= 400 && given < 600 ? given : 500;
  if (status >= 500) log.error({ err: error, requestId }, 'request failed');
  if (res.headersSent) {
    // Too late for an error answer: the connection is cut, which the client sees as a failure.
    res.destroy();
    return;
  }
  const text =
    type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : status === 413 ? 'The request body is too large.' : status >= 500 ? 'Internal server error' : message;
  sendError(res, status, text, status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST');
}
