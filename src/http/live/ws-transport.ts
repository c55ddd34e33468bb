import { GraphQLError, subscribe } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ErrorCode } from '../../upstream/errors.js';
import type { Credentials } from '../../upstream/client.js';
import { pathOf } from '../access-log.js';
import { isAllowedOrigin } from '../cors.js';
import { readCredentials } from '../credentials.js';
import { decideDocument } from '../trusted-documents.js';
import { callerKeyOf, NO_TOKEN, type LiveTransportOptions } from './live-options.js';
import type { OperationParams } from './subscription-operation.js';
import type { Release } from './subscription-slots.js';

/**
 * GraphQL over WebSocket (graphql-ws's `graphql-transport-ws` protocol, the `ws` library), on the
 * HTTP server's upgrades of /graphql, as Apollo documents it for Apollo Server 5.
 * - The upgrade: refused with 403 when a browser sends an Origin that CORS would not allow (a
 *   browser's WebSocket is not covered by CORS, so the server checks); 503 while shutting down.
 * - `connection_init`: the caller's credentials, as the connection parameters' X-Auth-Token or
 *   Authorization (AK/SK mode: Authorization: Bearer <JWT>, X-Api-Key), else the upgrade request's
 *   headers of those names; checked once, as /graphql checks a request's (closed 4401 when
 *   missing or refused, 1013 when the identity provider cannot be reached).
 * - each subscription: the shared rules (subscription-operation.ts), then a slot (limits); its
 *   events and errors as the client receives them from /graphql.
 */

/** Close codes beside graphql-ws's own: refused credentials, and "try again later" (RFC 6455's 1013). */
const UNAUTHORIZED = CloseCode.Unauthorized;
const TRY_AGAIN_LATER = 1013;
const GOING_AWAY = 1001;

/** What a connection was let in with. */
interface Connection {
  id: string;
  credentials: Credentials;
  callerKey: string;
  /** Per subscription id: its slot and the signal of its context. */
  subscriptions: Map<string, { release: Release; ended: AbortController }>;
  seq: number;
}

/** The names a connection's parameters may give credentials under, as the headers /graphql reads. */
const CREDENTIAL_HEADERS = ['x-auth-token', 'authorization', 'x-api-key'];

/** The connection parameters' credentials as headers (names in any case, string values only); none: the upgrade request's. */
function credentialHeaders(params: Record<string, unknown> | undefined, request: IncomingMessage): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    const lower = name.toLowerCase();
    if (CREDENTIAL_HEADERS.includes(lower) && typeof value === 'string') headers[lower] = value;
  }
  if (Object.keys(headers).length > 0) return headers;
  for (const name of CREDENTIAL_HEADERS) if (request.headers[name] !== undefined) headers[name] = request.headers[name] as string;
  return headers;
}

/** A refused upgrade: a short JSON answer on the raw socket, then the socket closed. */
function refuseUpgrade(socket: Duplex, status: number, reason: string, code: string): void {
  const body = JSON.stringify({ errors: [{ message: reason, extensions: { code } }] });
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Service Unavailable'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export interface WebSocketTransport {
  /** Refuses new connections and subscriptions from now on. */
  stopAccepting(): void;
  /** Closes every connection (1001, going away) and waits, at most `graceMs`, for them to close. */
  close(graceMs: number): Promise<void>;
}

export function webSocketTransport(httpServer: Server, options: LiveTransportOptions): WebSocketTransport {
  const { operations, slots, log } = options;
  // Messages as large as /graphql's bodies.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  const connections = new WeakMap<object, Connection>();
  let accepting = true;

  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = pathOf(req.url ?? '/').toLowerCase().replace(/(.)\/$/, '$1');
    if (path !== '/graphql') return refuseUpgrade(socket, 404, 'WebSocket connections are served at /graphql only.', 'NOT_FOUND');
    const origin = req.headers.origin;
    if (origin !== undefined && !isAllowedOrigin(options.cors, origin)) {
      log.info({ path }, 'WebSocket refused: origin not allowed');
      return refuseUpgrade(socket, 403, 'This origin may not open a WebSocket to this API (CORS_ORIGINS).', 'FORBIDDEN');
    }
    if (!accepting) return refuseUpgrade(socket, 503, 'The server is shutting down.', ErrorCode.SHUTTING_DOWN);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const releaseAll = (connection: Connection | undefined): void => {
    for (const { release, ended } of connection?.subscriptions.values() ?? []) {
      release();
      ended.abort();
    }
    connection?.subscriptions.clear();
  };

  useServer(
    {
      // Never an internal error's message in a close reason.
      isProd: true,
      async onConnect(ctx) {
        const id = randomUUID();
        const { socket, request } = ctx.extra;
        const read = await readCredentials(options.credentials, credentialHeaders(ctx.connectionParams, request), id, log);
        if ('refused' in read) {
          socket.close(read.refused.status === 503 ? TRY_AGAIN_LATER : UNAUTHORIZED, read.refused.status === 503 ? 'Try again later: the caller cannot be checked now' : 'Unauthorized: credentials refused');
          return false;
        }
        if (!read.credentials) {
          socket.close(UNAUTHORIZED, 'Unauthorized: send X-Auth-Token in the connection params');
          return false;
        }
        connections.set(ctx, { id, credentials: read.credentials, callerKey: callerKeyOf(options.digest, read.credentials, read.caller), subscriptions: new Map(), seq: 0 });
        return true;
      },
      onSubscribe(ctx, id, payload) {
        const connection = connections.get(ctx);
        if (!connection) return [new GraphQLError(NO_TOKEN, { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        if (!accepting) return [new GraphQLError('The server is shutting down: subscribe again (another instance will answer).', { extensions: { code: ErrorCode.SHUTTING_DOWN } })];
        // The document it runs: a listed one named by id, or what it sent, by /graphql's rule.
        // graphql-ws's messages must carry a `query` string: an empty one goes with a persisted-query hash alone.
        const { query, ...rest } = payload;
        const decision = decideDocument(options.trusted.list, options.trusted.mode, { method: 'POST', search: '', body: query === '' ? rest : payload });
        if (decision.kind === 'refuse') return [new GraphQLError(decision.message, { extensions: { code: decision.code } })];
        const prepared = operations.prepare(decision.request.body as OperationParams);
        if (Array.isArray(prepared)) return prepared;
        const release = slots.acquire('ws', connection, connection.callerKey);
        if (release instanceof GraphQLError) return [release];
        const ended = new AbortController();
        connection.subscriptions.set(id, { release, ended });
        const contextValue = options.context({ credentials: connection.credentials, requestId: `${connection.id}:${++connection.seq}`, signal: ended.signal });
        return operations.executionArgs(prepared, contextValue);
      },
      subscribe: (args) => subscribe(args),
      onNext(_ctx, _id, _payload, _args, result) {
        slots.events.ws++;
        return operations.formatResult(result);
      },
      onError(_ctx, _id, _payload, errors) {
        return operations.format(errors);
      },
      onComplete(ctx, id) {
        const connection = connections.get(ctx);
        const subscription = connection?.subscriptions.get(id);
        if (!subscription) return;
        connection!.subscriptions.delete(id);
        subscription.release();
        subscription.ended.abort();
      },
      onClose(ctx) {
        releaseAll(connections.get(ctx));
      },
    },
    wss,
  );

  return {
    stopAccepting() {
      accepting = false;
    },
    async close(graceMs) {
      accepting = false;
      const closed = [...wss.clients].map((client) => new Promise<void>((resolve) => (client.readyState === client.CLOSED ? resolve() : client.once('close', () => resolve()))));
      for (const client of wss.clients) client.close(GOING_AWAY, 'Server shutting down');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
