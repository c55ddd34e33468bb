import { callerAuthSettings } from './caller-auth.js';
import { emulatorSettings } from './emulator.js';
import { liveStatusSettings } from './live-status.js';
import { serverSettings } from './server.js';
import { sharedStateSettings } from './shared-state.js';
import { tracingSettings } from './tracing.js';
import { trustedDocumentsSettings } from './trusted-documents.js';
import { upstreamSettings } from './upstream.js';
import { ProblemCollector, type Env } from './values.js';

/**
 * The only reader of `process.env`: composes the slices of the configuration, one per concern, each
 * reading its own variables into the settings its layer declares. A bad value stops start-up with
 * a ConfigError listing every problem of every slice.
 */

export interface LoadOptions {
  /** False for tools that serve nothing (npm run contract-check): AK/SK mode needs no AUTH_* then. */
  servesCallers?: boolean;
}

export function loadConfig(env: Env = process.env, { servesCallers = true }: LoadOptions = {}) {
  const slices = new ProblemCollector();
  const upstream = slices.read(() => upstreamSettings(env));
  // Without a valid CLOUDIMAGES_ENDPOINT, the defaults that depend on it are those of emulator mode; its problem is reported anyway.
  const emulatorMode = upstream ? upstream.endpoint === undefined : env.CLOUDIMAGES_ENDPOINT === undefined || env.CLOUDIMAGES_ENDPOINT === '';
  const server = slices.read(() => serverSettings(env, { emulatorMode }));
  const trustedDocuments = slices.read(() => trustedDocumentsSettings(env));
  const callerAuth = slices.read(() => callerAuthSettings(env, { akskMode: upstream && upstream.credentials !== undefined, servesCallers }));
  const sharedState = slices.read(() => sharedStateSettings(env));
  const liveStatus = slices.read(() => liveStatusSettings(env));
  const tracing = slices.read(() => tracingSettings(env));
  const emulator = slices.read(() => emulatorSettings(env));
  slices.throwIfAny();
  return { server: server!, trustedDocuments: trustedDocuments!, upstream: upstream!, callerAuth, sharedState: sharedState!, liveStatus: liveStatus!, tracing: tracing!, emulator: emulator! };
}

/** The whole configuration, slice by slice; each slice's type is what its reader returns. */
export type Config = ReturnType<typeof loadConfig>;
