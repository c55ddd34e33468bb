import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault, ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createContext, type Context } from './context.js';
import { formatError } from './graphql/errors.js';
import type { LoaderOptions } from './loaders/image-loaders.js';
import type { CloudImagesClient } from './upstream/client.js';

/** The HTTP face of the API: `/graphql` (Apollo; Sandbox on GET from a browser), `/healthz`, `/readyz`. */

export interface ServerOptions {
  schema: GraphQLSchema;
  client: CloudImagesClient;
  log: Logger;
  loaderOptions: LoaderOptions;
  production: boolean;
  /** Filled into Sandbox's headers (emulator mode only: a demo token is no secret). */
  sandboxToken?: string;
}

export interface RunningServer {
  url: string;
  httpServer: Server;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** schema/operations.graphql, found from src/, dist/ or any other build folder below the package root. */
function examplesFile(): URL {
  for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
    const candidate = new URL('schema/operations.graphql', dir);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('schema/operations.graphql not found above the server module');
}

async function landingPage(options: ServerOptions) {
  if (options.production) return ApolloServerPluginLandingPageProductionDefault({ footer: false });
  const headers = options.sandboxToken ? { 'X-Auth-Token': options.sandboxToken } : undefined;
  return ApolloServerPluginLandingPageLocalDefault({
    footer: false,
    includeCookies: false,
    document: await readFile(examplesFile(), 'utf8'),
    variables: { region: 'cn-north-4' },
    ...(headers ? { headers } : {}),
    embed: { runTelemetry: false, endpointIsEditable: false, initialState: { pollForSchemaUpdates: false, ...(headers ? { sharedHeaders: headers } : {}) } },
  });
}

export async function startServer(options: ServerOptions, port: number, host: string): Promise<RunningServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createHttpServer(app);
  const apollo = new ApolloServer<Context>({
    schema: options.schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatError(formatted, error, (internal) => options.log.error({ err: internal }, 'internal error while resolving')),
    // No HTTP cache hints are served (responses are per caller), so the per-field cache-control work is skipped.
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginCacheControlDisabled(), await landingPage(options)],
  });
  await apollo.start();

  app.use((req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      options.log.info(
        { requestId, method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    });
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    res.json({ status: 'ready', upstream: new URL(options.client.endpoint).origin });
  });
  app.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => createContext({ client: options.client, loaderOptions: options.loaderOptions, log: options.log }, req.headers, String(res.locals.requestId)),
    }),
  );

  app.use((error: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    // Express's own handler would answer with HTML and, outside production, a stack trace.
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    if (status >= 500) options.log.error({ err: error }, 'request failed');
    const message = error.type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : status === 413 ? 'The request body is too large.' : status >= 500 ? 'Internal server error' : error.message;
    res.status(status).json({ errors: [{ message, extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (error) => {
      void apollo.stop();
      reject(error);
    });
    httpServer.listen(port, host, () => {
      httpServer.off('error', reject);
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
