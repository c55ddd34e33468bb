import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import express, { type RequestHandler } from 'express';
import type { GraphQLSchema } from 'graphql';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createFormatError } from './apollo/format-error.js';
import { jitGateway } from './apollo/jit-gateway.js';
import { landingPage } from './apollo/landing-page.js';
import { logInternalErrors } from './apollo/log-internal-errors.js';
import { queryCost } from './apollo/query-cost.js';
import { queryLimitRules } from './apollo/query-limits.js';
import { retryAfterHeader } from './apollo/retry-after.js';
import { createContext, type Context, type ContextDeps } from './context.js';
import type { CallerAuthConfig, CorsPolicy, QueryLimits } from './config.js';
import { useAccessLog } from './http/access-log.js';
import { createCallerAuth, useCallerAuth } from './http/caller-auth.js';
import { useCors } from './http/cors.js';
import { useJsonErrors } from './http/json-errors.js';
import { requestSignal } from './http/request-signal.js';

/** The HTTP face of the API: `/graphql` (Apollo; Sandbox on GET from a browser), `/healthz`, `/readyz`, `/metrics` (when on). */

export interface ServerOptions {
  schema: GraphQLSchema;
  log: Logger;
  /** What each request's context is built from. */
  context: Omit<ContextDeps, 'log'>;
  /** AK/SK mode: how callers authenticate, checked as each request arrives. Token mode: undefined. */
  callerAuth?: CallerAuthConfig | undefined;
  /** Upstream calls a snapshot read may need (SNAPSHOT_MAX_IMAGES / 500): its price in the query cost. */
  snapshotPages: number;
  /** More Apollo plugins (operations: metrics, traces). */
  plugins?: ApolloServerPlugin<Context>[];
  /** Most time one GraphQL request may take (REQUEST_DEADLINE_MS). */
  requestDeadlineMs: number;
  /** Execute with graphql-jit (compiled queries) rather than graphql-js. */
  jit: boolean;
  /** gzip/brotli for responses of 64 KB and more, as the client's Accept-Encoding allows. */
  compression?: boolean;
  /** Strip "Did you mean …?" schema hints from error messages. */
  hideSuggestions: boolean;
  introspection: boolean;
  /** Apollo Sandbox on GET /graphql from a browser; otherwise no landing page. */
  sandbox: boolean;
  limits: QueryLimits;
  cors: CorsPolicy;
  /** Filled into Sandbox's headers (emulator mode only: a demo token is no secret). */
  sandboxToken?: string;
  /** GET /metrics (Prometheus), when metrics are on; outside caller authentication, like /healthz. */
  metrics?: RequestHandler;
}

export interface RunningServer {
  url: string;
  httpServer: Server;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions, port: number, host: string): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  // Responses are per caller and never cached, and an ETag is a hash of the whole (often 1 MB) body.
  app.set('etag', false);
  // IAM tokens run to several KB: room for a 16 KB token (the longest accepted) beside the other headers.
  const httpServer = createHttpServer({ maxHeaderSize: 64 * 1024 }, app);
  const apollo = new ApolloServer<Context>({
    ...(options.jit ? { gateway: jitGateway(options.schema) } : { schema: options.schema }),
    introspection: options.introspection,
    // Apollo's own messages go to the JSON log too.
    logger: options.log,
    includeStacktraceInErrorResponses: false,
    // main.ts stops the whole app on SIGINT/SIGTERM (tracing flushed, client and emulator closed);
    // Apollo's own handler would re-raise the signal and end the process half-way through.
    stopOnTerminationSignals: false,
    // Apollo's CSRF prevention is on by default and stays on: a text/plain or form POST is refused.
    csrfPrevention: true,
    parseOptions: { maxTokens: options.limits.maxTokens },
    validationRules: queryLimitRules(options.limits),
    formatError: createFormatError({ hideSuggestions: options.hideSuggestions }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No HTTP cache hints are served (responses are per caller), so the per-field cache-control work is skipped.
      ApolloServerPluginCacheControlDisabled(),
      // No GraphOS: no inline traces for a subgraph's router (FEDERATION), which would wrap every field resolver.
      ApolloServerPluginInlineTraceDisabled(),
      logInternalErrors(),
      queryCost(options.limits.maxCost, options.snapshotPages),
      retryAfterHeader(),
      ...(options.plugins ?? []),
      await landingPage(options.sandbox, options.sandboxToken),
    ],
  });
  await apollo.start();

  app.use(useAccessLog(options.log));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const { client } = options.context;
    const breaker = client.breakerState;
    const ready = breaker.state !== 'open';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'upstream failing', upstream: new URL(client.endpoint).origin, breaker });
  });
  if (options.metrics) app.get('/metrics', options.metrics);
  app.use(
    '/graphql',
    ...useCors(options.cors),
    ...(options.compression ? [compression({ threshold: 64 * 1024, level: 1 })] : []),
    ...(options.callerAuth ? [useCallerAuth(createCallerAuth({ ...(options.callerAuth.jwt ? { jwt: options.callerAuth.jwt } : {}), apiKeys: options.callerAuth.apiKeys, mode: options.callerAuth.mode }), options.log)] : []),
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, {
      // Kept in res.locals for the access line (operation's upstream calls).
      context: async ({ req, res }) =>
        (res.locals.graphql = createContext(
          { ...options.context, log: options.log },
          { headers: req.headers, requestId: String(res.locals.requestId), signal: requestSignal(res, options.requestDeadlineMs) },
        )),
    }),
  );

  app.use(useJsonErrors(options.log));

  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => {
      void apollo.stop();
      reject(error);
    };
    httpServer.once('error', failed);
    httpServer.listen(port, host, () => {
      httpServer.off('error', failed);
      // Later errors (e.g. `accept EMFILE`) are logged; the server keeps serving.
      httpServer.on('error', (error) => options.log.error({ err: error }, 'HTTP server error'));
      resolve();
    });
  });
  const { address, family, port: actualPort } = httpServer.address() as AddressInfo;
  return {
    url: `http://${family === 'IPv6' ? `[${address}]` : address}:${actualPort}`,
    httpServer,
    close: () => apollo.stop(),
  };
}
