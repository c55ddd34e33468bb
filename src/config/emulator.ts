import { z } from 'zod';
import type { AccessKey, EmulatorFaults, EmulatorOptions, Tenant } from '../emulator/options.js';
import { ConfigError, int, list, port, rate, readVariables, type Env } from './values.js';

/**
 * What EMULATOR_* change about the embedded emulator (started when no CLOUDIMAGES_ENDPOINT is set):
 * only what is given; the defaults (demo tenants, data seed, no faults) are the emulator's own.
 */

/**
 * A comma-separated list of colon-separated entries (`token:projectId`, `ak:sk:projectId`), none
 * repeating its key. Messages name the entry's position, never its text (an entry may hold a secret).
 */
function colonList<T>(spec: { variable: string; shape: string; unit: 'pair' | 'triple'; pattern: RegExp; build: (parts: string[]) => T; key: (entry: T) => string; keyName: string }) {
  return z
    .string()
    .trim()
    .transform((value, ctx) => {
      const entries: T[] = [];
      for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
        const match = spec.pattern.exec(entry);
        if (!match) {
          ctx.addIssue({ code: 'custom', message: `${spec.variable} must be ${spec.shape} ${spec.unit}s separated by commas (entry ${entries.length + 1} is not)` });
          return z.NEVER;
        }
        entries.push(spec.build(match.slice(1)));
      }
      if (entries.length === 0) {
        ctx.addIssue({ code: 'custom', message: `${spec.variable} must name at least one ${spec.shape} ${spec.unit}` });
        return z.NEVER;
      }
      if (new Set(entries.map(spec.key)).size !== entries.length) {
        ctx.addIssue({ code: 'custom', message: `${spec.variable} must not repeat ${spec.keyName}` });
        return z.NEVER;
      }
      return entries;
    });
}

const tenants = colonList<Tenant>({
  variable: 'EMULATOR_TENANTS',
  shape: 'token:projectId',
  unit: 'pair',
  pattern: /^([^:\s]+):([0-9A-Za-z_-]+)$/,
  build: ([token, projectId]) => ({ token: token!, projectId: projectId! }),
  key: (tenant) => tenant.token,
  keyName: 'a token',
});

/** EMULATOR_AKSK: `ak:sk:projectId,...`. */
const accessKeys = colonList<AccessKey>({
  variable: 'EMULATOR_AKSK',
  shape: 'ak:sk:projectId',
  unit: 'triple',
  pattern: /^([^:\s]+):([^:\s]+):([0-9A-Za-z_-]+)$/,
  build: ([ak, sk, projectId]) => ({ ak: ak!, sk: sk!, projectId: projectId! }),
  key: (key) => key.ak,
  keyName: 'an access key',
});

const variables = {
  EMULATOR_PORT: port('EMULATOR_PORT').default(0),
  EMULATOR_TENANTS: tenants.optional(),
  EMULATOR_AKSK: accessKeys.optional(),
  EMULATOR_SEED: int('EMULATOR_SEED', 0, 2 ** 32 - 1).optional(),
  EMULATOR_LATENCY_MS: int('EMULATOR_LATENCY_MS', 0, 60_000).optional(),
  EMULATOR_ERROR_RATE: rate('EMULATOR_ERROR_RATE').optional(),
  EMULATOR_THROTTLE_EVERY: int('EMULATOR_THROTTLE_EVERY', 0, 1_000_000).optional(),
  EMULATOR_THROTTLE_BURST: int('EMULATOR_THROTTLE_BURST', 0, 1_000_000).optional(),
  EMULATOR_RETRY_AFTER_S: int('EMULATOR_RETRY_AFTER_S', 0, 3600).optional(),
  EMULATOR_MALFORMED_RATE: rate('EMULATOR_MALFORMED_RATE').optional(),
  EMULATOR_FAIL_IMAGE_IDS: list().optional(),
};

/** `startEmulator`'s options for the embedded emulator; a knob left `undefined` keeps the emulator's default. */
export function emulatorSettings(env: Env): EmulatorOptions & { port: number; faults: Partial<EmulatorFaults> } {
  const e = readVariables(env, variables);
  // Each EMULATOR_AKSK key must map to a project of EMULATOR_TENANTS, when both are set (else the emulator checks against its demo tenants at start-up).
  const stray = e.EMULATOR_AKSK && e.EMULATOR_TENANTS ? e.EMULATOR_AKSK.find((k) => !e.EMULATOR_TENANTS!.some((t) => t.projectId === k.projectId)) : undefined;
  if (stray) throw new ConfigError([`EMULATOR_AKSK: access key ${stray.ak} maps to project ${stray.projectId}, which is none of the EMULATOR_TENANTS projects`]);
  return {
    port: e.EMULATOR_PORT,
    tenants: e.EMULATOR_TENANTS,
    aksk: e.EMULATOR_AKSK,
    seed: e.EMULATOR_SEED,
    faults: {
      latencyMs: e.EMULATOR_LATENCY_MS,
      errorRate: e.EMULATOR_ERROR_RATE,
      throttleEvery: e.EMULATOR_THROTTLE_EVERY,
      throttleBurst: e.EMULATOR_THROTTLE_BURST,
      retryAfterSeconds: e.EMULATOR_RETRY_AFTER_S,
      malformedRate: e.EMULATOR_MALFORMED_RATE,
      failImageIds: e.EMULATOR_FAIL_IMAGE_IDS,
    },
  };
}
