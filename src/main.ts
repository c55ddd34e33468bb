import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config/index.js';

/** Entry point: configuration, then the app (with the embedded emulator when no endpoint is set). */
function describeCallerAuth({ callerAuth }: Config): string {
  if (!callerAuth || callerAuth.mode === 'none') return 'nothing: AUTH_MODE=none lets anyone in (WARNING)';
  return [callerAuth.jwt ? `a JWT from ${callerAuth.jwt.issuer}` : undefined, callerAuth.apiKeys.length > 0 ? `one of ${callerAuth.apiKeys.length} API keys` : undefined].filter(Boolean).join(' or ');
}

async function main(): Promise<void> {
  const config = loadConfig();
  // Read by V8 at each full collection, so it applies from the first (HEAP_GROWTH_PERCENT, README "Performance").
  if (config.server.heapGrowthPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.server.heapGrowthPercent}`);
  const app = await createApp(config);
  const lines = [`cloudimages-graphql: GraphQL at ${app.url}/graphql (open it in a browser for Apollo Sandbox)`];
  if (config.server.sandbox) lines.push(`GraphiQL, which needs no internet: ${app.url}/graphiql`);
  lines.push(`Subscriptions (imageStatus): ${app.url.replace(/^http/, 'ws')}/graphql (graphql-ws) and ${app.url}/graphql/stream (graphql-sse)`);
  if (app.emulator) {
    lines.push(
      `No CLOUDIMAGES_ENDPOINT set: using the embedded emulator of the image API at ${app.emulator.url}.`,
      `Demo tokens (send as X-Auth-Token; Sandbox has the first filled in): ${app.emulator.tenants.map((t) => t.token).join(', ')}`,
    );
  } else {
    lines.push(`Upstream: ${app.endpoint}`);
  }
  if (config.upstream.credentials) {
    lines.push(`Upstream calls are signed with the server's access key (AK/SK mode); callers authenticate with ${describeCallerAuth(config)}.`);
  }
  const { trustedDocuments } = config;
  if (trustedDocuments.manifest) {
    lines.push(
      `Trusted documents from ${trustedDocuments.manifest} (TRUSTED_DOCUMENTS_MODE=${trustedDocuments.mode}): ${trustedDocuments.mode === 'enforce' ? 'only they run' : 'others run too, counted in graphql_untrusted_documents_total'}.`,
    );
  }
  if (app.tracing) lines.push(`${app.tracing.description} (service ${config.tracing.serviceName}).`);
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await app.close();
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
