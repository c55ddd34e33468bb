import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Context } from '../context.js';
import { REDACTED_PATHS } from '../logger.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** A GraphQL name (what `operationName` must be); anything else a client sends there is not logged. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,127}$/;
const GRAPHQL_PATH = /^\/graphql(\/|$)/i;

/** The real path, without the query (which can hold a whole operation and its variables). */
function pathOf(req: Request): string {
  return req.originalUrl.split('?')[0] ?? '';
}

/** The operation the client named, from the JSON body (POST) or the query string (GET). */
function operationNameOf(req: Request): string | undefined {
  const body: unknown = req.body;
  const sent = body !== null && typeof body === 'object' && 'operationName' in body ? body.operationName : req.method === 'GET' ? req.query.operationName : undefined;
  return typeof sent === 'string' && OPERATION_NAME.test(sent) ? sent : undefined;
}

/** The fields of the access line. No headers, no body, no query string: nothing a credential could sit in. */
function line(req: Request, res: Response, ms: number): Record<string, unknown> {
  const path = pathOf(req);
  // Set by the /graphql context function: the context of this request, once Apollo built it.
  const graphql = res.locals.graphql as Context | undefined;
  const aborted = !res.writableEnded;
  return {
    method: req.method,
    path,
    // A request whose client went away before the answer was sent has no status.
    status: aborted && !res.headersSent ? 0 : res.statusCode,
    ms,
    ...(aborted ? { aborted: true } : {}),
    ...(graphql || GRAPHQL_PATH.test(path) ? { operationName: operationNameOf(req) ?? null, upstreamCalls: graphql?.images.upstreamCalls ?? 0 } : {}),
  };
}

/**
 * Gives every request an id (the caller's sane `X-Request-Id`, or a new UUID), echoes it, keeps it in
 * `res.locals.requestId` for the GraphQL context, and writes one access line (pino-http) when the
 * request ends: `{ requestId, method, path, status, ms, msg: "request" }`, plus `operationName` and
 * `upstreamCalls` on /graphql, read from the GraphQL context the context function leaves in
 * `res.locals.graphql`.
 */
export function useAccessLog(log: Logger): RequestHandler {
  const httpLog = pinoHttp<Request, Response>({
    logger: log,
    genReqId: (req, res) => {
      const incoming = req.get('x-request-id');
      const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.locals.requestId = requestId;
      res.setHeader('X-Request-Id', requestId);
      return requestId;
    },
    // Neither the request nor the response object goes into the line (nor into `req.log`'s bindings): only the id.
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'ms' },
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
    customSuccessObject: (req, res, val: { ms: number }) => line(req, res, val.ms),
    // 5xx: the error itself is logged where it happened (json-errors, log-internal-errors), with the request id.
    customErrorObject: (req, res, _error, val: { ms: number }) => line(req, res, val.ms),
    // Should a request or response ever be logged through `req.log`: method, path and id only, never headers.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & Partial<Request>) => ({ id: req.id, method: req.method, path: (req.originalUrl ?? req.url)?.split('?')[0] }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
  return (req, res, next) => httpLog(req, res, next);
}
