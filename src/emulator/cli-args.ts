import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_EMULATOR_HOST, DEMO_TENANTS, definedOnly, type AccessKey, type EmulatorFaults, type EmulatorOptions, type Tenant } from './options.js';

/** The flags of `npm run emulator -- <flags>`, parsed and checked without side effects. */

/** The port of the emulator run on its own (the embedded one takes a free port). */
export const DEFAULT_CLI_PORT = 8090;

export const EMULATOR_USAGE = `Usage: npm run emulator -- [flags]

The upstream image API emulator alone, on loopback, for curl and frontend work.

  --port <n>                 port to listen on, 0..65535 (default ${DEFAULT_CLI_PORT}; 0 picks a free one)
  --host <address>           address to listen on (default ${DEFAULT_EMULATOR_HOST})
  --seed <n>                 seed of the data set, 0..4294967295 (default: the documented demo data)
  --tenants <t:p,...>        token:projectId pairs replacing the demo tenants
  --aksk <ak:sk:p,...>       access keys for AK/SK-signed requests (SDK-HMAC-SHA256), each mapped to a
                             tenant's project, replacing the demo key (default: the demo key with the demo tenants)
  --latency-ms <n>           milliseconds added to every answer, 0..60000 (default 0)
  --error-rate <r>           share 0..1 of calls answered 500 or 503 (default 0)
  --throttle-every <n>       calls let through between bursts of 429s, 0..1000000 (default 0)
  --throttle-burst <n>       calls per burst answered 429 APIGW.0308, 0..1000000 (default 0: off)
  --retry-after-s <n>        Retry-After of those 429s, 0..3600 (default 2)
  --malformed-rate <r>       share 0..1 of 200 answers whose JSON is cut short (default 0)
  --fail-image-ids <a,b>     image ids whose ?id= lookups always answer 500
  -h, --help                 this text
`;

/** A bad command line: `problems` name the flags; the message lists them all. */
export class EmulatorArgsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `Invalid flags:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EmulatorArgsError';
  }
}

export type EmulatorCommand =
  | { help: true }
  | { help: false; options: EmulatorOptions & { host: string; port: number; faults: Partial<EmulatorFaults> } };

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  seed: { type: 'string' },
  tenants: { type: 'string' },
  aksk: { type: 'string' },
  'latency-ms': { type: 'string' },
  'error-rate': { type: 'string' },
  'throttle-every': { type: 'string' },
  'throttle-burst': { type: 'string' },
  'retry-after-s': { type: 'string' },
  'malformed-rate': { type: 'string' },
  'fail-image-ids': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

type Flag = Exclude<keyof typeof FLAGS, 'help'>;

/**
 * Reads the emulator's flags (`process.argv.slice(2)`); throws EmulatorArgsError naming every bad
 * flag. Only what is given ends up in the options, apart from host and port: the rest stays the
 * emulator's default.
 */
export function parseEmulatorArgs(argv: readonly string[]): EmulatorCommand {
  let values: Partial<Record<Flag, string>> & { help?: boolean };
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new EmulatorArgsError([syntaxProblem(argv) ?? (error instanceof Error ? error.message : String(error))]);
  }
  if (values.help) return { help: true };

  const problems: string[] = [];
  const check = <T>(flag: Flag, read: (value: string, flag: string) => T): T | undefined => {
    const value = values[flag];
    if (value === undefined) return undefined;
    try {
      return read(value, `--${flag}`);
    } catch (error) {
      if (!(error instanceof FlagProblem)) throw error;
      problems.push(error.message);
      return undefined;
    }
  };

  const port = check('port', wholeNumber(0, 65535));
  const host = check('host', readHost);
  const seed = check('seed', wholeNumber(0, 2 ** 32 - 1));
  const tenants = check('tenants', readTenants);
  const aksk = check('aksk', readAccessKeys(tenants ?? (values.tenants === undefined ? DEMO_TENANTS : undefined)));
  const faults = definedOnly({
    latencyMs: check('latency-ms', wholeNumber(0, 60_000)),
    errorRate: check('error-rate', readRate),
    throttleEvery: check('throttle-every', wholeNumber(0, 1_000_000)),
    throttleBurst: check('throttle-burst', wholeNumber(0, 1_000_000)),
    retryAfterSeconds: check('retry-after-s', wholeNumber(0, 3600)),
    malformedRate: check('malformed-rate', readRate),
    failImageIds: check('fail-image-ids', readList),
  } satisfies { [K in keyof EmulatorFaults]: EmulatorFaults[K] | undefined });
  if (problems.length > 0) throw new EmulatorArgsError(problems);

  return {
    help: false,
    options: {
      host: host ?? DEFAULT_EMULATOR_HOST,
      port: port ?? DEFAULT_CLI_PORT,
      ...(seed !== undefined && { seed }),
      ...(tenants !== undefined && { tenants }),
      ...(aksk !== undefined && { aksk }),
      faults,
    },
  };
}

/** What is wrong with the command line's shape, in words naming the flag (parseArgs' own are terse). */
function syntaxProblem(argv: readonly string[]): string | undefined {
  let tokens;
  try {
    ({ tokens } = parseArgs({ args: [...argv], options: FLAGS, strict: false, allowPositionals: true, tokens: true }));
  } catch {
    return undefined;
  }
  for (const token of tokens) {
    if (token.kind === 'positional') return `unexpected argument "${token.value}": every setting is a flag, e.g. --port ${DEFAULT_CLI_PORT} (see --help)`;
    if (token.kind !== 'option') continue;
    const spec = (FLAGS as Record<string, { type: 'string' | 'boolean' }>)[token.name];
    if (!spec) return `unknown flag ${token.rawName} (see --help)`;
    if (spec.type === 'boolean' && token.value !== undefined) return `${token.rawName} takes no value`;
    if (spec.type === 'string' && token.value === undefined) return `${token.rawName} needs a value`;
    if (spec.type === 'string' && !token.inlineValue && token.value?.startsWith('-')) {
      return `${token.rawName} needs a value, not "${token.value}" (write ${token.rawName}=${token.value} if that is the value)`;
    }
  }
  return undefined;
}

/** One flag's bad value; collected, so that every problem is reported at once. */
class FlagProblem extends Error {}

function wholeNumber(min: number, max: number): (value: string, flag: string) => number {
  return (value, flag) => {
    const trimmed = value.trim();
    const n = Number(trimmed);
    if (/^\d+$/.test(trimmed) && n >= min && n <= max) return n;
    throw new FlagProblem(`${flag} must be a whole number from ${min} to ${max}, not "${value}"`);
  };
}

function readRate(value: string, flag: string): number {
  const trimmed = value.trim();
  if (/^(0(\.\d+)?|1(\.0+)?)$/.test(trimmed)) return Number(trimmed);
  throw new FlagProblem(`${flag} must be a number from 0 to 1, not "${value}"`);
}

function readHost(value: string, flag: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new FlagProblem(`${flag} must not be empty`);
  if (/^[A-Za-z0-9.:-]+$/.test(trimmed)) return trimmed;
  throw new FlagProblem(`${flag} must be a host name or IP address, not "${value}"`);
}

function readList(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

/** `token:projectId,token:projectId` (spaces around entries and empty entries ignored), as EMULATOR_TENANTS is read for the embedded emulator. */
function readTenants(value: string, flag: string): Tenant[] {
  const list: Tenant[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^([^:\s]+):([0-9A-Za-z_-]+)$/.exec(entry);
    if (!match) throw new FlagProblem(`${flag} must be token:projectId pairs separated by commas, not "${entry}"`);
    list.push({ token: match[1]!, projectId: match[2]! });
  }
  if (list.length === 0) throw new FlagProblem(`${flag} must name at least one token:projectId pair`);
  if (new Set(list.map((t) => t.token)).size !== list.length) throw new FlagProblem(`${flag} must not repeat a token`);
  return list;
}

/**
 * `ak:sk:projectId,...` (spaces around entries and empty entries ignored), as EMULATOR_AKSK is read
 * for the embedded emulator; each project must be one of `tenants` (the --tenants given, else the
 * demo tenants; not checked when --tenants itself is bad).
 */
function readAccessKeys(tenants: readonly Tenant[] | undefined): (value: string, flag: string) => AccessKey[] {
  return (value, flag) => {
    const list: AccessKey[] = [];
    for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
      const match = /^([^:\s]+):([^:\s]+):([0-9A-Za-z_-]+)$/.exec(entry);
      // The entry holds an SK: the message shows its access key at most, never the entry.
      if (!match) throw new FlagProblem(`${flag} must be ak:sk:projectId triples separated by commas (entry ${list.length + 1} is not)`);
      list.push({ ak: match[1]!, sk: match[2]!, projectId: match[3]! });
    }
    if (list.length === 0) throw new FlagProblem(`${flag} must name at least one ak:sk:projectId triple`);
    if (new Set(list.map((k) => k.ak)).size !== list.length) throw new FlagProblem(`${flag} must not repeat an access key`);
    const projects = new Set(tenants?.map((t) => t.projectId));
    const stray = tenants === undefined ? undefined : list.find((k) => !projects.has(k.projectId));
    if (stray) {
      throw new FlagProblem(`${flag}: access key ${stray.ak} maps to project ${stray.projectId}, which is none of the tenants' projects (${[...projects].join(', ')})`);
    }
    return list;
  };
}
