import { z } from 'zod';
import { DEFAULT_EMULATOR_PORT, DEMO_TENANTS, definedOnly, type EmulatorFaults, type EmulatorOptions } from './options.js';

/**
 * The emulator's settings as people write them: flags (`npm run emulator -- --port 9000`) or
 * environment variables (EMULATOR_* for the embedded emulator and the emulator alone; PORT and HOST
 * for the emulator alone). One schema reads them all, so a rule and its message are the same
 * whichever way a setting comes; messages name the setting as it was given and never show an SK.
 */

/** Each setting's flag (without `--`) and EMULATOR_* variable; the host has none, as the embedded emulator stays on loopback. */
export const SETTINGS = {
  port: { flag: 'port', variable: 'EMULATOR_PORT' },
  host: { flag: 'host', variable: undefined },
  seed: { flag: 'seed', variable: 'EMULATOR_SEED' },
  tenants: { flag: 'tenants', variable: 'EMULATOR_TENANTS' },
  aksk: { flag: 'aksk', variable: 'EMULATOR_AKSK' },
  latencyMs: { flag: 'latency-ms', variable: 'EMULATOR_LATENCY_MS' },
  errorRate: { flag: 'error-rate', variable: 'EMULATOR_ERROR_RATE' },
  throttleEvery: { flag: 'throttle-every', variable: 'EMULATOR_THROTTLE_EVERY' },
  throttleBurst: { flag: 'throttle-burst', variable: 'EMULATOR_THROTTLE_BURST' },
  retryAfterSeconds: { flag: 'retry-after-s', variable: 'EMULATOR_RETRY_AFTER_S' },
  malformedRate: { flag: 'malformed-rate', variable: 'EMULATOR_MALFORMED_RATE' },
  failImageIds: { flag: 'fail-image-ids', variable: 'EMULATOR_FAIL_IMAGE_IDS' },
  savingMs: { flag: 'saving-ms', variable: 'EMULATOR_SAVING_MS' },
} as const satisfies Record<string, { flag: string; variable: string | undefined }>;

export type SettingKey = keyof typeof SETTINGS;

/** One setting as given: its text, and its name as the source spells it (`--port`, `PORT`, `EMULATOR_PORT`). */
export interface GivenSetting {
  name: string;
  text: string;
}

export type GivenSettings = Partial<Record<SettingKey, GivenSetting>>;

/** What reading settings gives: options for `startEmulator` with only what was given, or every problem found. */
export type SettingsOutcome<O extends EmulatorOptions = ReadOptions> = { ok: true; options: O } | { ok: false; problems: string[] };

/** Options as read: only what was given, the fault knobs always an object (of the knobs given). */
export type ReadOptions = EmulatorOptions & { faults: Partial<EmulatorFaults> };

/** A comma-separated list entry's field: what fits between the `:` and `,` of the notation. */
const FIELD = /^[^:,\s]+$/;

const projectId = z.string().regex(/^[0-9A-Za-z_-]+$/, 'the project id must be letters, digits, - and _');

/** How a list setting is written (`token:projectId,...`) and the rules of its entries. */
interface Notation<S extends Record<string, z.ZodString>> {
  shape: string;
  unit: 'pair' | 'triple';
  /** One entry's fields, in the order they are written. */
  entry: z.ZodObject<S>;
  /** What no two entries may share. */
  identity: (entry: z.output<z.ZodObject<S>>) => string;
  /** The message when two do. */
  repeated: (name: string, entry: z.output<z.ZodObject<S>>) => string;
}

const TENANTS: Notation<{ token: z.ZodString; projectId: z.ZodString }> = {
  shape: 'token:projectId',
  unit: 'pair',
  entry: z.object({ token: z.string().regex(FIELD, 'the token must be non-empty, without spaces, commas or colons'), projectId }),
  identity: (tenant) => tenant.token,
  // A token is a credential: the message does not show it.
  repeated: (name) => `${name} must not repeat a token`,
};

const ACCESS_KEYS: Notation<{ ak: z.ZodString; sk: z.ZodString; projectId: z.ZodString }> = {
  shape: 'ak:sk:projectId',
  unit: 'triple',
  entry: z.object({
    ak: z.string().regex(FIELD, 'the AK must be non-empty, without spaces, commas or colons'),
    sk: z.string().regex(FIELD, 'the SK must not be empty or hold spaces, commas or colons'),
    projectId,
  }),
  identity: (key) => key.ak,
  // An AK identifies a key (the SK is its secret): naming it says which entry to fix.
  repeated: (name, key) => `${name} must not repeat an access key (access key ${key.ak} is given twice)`,
};

/** `a:b, c:d,` as entries of fields: entries trimmed, empty ones skipped. */
function entriesOf(text: string): string[][] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => entry.split(':'));
}

/**
 * A list setting, written as text or given as entries of fields (startEmulator's options). Messages
 * name an entry by its position, never by its text: an entry may hold an SK, or be one pasted into
 * the wrong setting.
 */
function entryList<S extends Record<string, z.ZodString>>(name: string, notation: Notation<S>) {
  const fields = Object.keys(notation.entry.shape);
  const expected = `${name} must be ${notation.shape} ${notation.unit}s separated by commas`;
  return z.union([z.string().transform(entriesOf), z.array(z.array(z.string()))]).transform((entries, ctx) => {
    const list: z.output<z.ZodObject<S>>[] = [];
    for (const [index, parts] of entries.entries()) {
      const entry = parts.length === fields.length ? notation.entry.safeParse(Object.fromEntries(fields.map((field, i) => [field, parts[i]]))) : undefined;
      if (!entry?.success) {
        ctx.addIssue({ code: 'custom', message: `${expected} (entry ${index + 1} is not${entry ? `: ${entry.error.issues[0]!.message}` : ''})` });
        return z.NEVER;
      }
      list.push(entry.data);
    }
    if (list.length === 0) {
      ctx.addIssue({ code: 'custom', message: `${name} must name at least one ${notation.shape} ${notation.unit}` });
      return z.NEVER;
    }
    const twice = list.find((entry, index) => list.findIndex((other) => notation.identity(other) === notation.identity(entry)) < index);
    if (twice) {
      ctx.addIssue({ code: 'custom', message: notation.repeated(name, twice) });
      return z.NEVER;
    }
    return list;
  });
}

function wholeNumber(name: string, min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const n = Number(text.trim());
    if (/^\d+$/.test(text.trim()) && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}, not "${text}"` });
    return z.NEVER;
  });
}

function share(name: string) {
  return z.string().transform((text, ctx) => {
    if (/^(0(\.\d+)?|1(\.0+)?)$/.test(text.trim())) return Number(text.trim());
    ctx.addIssue({ code: 'custom', message: `${name} must be a number from 0 to 1, not "${text}"` });
    return z.NEVER;
  });
}

function hostName(name: string) {
  return z.string().transform((text, ctx) => {
    const host = text.trim();
    if (/^[A-Za-z0-9.:-]+$/.test(host)) return host;
    ctx.addIssue({ code: 'custom', message: host === '' ? `${name} must not be empty` : `${name} must be a host name or IP address, not "${text}"` });
    return z.NEVER;
  });
}

const idList = z.string().transform((text) => text.split(',').map((id) => id.trim()).filter(Boolean));

/** The schema, its messages naming each setting by `name(key)`. */
function settingsSchema(name: (key: SettingKey) => string) {
  return z
    .object({
      port: wholeNumber(name('port'), 0, 65_535),
      host: hostName(name('host')),
      seed: wholeNumber(name('seed'), 0, 2 ** 32 - 1),
      tenants: entryList(name('tenants'), TENANTS),
      aksk: entryList(name('aksk'), ACCESS_KEYS),
      latencyMs: wholeNumber(name('latencyMs'), 0, 60_000),
      errorRate: share(name('errorRate')),
      throttleEvery: wholeNumber(name('throttleEvery'), 0, 1_000_000),
      throttleBurst: wholeNumber(name('throttleBurst'), 0, 1_000_000),
      retryAfterSeconds: wholeNumber(name('retryAfterSeconds'), 0, 3600),
      malformedRate: share(name('malformedRate')),
      failImageIds: idList,
      savingMs: wholeNumber(name('savingMs'), 0, 86_400_000),
    } satisfies Record<SettingKey, z.ZodType>)
    .partial()
    .superRefine(
      // A key for no tenant would list the images of nobody.
      ({ tenants, aksk }, ctx) => {
        const projects = new Set((tenants ?? DEMO_TENANTS).map((t) => t.projectId));
        const whose = tenants ? `the ${name('tenants')} projects` : `the tenants' projects (the demo tenants: ${[...projects].join(', ')})`;
        for (const key of aksk ?? []) {
          if (!projects.has(key.projectId)) {
            ctx.addIssue({ code: 'custom', path: ['aksk'], message: `${name('aksk')}: access key ${key.ak} maps to project ${key.projectId}, which is none of ${whose}` });
          }
        }
      },
      // Once both lists are readable: a bad list is reported on its own, with no guess about the other.
      { when: (payload) => payload.issues.every((issue) => issue.path?.[0] !== 'tenants' && issue.path?.[0] !== 'aksk') },
    );
}

type EmulatorSettings = z.output<ReturnType<typeof settingsSchema>>;

/** Reads the settings given; anything not given is left out, for `startEmulator`'s defaults. */
export function readEmulatorSettings(given: GivenSettings): SettingsOutcome {
  const texts = Object.fromEntries(Object.entries(given).map(([key, setting]) => [key, setting.text]));
  const parsed = settingsSchema((key) => given[key]?.name ?? key).safeParse(texts);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => issue.message) };
  return { ok: true, options: optionsOf(parsed.data) };
}

function optionsOf({ latencyMs, errorRate, throttleEvery, throttleBurst, retryAfterSeconds, malformedRate, failImageIds, ...rest }: EmulatorSettings): ReadOptions {
  const faults = { latencyMs, errorRate, throttleEvery, throttleBurst, retryAfterSeconds, malformedRate, failImageIds } satisfies Record<keyof EmulatorFaults, unknown>;
  return { ...definedOnly(rest), faults: definedOnly(faults) };
}

/** The settings given as flags: parseArgs' values (an empty value is given, e.g. `--fail-image-ids=`). */
export function givenByFlags(values: Readonly<Record<string, string | boolean | undefined>>): GivenSettings {
  return given((key) => {
    const { flag } = SETTINGS[key];
    const text = values[flag];
    return typeof text === 'string' ? { name: `--${flag}`, text } : undefined;
  });
}

/**
 * The settings given as environment variables: EMULATOR_*, after `first` where set (the emulator
 * alone reads PORT before EMULATOR_PORT, and HOST). Empty variables count as unset.
 */
export function givenByVariables(env: Readonly<Record<string, string | undefined>>, first: Partial<Record<SettingKey, string>> = {}): GivenSettings {
  return given((key) => {
    const name = [first[key], SETTINGS[key].variable].find((variable) => variable !== undefined && env[variable] !== undefined && env[variable] !== '');
    return name === undefined ? undefined : { name, text: env[name]! };
  });
}

function given(read: (key: SettingKey) => GivenSetting | undefined): GivenSettings {
  const settings: GivenSettings = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const setting = read(key);
    if (setting) settings[key] = setting;
  }
  return settings;
}

export type EmbeddedEmulatorOptions = ReadOptions & { port: number };

/** The embedded emulator's options from EMULATOR_*: on loopback (HOST is the server's), on EMULATOR_PORT or a free port. */
export function embeddedEmulatorOptions(env: Readonly<Record<string, string | undefined>>): SettingsOutcome<EmbeddedEmulatorOptions> {
  const read = readEmulatorSettings(givenByVariables(env));
  return read.ok ? { ok: true, options: { ...read.options, port: read.options.port ?? DEFAULT_EMULATOR_PORT } } : read;
}

/** startEmulator's check of tenants and access keys however they were made (tests pass objects): the same rules, naming the options. */
export function checkEmulatorOptions({ tenants, aksk }: EmulatorOptions): void {
  const parsed = settingsSchema((key) => key).safeParse({
    tenants: tenants?.map((t) => [t.token, t.projectId]),
    aksk: aksk?.map((k) => [k.ak, k.sk, k.projectId]),
  });
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
}
