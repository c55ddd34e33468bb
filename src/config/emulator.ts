import { embeddedEmulatorOptions, type EmbeddedEmulatorOptions } from '../emulator/settings.js';
import { ConfigError, type Env } from './values.js';

/**
 * EMULATOR_*: what differs from the embedded emulator's defaults (src/emulator/options.ts), and its
 * port (EMULATOR_PORT, else a free one). They are the emulator's settings, read by its own rules
 * (src/emulator/settings.ts, which its command line shares).
 */
export function emulatorSettings(env: Env): EmbeddedEmulatorOptions {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const read = embeddedEmulatorOptions(present);
  if (!read.ok) throw new ConfigError(read.problems);
  return read.options;
}
