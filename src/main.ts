import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { startEmulator, type Emulator } from './emulator/server.js';
import { createLogger } from './logger.js';
import { createSchema } from './schema.js';
import { startServer } from './server.js';
import { CloudImagesClient } from './upstream/client.js';

/** Entry point: configuration, the embedded emulator when no endpoint is set, then listen. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let emulator: Emulator | undefined;
  let endpoint = config.upstream.endpoint;
  if (!endpoint) {
    emulator = await startEmulator(config.emulator);
    endpoint = emulator.url;
  }
  const client = new CloudImagesClient({ ...config.upstream, endpoint });
  const sandboxToken = emulator?.tenants[0]?.token;
  const server = await startServer(
    {
      schema: await createSchema(),
      client,
      log,
      loaderOptions: { concurrency: config.upstream.concurrency },
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
  const lines = [`cloudimages-graphql: GraphQL at ${server.url}/graphql (open it in a browser for Apollo Sandbox)`];
  if (emulator) {
    lines.push(
      `No CLOUDIMAGES_ENDPOINT set: using the embedded emulator of the image API at ${emulator.url}.`,
      `Demo tokens (send as X-Auth-Token; Sandbox has the first filled in): ${emulator.tenants.map((t) => t.token).join(', ')}`,
    );
  } else {
    lines.push(`Upstream: ${endpoint}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await client.close();
    await emulator?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof Error && 'code' in error && (error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL')) {
    process.stderr.write(`Cannot listen: ${error.message}. Set PORT (and HOST) to a free address.\n`);
  } else {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
