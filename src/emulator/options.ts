/**
 * The emulator's options and their defaults. The emulator owns them: it imports nothing of the
 * product but the upstream's wire types, so whoever starts it (the CLI, `main.ts` from the
 * environment, tests) passes only what differs and leaves the rest to these defaults.
 */

export interface Tenant {
  token: string;
  projectId: string;
}

/**
 * An access key pair the emulator accepts on AK/SK-signed requests (`SDK-HMAC-SHA256`), and the
 * project it stands for: a signed request acts as that project's tenant, like its token would.
 */
export interface AccessKey {
  /** The access key id (AK), sent in `Authorization: SDK-HMAC-SHA256 Access=<ak>, ...`. */
  ak: string;
  /** The secret access key (SK): never sent, never logged, never echoed in an error. */
  sk: string;
  /** Must be the project of one of the tenants (checked at start-up, by the rules of settings.ts). */
  projectId: string;
}

export interface EmulatorFaults {
  /** Added to every response, in milliseconds. */
  latencyMs: number;
  /** Share of requests (0..1) answered 500 or 503 instead. */
  errorRate: number;
  /** Every `throttleEvery` requests, the next `throttleBurst` get 429 APIGW.0308; 0 turns it off. */
  throttleEvery: number;
  throttleBurst: number;
  /** Seconds sent in `Retry-After` with a 429. */
  retryAfterSeconds: number;
  /** Share of 200 answers (0..1) whose JSON body is cut short. */
  malformedRate: number;
  /** Image ids whose by-id lookups (`?id=`) always fail with 500. */
  failImageIds: string[];
}

/** What `startEmulator` takes; anything missing or `undefined` is the default below. */
export interface EmulatorOptions {
  /** Default `127.0.0.1`. */
  host?: string | undefined;
  /** Default `DEFAULT_EMULATOR_PORT`: a free port. */
  port?: number | undefined;
  /** Default `DEMO_TENANTS`. */
  tenants?: readonly Tenant[] | undefined;
  /**
   * Access keys for AK/SK-signed requests. Default: those of `DEMO_ACCESS_KEYS` whose project is one
   * of the tenants' (so the demo key with the demo tenants, none with tenants of other projects).
   * Each key's project must be one of the tenants' projects: `start` refuses anything else.
   */
  aksk?: readonly AccessKey[] | undefined;
  /** Default `DEFAULT_EMULATOR_SEED`. */
  seed?: number | undefined;
  /** Knobs over `defaultEmulatorFaults()`; a knob given as `undefined` keeps its default. */
  faults?: Partial<EmulatorFaults> | undefined;
  /**
   * Default 0: the private images saving in the data set stay saving. Above 0 they finish, one
   * after another per region and tenant, every `savingMs` from the emulator's start (the first
   * after `savingMs`), as ACTIVE or, about one in four, KILLED (see saving.ts).
   */
  savingMs?: number | undefined;
  /** How many request-log entries are kept (the newest); default 10,000. */
  logCapacity?: number | undefined;
}

/** Demo tenants of the emulator, documented in the README. */
export const DEMO_TENANTS: readonly Tenant[] = [
  { token: 'demo-token-alice', projectId: '0a5b4c3d2e1f4a9b8c7d6e5f4a3b2c1d' },
  { token: 'demo-token-bob', projectId: '9f8e7d6c5b4a49382716a5b4c3d2e1f0' },
];

/**
 * The demo access key, documented in the README next to the demo tokens: alice's project (the
 * first demo tenant). Demo data only, no secret.
 */
export const DEMO_ACCESS_KEYS: readonly AccessKey[] = [{ ak: 'DEMOAKALICE00000000', sk: 'demo-sk-alice-not-a-secret', projectId: DEMO_TENANTS[0]!.projectId }];

/** Seed of the data set: the same images on every machine. */
export const DEFAULT_EMULATOR_SEED = 20201230;

export const DEFAULT_EMULATOR_HOST = '127.0.0.1';

/** A free port: what the embedded emulator (and one started without a port) takes. */
export const DEFAULT_EMULATOR_PORT = 0;

/** No faults: what the emulator plays unless told otherwise. */
export function defaultEmulatorFaults(): EmulatorFaults {
  return { latencyMs: 0, errorRate: 0, throttleEvery: 0, throttleBurst: 0, retryAfterSeconds: 2, malformedRate: 0, failImageIds: [] };
}

/** The entries of an object whose value is not undefined (spreading an `undefined` would erase a default). */
export function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
