import { GraphQLError, type ExecutionResult } from 'graphql';
import { createHandler, type RequestParams, type Response as SseResponse } from 'graphql-sse';
import type { ServerResponse } from 'node:http';
import { ErrorCode } from '../../upstream/errors.js';
import { sendError, type Exchange } from '../exchange.js';
import type { DocumentRequest } from '../trusted-documents.js';
import { callerKeyOf, NO_TOKEN, type LiveTransportOptions } from './live-options.js';
import type { Release } from './subscription-slots.js';

/**
 * GraphQL over Server-Sent Events (graphql-sse's protocol, "distinct connections" mode: one
 * subscription per event stream), at /graphql/stream, GET (EventSource) or POST. By the time a
 * request gets here it passed the /graphql route's own steps: CORS, the caller's credentials (the
 * token header, or AK/SK mode's caller), and the JSON body parsed under the same size limit.
 * - refused before the stream opens, as /graphql refuses a request: 400 with the errors of the
 *   shared rules (subscription-operation.ts), 429 over a subscription limit, 401 without
 *   credentials, 406 unless the client accepts `text/event-stream`, 503 while shutting down;
 * - then `next` events (each as /graphql would answer) and a `complete` event.
 * graphql-sse's "single connection" mode (a stream reserved by PUT, operations POSTed to it) is
 * not offered: a reservation would outlive the requests that made it.
 */

export interface SseTransport {
  /** Serves one stream; `request` is what /graphql's trusted-documents step made of the request (src/http/trusted-documents.ts). */
  handle(exchange: Exchange, request: DocumentRequest): Promise<void>;
  /** Refuses new streams from now on. */
  stopAccepting(): void;
}

/** What graphql-sse's handler keeps of one stream: its exchange, its slot once it holds one. */
interface StreamState {
  exchange: Exchange;
  release?: Release;
  ended?: AbortController;
}

const json = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function refusal(status: number, statusText: string, errors: unknown[]): SseResponse {
  return [JSON.stringify({ errors }), { status, statusText, headers: json }];
}

export function sseTransport(options: LiveTransportOptions): SseTransport {
  const { operations, slots } = options;
  let accepting = true;

  const handler = createHandler<Exchange, StreamState>({
    // No token: distinct connections only (see above).
    authenticate: () => null,
    onSubscribe: async (req, params: RequestParams) => {
      const state = req.context;
      const { exchange } = state;
      const prepared = operations.prepare(params);
      if (Array.isArray(prepared)) return refusal(400, 'Bad Request', operations.format(prepared));
      const credentials = exchange.credentials!;
      const release = slots.acquire('sse', exchange, callerKeyOf(options.digest, credentials, exchange.caller));
      if (release instanceof GraphQLError) return refusal(429, 'Too Many Requests', operations.format([release]));
      const ended = new AbortController();
      Object.assign(state, { release, ended });
      const contextValue = options.context({ credentials, requestId: exchange.requestId, signal: ended.signal });
      const result = await operations.subscribe(prepared, contextValue);
      if (!(Symbol.asyncIterator in result)) {
        // Refused by the field's own checks (its arguments) before anything was polled: answered as /graphql would.
        release();
        return refusal(400, 'Bad Request', operations.format((result as ExecutionResult).errors ?? []));
      }
      return result;
    },
    onNext: (_ctx, _req, result) => {
      slots.events.sse++;
      return operations.formatResult(result as ExecutionResult) as ExecutionResult;
    },
    onComplete: (_ctx, req) => {
      req.context.release?.();
      req.context.ended?.abort();
    },
  });

  return {
    stopAccepting() {
      accepting = false;
    },
    async handle(exchange, request) {
      const { req, res } = exchange;
      const method = req.method?.toUpperCase();
      if (method !== 'GET' && method !== 'POST') {
        return sendError(res, 405, 'Subscriptions are opened here with GET (EventSource) or POST, accepting text/event-stream.', 'BAD_REQUEST', { Allow: 'GET, POST' });
      }
      if (!(req.headers.accept ?? '').toLowerCase().includes('text/event-stream')) {
        return sendError(res, 406, 'This is an event stream: send `Accept: text/event-stream` (graphql-sse, EventSource).', 'BAD_REQUEST');
      }
      if (!accepting) return sendError(res, 503, 'The server is shutting down: subscribe again (another instance will answer).', ErrorCode.SHUTTING_DOWN, { 'Retry-After': '1' });
      if (!exchange.credentials) return sendError(res, 401, NO_TOKEN, ErrorCode.UNAUTHENTICATED, { 'WWW-Authenticate': 'Bearer', 'Cache-Control': 'no-store' });
      const state: StreamState = { exchange };
      const [body, init] = await handler({
        method,
        url: `${exchange.path}${request.search ? `?${request.search}` : ''}`,
        headers: {
          // The library compares Accept with `text/event-stream` exactly; browsers may add more.
          get: (name) => (name.toLowerCase() === 'accept' ? 'text/event-stream' : headerOf(req.headers[name.toLowerCase()])),
        },
        // Parsed by /graphql's body parser, within its limit (graphql-sse's own adapter reads any size).
        body: method === 'POST' ? ((request.body ?? null) as Record<string, unknown> | null) : null,
        raw: exchange,
        context: state,
      });
      await write(res, body, init, state);
    },
  };
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * graphql-sse's answer onto the node:http response. Written here rather than with its
 * `use/http` adapter, which reads the request body itself with no size limit.
 */
async function write(res: ServerResponse, body: SseResponse[0], init: SseResponse[1], state: StreamState): Promise<void> {
  res.writeHead(init.status, init.statusText, init.headers);
  if (!body || typeof body === 'string') {
    res.end(body ?? undefined);
    return;
  }
  // The client gone: the stream ends (graphql-sse completes the subscription, which leaves its watch).
  const gone = (): void => {
    void body.return(undefined);
    state.release?.();
    state.ended?.abort();
  };
  res.once('close', gone);
  res.flushHeaders();
  for await (const chunk of body) {
    if (!res.writable) break;
    res.write(chunk);
  }
  res.off('close', gone);
  res.end();
}
