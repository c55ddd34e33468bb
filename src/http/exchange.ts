import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OperationRecord } from '../apollo/operation-name.js';
import type { Context } from '../graphql/context.js';
import type { Credentials } from '../upstream/client.js';
import type { Caller } from './caller-auth.js';
import type { DocumentUse } from './trusted-documents.js';

/**
 * One HTTP request on its way through the server, from arrival to its access line: the node:http
 * request and response, the request's id, and what the /graphql route learns (the JSON body, the
 * GraphQL context Apollo built), which the access line reports when the response ends.
 */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  /** The real path, without the query string. */
  readonly path: string;
  /** Who is calling, in AK/SK mode (callers authenticated on arrival). */
  caller?: Caller;
  /** What the request's upstream calls carry (credentials.ts); undefined: none was sent. */
  credentials?: Credentials | undefined;
  /** The parsed JSON body of a POST to /graphql. */
  body?: unknown;
  /** The GraphQL context of this request, once Apollo built it. */
  graphql?: Context;
  /** What Apollo made of the request, once it was handed to Apollo. */
  operation?: OperationRecord;
  /** With trusted documents on: the id the request named, and whether it runs a listed document. */
  document?: DocumentUse;
  /** The code of a GraphQL-shaped refusal sent before Apollo (TRUSTED_DOCUMENT_REQUIRED, PERSISTED_QUERY_NOT_FOUND), for the metrics. */
  refusal?: string;
}

/** A connect-style middleware (cors, compression, body-parser), run on node:http's own request and response. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Runs one connect-style middleware: true when it passed the request on, false when it answered it
 * itself (a CORS preflight) or the response ended otherwise (its client gone); rejects with the
 * error it passed on. (Four such middlewares on one route: a router library would cost each
 * request more than this does.)
 */
export function through(middleware: Middleware, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const ended = (): void => resolve(false);
    res.once('close', ended);
    middleware(req, res, (error) => {
      res.off('close', ended);
      if (error === undefined || error === null) resolve(true);
      else reject(error);
    });
    if (res.writableEnded) resolve(false);
  });
}

/** A JSON answer, as `JSON.stringify` writes it. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A GraphQL-shaped error answer outside GraphQL (HTTP refusals): `{ errors: [{ message, extensions: { code } }] }`. */
export function sendError(res: ServerResponse, status: number, message: string, code: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}
