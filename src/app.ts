import type { Logger } from 'pino';
import type { Config } from './config.js';
import { startEmulator, type Emulator } from './emulator/server.js';
import { FairGate } from './images/fair-gate.js';
import { SNAPSHOT_PAGE } from './images/image-source.js';
import { ListingCache } from './images/listing-cache.js';
import { createLogger } from './logger.js';
import { createMetrics } from './observability/metrics.js';
import { startTracing, type Tracing, type TracingOptions } from './observability/tracing.js';
import { createSchema } from './schema.js';
import { startServer, type RunningServer } from './server.js';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from './context.js';
import { CloudImagesClient, type UpstreamObserver } from './upstream/client.js';
import { RateBudget } from './shared-state/rate-budget.js';
import { RedisLink } from './shared-state/redis-link.js';
import { SharedListings } from './shared-state/shared-listings.js';

/**
 * The one place the product is wired, for `main.ts`, the tests and the benchmark: the embedded
 * emulator when no endpoint is configured, the upstream client, the process-wide upstream gate,
 * the schema and the HTTP server.
 */

export interface AppOptions {
  /** Default: a pino logger at `config.logLevel`. */
  log?: Logger;
  /** Filled into Sandbox's headers; default: the embedded emulator's first demo token (no secret). */
  sandboxToken?: string;
  /** Where spans go when `config.tracing` turns traces on (tests: an in-memory exporter). */
  tracing?: TracingOptions;
}

export interface App {
  /** Base URL of the HTTP server (`${url}/graphql`). */
  url: string;
  server: RunningServer;
  client: CloudImagesClient;
  /** The embedded emulator, when no endpoint was configured. */
  emulator: Emulator | undefined;
  /** The upstream base URL in use. */
  endpoint: string;
  config: Config;
  /** Traces, when OTEL_* turn them on. */
  tracing: Tracing | undefined;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  const emulator = config.upstream.endpoint ? undefined : await startEmulator(config.emulator);
  const endpoint = config.upstream.endpoint ?? emulator!.url;
  // Operations hook in here: upstream observers (metrics, traces) and Apollo plugins of their own.
  const observers: UpstreamObserver[] = [];
  const plugins: ApolloServerPlugin<Context>[] = [];
  // REDIS_URL: snapshots, cached pages and the rate budget shared by every instance using it.
  const redis = config.redis ? new RedisLink(config.redis, log) : undefined;
  await redis?.connect();
  const budget = config.rateLimit ? new RateBudget(config.rateLimit, redis) : undefined;
  const client = new CloudImagesClient({ ...config.upstream, endpoint, observers, budget });
  const gate = new FairGate(config.upstream.maxInFlight);
  const snapshots = new ListingCache({ ...config.snapshots, shared: redis && new SharedListings(redis, 'snapshot') });
  const pages = config.pageCache.ttlMs > 0 ? new ListingCache({ ...config.pageCache, shared: redis && new SharedListings(redis, 'page') }) : undefined;
  // METRICS_ENABLED: the client reads `observers` at each call, so pushing after its construction is enough.
  const metrics = config.metrics ? createMetrics({ client, snapshots, pages, gate, redis, budget }) : undefined;
  if (metrics) {
    observers.push(metrics.observer);
    plugins.push(metrics.plugin);
  }
  // OTEL_*: a span per GraphQL operation (plugin), and per upstream attempt (observer) as its child.
  const tracing = await startTracing(config.tracing, options.tracing).catch(async (error: unknown) => {
    await client.close();
    await redis?.close();
    await emulator?.close();
    throw error;
  });
  if (tracing) {
    observers.push(tracing.observer);
    plugins.push(tracing.plugin);
  }
  const { upstreamAuth, callerAuth } = config;
  const serverCredentials =
    upstreamAuth.kind === 'aksk' ? { aksk: { ak: upstreamAuth.ak, sk: upstreamAuth.sk }, domainId: upstreamAuth.domainId, projectId: upstreamAuth.projectId } : undefined;
  if (callerAuth?.mode === 'none') {
    log.warn('AUTH_MODE=none: anyone who can reach /graphql lists images with this server\'s own cloud credentials (HUAWEICLOUD_SDK_AK/SK)');
  }
  const sandboxToken = options.sandboxToken ?? emulator?.tenants[0]?.token;
  try {
    const server = await startServer(
      {
        schema: await createSchema({ federation: config.federation }),
        log,
        context: {
          client,
          serverCredentials,
          gate,
          concurrency: config.upstream.concurrency,
          snapshots,
          pages,
          maxSnapshotImages: config.snapshots.maxImages,
          // In emulator mode, the emulator's regions.
          regions: emulator ? [...emulator.catalog.keys()] : config.regions,
        },
        // The pages of the largest listing kept, and the one that finds a listing too large.
        snapshotPages: Math.floor(config.snapshots.maxImages / SNAPSHOT_PAGE) + 1,
        callerAuth,
        requestDeadlineMs: config.upstream.requestDeadlineMs,
        plugins,
        jit: config.jit,
        compression: config.compression,
        ...(metrics ? { metrics: metrics.handler } : {}),
        hideSuggestions: config.production,
        introspection: config.introspection,
        sandbox: config.sandbox,
        limits: config.limits,
        cors: config.cors,
        ...(sandboxToken ? { sandboxToken } : {}),
      },
      config.port,
      config.host,
    );
    return {
      url: server.url,
      server,
      client,
      emulator,
      endpoint,
      config,
      tracing,
      async close() {
        await server.close();
        await client.close();
        await redis?.close();
        await emulator?.close();
        await tracing?.shutdown();
      },
    };
  } catch (error) {
    await client.close();
    await redis?.close();
    await emulator?.close();
    await tracing?.shutdown();
    throw error;
  }
}
