import type { Logger } from 'pino';
import type { Config } from './config.js';
import { startEmulator, type Emulator } from './emulator/server.js';
import { FairGate } from './images/fair-gate.js';
import { SNAPSHOT_PAGE } from './images/image-source.js';
import { SnapshotStore } from './images/snapshot-store.js';
import { createLogger } from './logger.js';
import { createSchema } from './schema.js';
import { startServer, type RunningServer } from './server.js';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from './context.js';
import { CloudImagesClient, type UpstreamObserver } from './upstream/client.js';

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
  close(): Promise<void>;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  const emulator = config.upstream.endpoint ? undefined : await startEmulator(config.emulator);
  const endpoint = config.upstream.endpoint ?? emulator!.url;
  // Operations hook in here: upstream observers (metrics, traces) and Apollo plugins of their own.
  const observers: UpstreamObserver[] = [];
  const plugins: ApolloServerPlugin<Context>[] = [];
  const client = new CloudImagesClient({ ...config.upstream, endpoint, observers });
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
        schema: await createSchema(),
        log,
        context: {
          client,
          serverCredentials,
          gate: new FairGate(config.upstream.maxInFlight),
          concurrency: config.upstream.concurrency,
          snapshots: new SnapshotStore({ ttlMs: config.snapshots.ttlMs, maxBytes: config.snapshots.maxBytes }),
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
      async close() {
        await server.close();
        await client.close();
        await emulator?.close();
      },
    };
  } catch (error) {
    await client.close();
    await emulator?.close();
    throw error;
  }
}
