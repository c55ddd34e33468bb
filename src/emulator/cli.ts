import { ConfigError, loadEmulatorConfig } from '../config.js';
import { startEmulator } from './server.js';

/** `npm run emulator`: the upstream emulator alone, for curl and for frontend work. */
async function main(): Promise<void> {
  const config = loadEmulatorConfig(process.env, process.argv.slice(2));
  const emulator = await startEmulator(config);
  const lines = [
    `cloudimages emulator listening on ${emulator.url}`,
    `regions: ${[...emulator.catalog.keys()].join(', ')}`,
    'tenants (send the token as X-Auth-Token):',
    ...emulator.tenants.map((t) => `  ${t.token}  -> project ${t.projectId}`),
    'try:',
    `  curl -H 'X-Auth-Token: ${emulator.tenants[0]!.token}' '${emulator.url}/v1/cloudimages/cn-north-4?limit=2'`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`cannot start the emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
