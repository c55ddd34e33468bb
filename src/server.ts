import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import bodyParser from 'body-parser';
import compression from 'compression';
import type { GraphQLSchema } from 'graphql';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createFormatError } from './apollo/format-error.js';
import { jitGateway } from './apollo/jit-gateway.js';
import type { ServerCredentials } from './upstream/client.js';
import { landingPage } from './apollo/landing-page.js';
import { logInternalErrors } from './apollo/log-internal-errors.js';
import { OperationRecords } from './apollo/operation-name.js';
import { QueryPricer, queryCostPlugin } from './apollo/query-cost.js';
import { queryLimitRules, type QueryLimits } from './apollo/query-limits.js';
import { retryAfterHeader } from './apollo/retry-after.js';
import { subscriptionsElsewhere } from './apollo/subscriptions-elsewhere.js';
import type { TrustedDocumentList, TrustedDocumentsMode } from './apollo/trusted-documents.js';
import { createContext, type ContextDeps } from './context.js';
import type { Context } from './graphql/context.js';
import { accessLog, operationNameOf, searchOf } from './http/access-log.js';
import { createCallerAuth, type CallerAuthOptions } from './http/caller-auth.js';
import { useCredentials, type CredentialMode } from './http/credentials.js';
import { useCors, type CorsPolicy } from './http/cors.js';
import { graphiqlRoutes } from './http/graphiql.js';
import { sendError, sendJson, through, type Exchange, type Middleware } from './http/exchange.js';
import { sendHttpError } from './http/json-errors.js';
import { startLiveTransports, type LiveTransports } from './http/live/live-transports.js';
import { SubscriptionOperations } from './http/live/subscription-operation.js';
import type { SubscriptionSlots } from './http/live/subscription-slots.js';
import { requestSignal } from './http/request-signal.js';
import { decideDocument, type DocumentRequest } from './http/trusted-documents.js';
import type { KeyedDigest } from './images/caller-digest.js';
import type { ImageWatch } from './images/image-watch.js';
import type { Metrics } from './observability/metrics.js';

/**
 * The HTTP face of the API, on node:http: `/graphql` (Apollo; Sandbox on GET from a browser;
 * subscriptions over WebSocket upgrades), `/graphql/stream` (subscriptions over Server-Sent Events),
 * `/graphiql` (GraphiQL, with Sandbox), `/healthz`, `/readyz`, `/metrics` (when on). No web framework:
 * a map of paths, and on /graphql the connect-style middlewares it needs (cors, compression,
 * body-parser) run as they are.
 */

/** What the configuration decides of the HTTP face (src/config/server.ts). */
export interface HttpSettings {
  host: string;
  port: number;
  /** Strip "Did you mean …?" schema hints from error messages. */
  production: boolean;
  introspection: boolean;
  /** Apollo Sandbox on GET /graphql from a browser, and GraphiQL at /graphiql; otherwise neither. */
  sandbox: boolean;
  /** Execute with graphql-jit (compiled queries) rather than graphql-js. */
  jit: boolean;
  /** gzip/brotli for responses of 64 KB and more, as the client's Accept-Encoding allows. */
  compression: boolean;
  limits: QueryLimits;
  cors: CorsPolicy;
}

/** What the server is built from at run time. */
export interface ServerOptions {
  schema: GraphQLSchema;
  log: Logger;
  /** What each request's context is built from. */
  context: Omit<ContextDeps, 'log'>;
  /** AK/SK mode: the server's own keys, which every upstream call carries. Token mode: undefined (each caller's token goes upstream). */
  serverCredentials?: ServerCredentials | undefined;
  /** AK/SK mode: how callers authenticate, checked as each request arrives. */
  callerAuth?: CallerAuthOptions | undefined;
  /** Upstream calls a snapshot read may need (SNAPSHOT_MAX_IMAGES / 500): its price in the query cost. */
  snapshotPages: number;
  /** More Apollo plugins (operations: metrics, traces). */
  plugins?: ApolloServerPlugin<Context>[];
  /** Most time one GraphQL request may take (REQUEST_DEADLINE_MS). */
  requestDeadlineMs: number;
  /** Filled into Sandbox's and GraphiQL's headers (emulator mode only: a demo token is no secret). */
  sandboxToken?: string;
  /** When metrics are on: GET /metrics (Prometheus), outside caller authentication like /healthz, and the count of requests refused before Apollo. */
  metrics?: Pick<Metrics, 'handler' | 'refused' | 'untrusted'> | undefined;
  /** TRUSTED_DOCUMENTS(_MODE): the listed documents (loaded and checked at start-up), and what becomes of the others. Default: off. */
  trustedDocuments?: { mode: TrustedDocumentsMode; list: TrustedDocumentList | undefined };
  /** Live status (subscriptions): the process's image watches, the subscription slots (limits), how callers are keyed, and the shutdown grace period. */
  live?: { watch: ImageWatch; slots: SubscriptionSlots; digest: KeyedDigest; shutdownGraceMs: number } | undefined;
}

export interface RunningServer {
  url: string;
  httpServer: Server;
  close(): Promise<void>;
}

/** A route of its own: answers GET (and HEAD) only. */
type Route = (exchange: Exchange) => void | Promise<void>;

export async function startServer(settings: HttpSettings, options: ServerOptions): Promise<RunningServer> {
  const { log } = options;
  // IAM tokens run to several KB: room for a 16 KB token (the longest accepted) beside the other headers.
  const httpServer = createHttpServer({ maxHeaderSize: 64 * 1024 });
  // What Apollo made of each request (its operation's name; whether it ran it), for the access line and the metrics.
  const operations = new OperationRecords();
  const trusted = options.trustedDocuments ?? { mode: 'off', list: undefined };
  const pricer = new QueryPricer(settings.limits.maxCost, options.snapshotPages);
  const formatError = createFormatError({ hideSuggestions: settings.production });
  const apollo = new ApolloServer<Context>({
    ...(settings.jit ? { gateway: jitGateway(options.schema) } : { schema: options.schema }),
    introspection: settings.introspection,
    // Apollo's own messages go to the JSON log too.
    logger: log,
    includeStacktraceInErrorResponses: false,
    // main.ts stops the whole app on SIGINT/SIGTERM (tracing flushed, client and emulator closed);
    // Apollo's own handler would re-raise the signal and end the process half-way through.
    stopOnTerminationSignals: false,
    // Apollo's CSRF prevention is on by default and stays on: a text/plain or form POST is refused.
    csrfPrevention: true,
    // Automatic persisted queries register any document they are sent: with only listed documents to run, none is.
    ...(trusted.mode === 'enforce' ? { persistedQueries: false as const } : {}),
    parseOptions: { maxTokens: settings.limits.maxTokens },
    validationRules: queryLimitRules(settings.limits),
    formatError,
    // Apollo's default appends a newline: a second string of the whole response to flatten before it is encoded (a page of 500 is a megabyte).
    stringifyResult: (value) => JSON.stringify(value),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No HTTP cache hints are served (responses are per caller), so the per-field cache-control work is skipped.
      ApolloServerPluginCacheControlDisabled(),
      // No GraphOS: no inline traces for a subgraph's router (FEDERATION), which would wrap every field resolver.
      ApolloServerPluginInlineTraceDisabled(),
      logInternalErrors(),
      subscriptionsElsewhere(),
      queryCostPlugin(pricer),
      retryAfterHeader(),
      operations.plugin,
      ...(options.plugins ?? []),
      await landingPage(settings.sandbox, options.sandboxToken),
    ],
  });
  await apollo.start();

  const cors = useCors(settings.cors);
  const compress = settings.compression ? (compression({ threshold: 64 * 1024, level: 1 }) as Middleware) : undefined;
  const credentialMode: CredentialMode = options.serverCredentials
    ? { kind: 'aksk', callers: createCallerAuth(options.callerAuth ?? { apiKeys: [], mode: 'required' }), server: options.serverCredentials }
    : { kind: 'token' };
  const credentials = useCredentials(credentialMode, log);
  const json = bodyParser.json({ limit: '256kb' }) as Middleware;
  const contextDeps: ContextDeps = { ...options.context, log };

  // Subscriptions (imageStatus): the same credentials, limits, cost and error format as /graphql.
  const { live: liveOptions } = options;
  const live: LiveTransports | undefined = liveOptions
    ? startLiveTransports(httpServer, {
        watch: liveOptions.watch,
        slots: liveOptions.slots,
        digest: liveOptions.digest,
        operations: new SubscriptionOperations({ schema: options.schema, limits: settings.limits, pricer, formatError, log }),
        credentials: credentialMode,
        cors: settings.cors,
        trusted,
        log,
        context: ({ credentials: callerCredentials, requestId, signal }) =>
          createContext(contextDeps, { credentials: callerCredentials, requestId, signal, live: liveOptions.watch.for(callerCredentials) }),
      })
    : undefined;

  const { metrics } = options;
  /**
   * The steps of /graphql and /graphql/stream before GraphQL: CORS, compression (when on), the
   * caller's credentials, the JSON body, and the document it runs (a listed one named by id, or what
   * it sent, refused here, unparsed, when that may not run). The request as GraphQL is to run it, or
   * undefined when it was answered here.
   */
  const admitted = async (exchange: Exchange, compressing: Middleware | undefined): Promise<DocumentRequest | undefined> => {
    const { req, res } = exchange;
    if (!(await through(cors, req, res))) return undefined;
    if (compressing && !(await through(compressing, req, res))) return undefined;
    if (!(await credentials(exchange))) return undefined;
    await through(json, req, res);
    exchange.body = (req as IncomingMessage & { body?: unknown }).body;
    const decision = decideDocument(trusted.list, trusted.mode, { method: req.method?.toUpperCase() ?? 'GET', search: searchOf(req.url ?? ''), body: exchange.body });
    // Logged and counted only when a manifest lists documents (without one, every document is unlisted).
    if (trusted.list) exchange.document = decision.use;
    if (decision.kind === 'refuse') {
      exchange.refusal = decision.code;
      sendError(res, decision.status, decision.message, decision.code, decision.headers);
      return undefined;
    }
    return decision.request;
  };

  const graphql = async (exchange: Exchange): Promise<void> => {
    const { req, res } = exchange;
    // A request refused before Apollo ran it (by the steps below, or by Apollo itself, e.g. CSRF) is counted apart.
    if (metrics) {
      res.once('finish', () => {
        if ((res.statusCode >= 400 || exchange.refusal) && !exchange.operation?.started) metrics.refused(operationNameOf(exchange), res.statusCode, exchange.refusal);
      });
    }
    const request = await admitted(exchange, compress);
    if (!request) return;
    const { method, search, body } = request;
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    const httpGraphQLRequest = { method, headers, search, body };
    exchange.operation = operations.track(httpGraphQLRequest);
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      // Kept on the exchange for the access line (the operation's upstream calls).
      context: async () =>
        (exchange.graphql = createContext(contextDeps, { credentials: exchange.credentials, requestId: exchange.requestId, signal: requestSignal(res, options.requestDeadlineMs) })),
    });
    if (trusted.mode === 'allow' && exchange.document && !exchange.document.trusted && exchange.operation.resolved) metrics?.untrusted(exchange.operation.name);
    await send(res, response);
  };

  // GraphQL over Server-Sent Events: /graphql's steps up to the body, then graphql-sse (src/http/live/sse-transport.ts).
  const stream = async (exchange: Exchange): Promise<void> => {
    if (!live) return sendError(exchange.res, 404, 'Subscriptions are not served by this server.', 'NOT_FOUND');
    // Never compressed: compression would hold events back.
    const request = await admitted(exchange, undefined);
    if (request) await live.sse.handle(exchange, request);
  };

  const routes = new Map<string, Route>([
    ['/healthz', ({ res }) => sendJson(res, 200, { status: 'ok' })],
    [
      '/readyz',
      ({ res }) => {
        const { client } = options.context;
        const breaker = client.breakerState;
        const ready = breaker.state !== 'open';
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'upstream failing', upstream: new URL(client.endpoint).origin, breaker });
      },
    ],
  ]);
  if (metrics) routes.set('/metrics', ({ req, res }) => metrics.handler(req, res));
  if (settings.sandbox) for (const [path, route] of graphiqlRoutes(options.sandboxToken)) routes.set(path, route);

  const startExchange = accessLog(log);
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const exchange = startExchange(req, res);
    // Paths match as Express matched them: any case, with or without a trailing slash.
    const path = exchange.path.toLowerCase().replace(/(.)\/$/, '$1');
    let handled: void | Promise<void>;
    try {
      if (path === '/graphql') {
        handled = graphql(exchange);
      } else if (path === '/graphql/stream') {
        handled = stream(exchange);
      } else {
        const route = routes.get(path);
        if (!route) handled = sendError(res, 404, `Nothing at ${exchange.path}: the API is at /graphql.`, 'NOT_FOUND');
        else if (req.method !== 'GET' && req.method !== 'HEAD') handled = sendError(res, 405, `${exchange.path} answers GET only.`, 'BAD_REQUEST', { Allow: 'GET, HEAD' });
        else handled = route(exchange);
      }
    } catch (error) {
      handled = Promise.reject(error);
    }
    handled?.catch((error: unknown) => {
      try {
        sendHttpError(log, exchange, error);
      } catch (failure) {
        log.error({ err: failure, requestId: exchange.requestId }, 'could not answer an error');
        res.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => {
      void apollo.stop();
      reject(error);
    };
    httpServer.once('error', failed);
    httpServer.listen(settings.port, settings.host, () => {
      httpServer.off('error', failed);
      // Later errors (e.g. `accept EMFILE`) are logged; the server keeps serving.
      httpServer.on('error', (error) => log.error({ err: error }, 'HTTP server error'));
      resolve();
    });
  });
  const { address, family, port: actualPort } = httpServer.address() as AddressInfo;
  return {
    url: `http://${family === 'IPv6' ? `[${address}]` : address}:${actualPort}`,
    httpServer,
    close: async () => {
      // Subscriptions first: their last events go out while the HTTP server still serves.
      await live?.close(liveOptions!.shutdownGraceMs);
      await apollo.stop();
    },
  };
}

/** Apollo's answer onto the response: one string, or the parts of an incremental (`@defer`) answer as they come. */
async function send(res: ServerResponse, { status, headers, body }: HTTPGraphQLResponse): Promise<void> {
  res.statusCode = status ?? 200;
  for (const [name, value] of headers) res.setHeader(name, value);
  // The landing page (Sandbox) comes as `text/html`: say its charset, as the page itself does.
  if (headers.get('content-type') === 'text/html') res.setHeader('content-type', 'text/html; charset=utf-8');
  if (body.kind === 'complete') {
    // Encoded once: given the string, node:http would scan it for its byte length, then encode it.
    const bytes = Buffer.from(body.string, 'utf8');
    res.setHeader('content-length', bytes.length);
    res.end(bytes);
    return;
  }
  for await (const chunk of body.asyncIterator) {
    res.write(chunk);
    // Sent now, not held back by compression.
    (res as ServerResponse & { flush?: () => void }).flush?.();
  }
  res.end();
}
