import { EMULATOR_USAGE, EmulatorArgsError, parseEmulatorArgs } from './cli-args.js';
import { startEmulator } from './server.js';

/** `npm run emulator -- [flags]`: the upstream emulator alone, for curl and for frontend work; flags win over PORT, HOST and EMULATOR_*. */
async function main(): Promise<void> {
  const command = parseEmulatorArgs(process.argv.slice(2), process.env);
  if (command.help) {
    process.stdout.write(EMULATOR_USAGE);
    return;
  }
  const emulator = await startEmulator(command.options);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  // Before the announcement: whoever reads it may stop it at once.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const lines = [
    `cloudimages emulator listening on ${emulator.url}`,
    `regions: ${[...emulator.catalog.keys()].join(', ')}`,
    'tenants (send the token as X-Auth-Token):',
    ...emulator.tenants.map((t) => `  ${t.token}  -> project ${t.projectId}`),
    ...(emulator.accessKeys.length === 0
      ? []
      : ['access keys (sign requests with SDK-HMAC-SHA256; SKs are not printed):', ...emulator.accessKeys.map((k) => `  ${k.ak}  -> project ${k.projectId}`)]),
    ...(emulator.savingImages.length === 0
      ? []
      : [`${emulator.savingImages.length} private images finish saving while it runs, the first at ${new Date(emulator.savingImages[0]!.finishesAt).toISOString()} (--saving-ms)`]),
    'try:',
    `  curl -H 'X-Auth-Token: ${emulator.tenants[0]!.token}' '${emulator.url}/v1/cloudimages/cn-north-4?limit=2'`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof EmulatorArgsError) {
    process.stderr.write(`${error.message}\nnpm run emulator -- --help lists the flags and their variables.\n`);
  } else {
    process.stderr.write(`cannot start the emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
