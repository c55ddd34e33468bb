import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { spawnEmulator } from './local-emulator.js';
import { contractCheckMain } from './run.js';

/** `npm run contract-check -- [flags]`: the emulator against the real API (see run.ts and the README). */

// tools/tsconfig.json builds the emulator's CLI too, at the same place relative to this file as in the sources.
const emulatorScript = fileURLToPath(new URL('../../src/emulator/cli.js', import.meta.url));

contractCheckMain(process.argv.slice(2), {
  // It serves nothing, so AK/SK needs no caller authentication (AUTH_*) for its run.
  loadConfig: () => loadConfig(process.env, { servesCallers: false }),
  startEmulator: () => spawnEmulator(emulatorScript),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`contract-check failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
