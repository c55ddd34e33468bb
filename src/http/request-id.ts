import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Gives every request an id (the caller's sane `X-Request-Id`, or a new one), echoes it, keeps it in
 * `res.locals.requestId` for the GraphQL context, and writes one access-log line when it ends.
 */
export function useRequestId(log: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    // Read now: mounted routers strip their prefix from `req.path` later.
    const path = req.originalUrl.split('?')[0];
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      log.info({ requestId, method: req.method, path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request');
    });
    next();
  };
}
