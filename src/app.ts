import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { Config } from './config/index.js';
import { loadTrustedDocuments } from './apollo/trusted-documents.js';
import type { Context } from './graphql/context.js';
import { startEmulator, type Emulator } from './emulator/server.js';
import { KeyedDigest } from './images/caller-digest.js';
import { FairGate } from './images/fair-gate.js';
import { ImageSource, snapshotPagesOf } from './images/image-source.js';
import { ImageWatch } from './images/image-watch.js';
import { SubscriptionSlots } from './http/live/subscription-slots.js';
import { ListingCache } from './images/listing-cache.js';
import { createLogger } from './logger.js';
import { createMetrics } from './observability/metrics.js';
import { startTracing, type Tracing, type TracingOptions } from './observability/tracing.js';
import { createSchema } from './schema.js';
import { startServer, type RunningServer } from './server.js';
import { RateBudget } from './shared-state/rate-budget.js';
import { RedisLink } from './shared-state/redis-link.js';
import { SharedListings } from './shared-state/shared-listings.js';
import { CloudImagesClient, type UpstreamObserver } from './upstream/client.js';

/**
 * The one place the product is wired, for `main.ts`, the tests and the benchmark: the embedded
 * emulator when no endpoint is configured, the upstream client, the process-wide upstream gate,
 * the schema and the HTTP server, each from its slice of the configuration.
 */

export interface AppOptions {
  /** Default: a pino logger at the configured level. */
  log?: Logger;
  /** Filled into Sandbox's headers; default: the embedded emulator's first demo token (no secret). */
  sandboxToken?: string;
  /** Where spans go when the configuration turns traces on (tests: an in-memory exporter). */
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
  const { server: settings, upstream, sharedState, liveStatus } = config;
  const log = options.log ?? createLogger(settings.logLevel);
  // What was started, closed in the reverse order (the HTTP server first, the emulator last), also when start-up fails half-way.
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    // The pages of the largest listing kept, and the one that finds a listing too large: a snapshot read's price.
    const snapshotPages = snapshotPagesOf(sharedState.snapshots.maxImages);
    const schema = await createSchema({ federation: settings.federation, snapshotPages });
    // Checked before anything starts: a manifest the server would refuse stops start-up.
    const { trustedDocuments } = config;
    const list = trustedDocuments.manifest
      ? await loadTrustedDocuments(trustedDocuments.manifest, { schema, limits: settings.limits, introspection: settings.introspection, snapshotPages })
      : undefined;
    const emulator = upstream.endpoint ? undefined : await startEmulator(config.emulator);
    if (emulator) closers.push(() => emulator.close());
    const endpoint = upstream.endpoint ?? emulator!.url;
    // REDIS_URL: snapshots, cached pages and the rate budget shared by every instance using it.
    const redis = sharedState.redis ? new RedisLink(sharedState.redis, log) : undefined;
    if (redis) closers.push(() => redis.close());
    await redis?.connect();
    const budget = sharedState.rateBudget ? new RateBudget(sharedState.rateBudget, redis) : undefined;
    // Operations hook in here: upstream observers (metrics, traces) and Apollo plugins of their own.
    // The client reads `observers` at each call, so pushing after its construction is enough.
    const observers: UpstreamObserver[] = [];
    const plugins: ApolloServerPlugin<Context>[] = [];
    const client = new CloudImagesClient({ ...upstream.client, endpoint, observers, budget });
    closers.push(() => client.close());
    const gate = new FairGate(upstream.client.maxInFlight);
    const snapshots = new ListingCache({ ...sharedState.snapshots, shared: redis && new SharedListings(redis, 'snapshot') });
    const pages = sharedState.pageCache.ttlMs > 0 ? new ListingCache({ ...sharedState.pageCache, shared: redis && new SharedListings(redis, 'page') }) : undefined;
    // Live status: one poll per caller and image for every watcher, through an image source like a request's
    // (the gate, retries, breaker, budget, metrics); with Redis, the polls' answers are shared by the instances.
    const digest = new KeyedDigest();
    const polled = redis
      ? new ListingCache({ ttlMs: Math.max(1, Math.floor(liveStatus.watch.intervalMs / 2)), maxBytes: 16 * 2 ** 20, shared: new SharedListings(redis, 'watch') })
      : undefined;
    const watch = new ImageWatch({
      ...liveStatus.watch,
      digest,
      lookup: (credentials, signal) =>
        new ImageSource({ client, credentials, lane: gate.lane(upstream.concurrency), signal, snapshots, pages: polled, maxSnapshotImages: sharedState.snapshots.maxImages }),
    });
    const slots = new SubscriptionSlots(liveStatus.limits);
    const metrics = settings.metrics ? createMetrics({ client, snapshots, pages, gate, redis, budget, live: { slots, watch } }) : undefined;
    if (metrics) {
      observers.push(metrics.observer);
      plugins.push(metrics.plugin);
    }
    // OTEL_*: a span per GraphQL operation (plugin), and per upstream attempt (observer) as its child.
    const tracing = await startTracing(config.tracing, options.tracing);
    if (tracing) {
      closers.push(() => tracing.shutdown());
      observers.push(tracing.observer);
      plugins.push(tracing.plugin);
    }
    if (config.callerAuth?.mode === 'none') {
      log.warn('AUTH_MODE=none: anyone who can reach /graphql lists images with this server\'s own cloud credentials (HUAWEICLOUD_SDK_AK/SK)');
    }
    const sandboxToken = options.sandboxToken ?? emulator?.tenants[0]?.token;
    const server = await startServer(settings, {
      schema,
      log,
      context: {
        client,
        gate,
        concurrency: upstream.concurrency,
        snapshots,
        pages,
        maxSnapshotImages: sharedState.snapshots.maxImages,
        // In emulator mode, the emulator's regions.
        regions: emulator ? [...emulator.catalog.keys()] : settings.regions,
      },
      snapshotPages,
      trustedDocuments: { mode: trustedDocuments.mode, list },
      live: { watch, slots, digest, shutdownGraceMs: liveStatus.shutdownGraceMs },
      serverCredentials: upstream.credentials,
      callerAuth: config.callerAuth,
      requestDeadlineMs: upstream.requestDeadlineMs,
      plugins,
      metrics,
      ...(sandboxToken ? { sandboxToken } : {}),
    });
    closers.push(() => server.close());
    return { url: server.url, server, client, emulator, endpoint, config, tracing, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
