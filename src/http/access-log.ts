import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { MANIFEST_ID } from '../apollo/trusted-documents.js';
import type { Exchange } from './exchange.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** A GraphQL name (what `operationName` must be); anything else a client sends there is not logged. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,127}$/;
const GRAPHQL_PATH = /^\/graphql(\/|$)/i;

/** The path of a request target, without its query: origin-form (`/graphql?…`) or absolute-form (`http://host/graphql?…`). */
export function pathOf(target: string): string {
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  return path.startsWith('/') ? path : (URL.parse(path)?.pathname ?? path);
}

/** The query string of a request target, without its `?` (which may appear again inside it). */
export function searchOf(target: string): string {
  const query = target.indexOf('?');
  return query < 0 ? '' : target.slice(query + 1);
}

/**
 * The operation's name: the one Apollo resolved (a named query sent without `operationName` is
 * logged by its name), else the one the client named in the JSON body (POST) or the query string
 * (GET), as for a request refused before Apollo ran it. Only a GraphQL name is logged.
 */
export function operationNameOf(exchange: Exchange): string | undefined {
  const name = exchange.operation?.name ?? sentOperationName(exchange);
  return typeof name === 'string' && OPERATION_NAME.test(name) ? name : undefined;
}

function sentOperationName({ req, body }: Exchange): unknown {
  if (body !== null && typeof body === 'object' && 'operationName' in body) return body.operationName;
  return req.method === 'GET' ? new URLSearchParams(searchOf(req.url ?? '')).get('operationName') : undefined;
}

/** A document id as logged: what a manifest may give (printable, no spaces, at most 256 characters), else a mark that one was sent. */
function loggedId(id: string): string {
  return MANIFEST_ID.test(id) ? id : '(malformed)';
}

/**
 * The fields of the access line. No headers, no body, no query string: nothing a credential could
 * sit in, so the line needs no redaction (it is written through a child logger without it).
 */
function line(exchange: Exchange, ms: number): Record<string, unknown> {
  const { res, path, graphql } = exchange;
  const aborted = !res.writableFinished;
  return {
    requestId: exchange.requestId,
    method: exchange.req.method,
    path,
    // A request whose client went away before the answer was sent has no status.
    status: aborted && !res.headersSent ? 0 : res.statusCode,
    ms,
    ...(aborted ? { aborted: true } : {}),
    ...(graphql || GRAPHQL_PATH.test(path) ? { operationName: operationNameOf(exchange) ?? null, upstreamCalls: graphql?.images.upstreamCalls ?? 0 } : {}),
    ...(exchange.document ? { trustedDocument: exchange.document.trusted, ...(exchange.document.id !== undefined ? { documentId: loggedId(exchange.document.id) } : {}) } : {}),
  };
}

/**
 * Starts an exchange for every request: gives it an id (the caller's sane `X-Request-Id`, or a new
 * UUID), echoes it, and writes one access line when the response is over (sent, or its client
 * gone): `{ requestId, method, path, status, ms, msg: "request" }`, plus `operationName` and
 * `upstreamCalls` on /graphql, read from what the /graphql route kept on the exchange.
 */
export function accessLog(log: Logger): (req: IncomingMessage, res: ServerResponse) => Exchange {
  // The line holds no secret (see `line`); the logger's redaction paths would only cost each line.
  const access = log.child({}, { redact: [] });
  return (req, res) => {
    const started = Date.now();
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const exchange: Exchange = { req, res, requestId, path: pathOf(req.url ?? '/') };
    // 'close' ends every response, sent or not.
    res.once('close', () => access.info(line(exchange, Date.now() - started), 'request'));
    return exchange;
  };
}
