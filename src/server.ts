import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createFormatError } from './apollo/format-error.js';
import { landingPage } from './apollo/landing-page.js';
import { logInternalErrors } from './apollo/log-internal-errors.js';
import { queryCost } from './apollo/query-cost.js';
import { queryLimitRules } from './apollo/query-limits.js';
import { createContext, type Context } from './context.js';
import type { CorsPolicy, QueryLimits } from './config.js';
import { useCors } from './http/cors.js';
import { useJsonErrors } from './http/json-errors.js';
import { useRequestId } from './http/request-id.js';
import type { LoaderOptions } from './loaders/image-loaders.js';
import type { CloudImagesClient } from './upstream/client.js';

/** The HTTP face of the API: `/graphql` (Apollo; Sandbox on GET from a browser), `/healthz`, `/readyz`. */

export interface ServerOptions {
  schema: GraphQLSchema;
  client: CloudImagesClient;
  log: Logger;
  loaderOptions: LoaderOptions;
  /** Strip "Did you mean …?" schema hints from error messages. */
  hideSuggestions: boolean;
  introspection: boolean;
  /** Apollo Sandbox on GET /graphql from a browser; otherwise no landing page. */
  sandbox: boolean;
  limits: QueryLimits;
  cors: CorsPolicy;
  /** Filled into Sandbox's headers (emulator mode only: a demo token is no secret). */
  sandboxToken?: string;
}

export interface RunningServer {
  url: string;
  httpServer: Server;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions, port: number, host: string): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createHttpServer(app);
  const apollo = new ApolloServer<Context>({
    schema: options.schema,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    // Apollo's CSRF prevention is on by default and stays on: a text/plain or form POST is refused.
    csrfPrevention: true,
    parseOptions: { maxTokens: options.limits.maxTokens },
    validationRules: queryLimitRules(options.limits),
    formatError: createFormatError({ hideSuggestions: options.hideSuggestions }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No HTTP cache hints are served (responses are per caller), so the per-field cache-control work is skipped.
      ApolloServerPluginCacheControlDisabled(),
      logInternalErrors(),
      queryCost(options.limits.maxCost),
      await landingPage(options.sandbox, options.sandboxToken),
    ],
  });
  await apollo.start();

  app.use(useRequestId(options.log));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    res.json({ status: 'ready', upstream: new URL(options.client.endpoint).origin });
  });
  app.use(
    '/graphql',
    ...useCors(options.cors),
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => createContext({ client: options.client, loaderOptions: options.loaderOptions, log: options.log }, req.headers, String(res.locals.requestId)),
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
