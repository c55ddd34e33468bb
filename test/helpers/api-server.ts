import { pino, type Logger } from 'pino';
import { createApp, type App } from '../../src/app.js';
import type { QueryLimits } from '../../src/apollo/query-limits.js';
import { DEFAULT_QUERY_LIMITS, loadConfig, type Config, type Env } from '../../src/config/index.js';
import type { CorsPolicy } from '../../src/http/cors.js';
import type { ClientSettings } from '../../src/upstream/client.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import type { RunningServer } from '../../src/server.js';
import { perFile } from './per-file.js';
import { ALICE } from './tenants.js';

/**
 * The whole product on loopback for a test file: an emulator, and the app (`createApp`, as
 * `npm start` wires it) pointed at it over HTTP, on port 0: `useApi` for the tests of a file (or
 * a describe), `startApi` for one test.
 */

export { ALICE, BOB } from './tenants.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface ApiHarness {
  url: string;
  emulator: Emulator;
  server: RunningServer;
  app: App;
  /** POSTs an operation to /graphql; `token` goes in X-Auth-Token unless null. */
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse<T>>;
  /** GETs an upstream path on the emulator directly, as the REST oracle. */
  rest<T = unknown>(path: string, token?: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  emulator?: EmulatorOptions;
  /** Use this running emulator (several instances of the server on one upstream); the harness does not close it. */
  sharedEmulator?: Emulator;
  /** Upstream settings over the harness's (one attempt, short timeouts). */
  client?: Partial<ClientSettings & Pick<Config['upstream'], 'concurrency' | 'requestDeadlineMs'>>;
  concurrency?: number;
  limits?: Partial<QueryLimits>;
  /** Default: emulator mode's (any loopback origin). */
  cors?: CorsPolicy;
  /** Production with a real endpoint: no suggestions, no introspection, no Sandbox. */
  production?: boolean;
  /** graphql-jit (default, as configured by default) or graphql-js. */
  jit?: boolean;
  /** Where the server logs (default: silent). */
  log?: Logger;
  /** Point the client somewhere else than the emulator (e.g. a stub server). */
  endpoint?: string;
  /** More configuration, as environment variables (e.g. HUAWEICLOUD_SDK_AK/SK and AUTH_*). */
  env?: Env;
}

export async function startApi(options: HarnessOptions = {}): Promise<ApiHarness> {
  const emulator = options.sharedEmulator ?? (await startEmulator(options.emulator));
  const base = loadConfig({ CLOUDIMAGES_ENDPOINT: options.endpoint ?? emulator.url, NODE_ENV: options.production ? 'production' : 'test', ...options.env });
  const { concurrency, requestDeadlineMs, ...client } = options.client ?? {};
  const config: Config = {
    ...base,
    server: {
      ...base.server,
      host: '127.0.0.1',
      port: 0,
      limits: { ...DEFAULT_QUERY_LIMITS, ...options.limits },
      cors: options.cors ?? { origins: [], loopback: true },
      jit: options.jit ?? base.server.jit,
    },
    upstream: {
      ...base.upstream,
      client: { ...base.upstream.client, timeoutMs: 5_000, maxAttempts: 1, retryBaseDelayMs: 10, totalBudgetMs: 10_000, ...client },
      concurrency: concurrency ?? options.concurrency ?? 8,
      requestDeadlineMs: requestDeadlineMs ?? base.upstream.requestDeadlineMs,
    },
  };
  const app = await createApp(config, { log: options.log ?? pino({ level: 'silent' }), sandboxToken: ALICE.token });
  const { server } = app;
  return {
    url: server.url,
    emulator,
    server,
    app,
    async query<T>(query: string, variables: Record<string, unknown> = {}, token: string | null = ALICE.token): Promise<GraphQLResponse<T>> {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'x-auth-token': token }) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<T>;
    },
    async rest<T>(path: string, token: string = ALICE.token): Promise<{ status: number; body: T }> {
      const response = await fetch(`${emulator.url}${path}`, { headers: { 'x-auth-token': token } });
      return { status: response.status, body: (await response.json()) as T };
    },
    async close(): Promise<void> {
      await app.close();
      if (!options.sharedEmulator) await emulator.close();
    },
  };
}

/**
 * The API for the tests of this file (or of the calling describe), started in beforeAll and closed
 * in afterAll. Options that name other resources of the file (a stub's URL) are given as a function,
 * read when the API starts.
 */
export function useApi(options: HarnessOptions | (() => HarnessOptions) = {}): ApiHarness {
  return perFile('the API', () => startApi(typeof options === 'function' ? options() : options), (api) => api.close());
}
