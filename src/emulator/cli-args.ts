import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_EMULATOR_HOST } from './options.js';
import { givenByFlags, givenByVariables, readEmulatorSettings, SETTINGS, type ReadOptions } from './settings.js';

/** The flags of `npm run emulator -- <flags>`, over its environment, parsed and checked without side effects. */

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
  --saving-ms <n>            private images saving in the data set finish, one per region and tenant every
                             <n> ms from the start, as active (or killed), 0..86400000 (default 0: they stay saving)
  -h, --help                 this text

Each setting may come from the environment instead, a flag winning over its variable: PORT (else
EMULATOR_PORT) for --port, HOST for --host, and for the others EMULATOR_ and the flag's name in
capitals (EMULATOR_SEED, EMULATOR_TENANTS, EMULATOR_AKSK, EMULATOR_LATENCY_MS, ...), as the
server's embedded emulator reads them.
`;

/** A bad command line or environment: `problems` name the flags and variables; the message lists them all. */
export class EmulatorArgsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0]! : `Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EmulatorArgsError';
  }
}

export type EmulatorCommand = { help: true } | { help: false; options: ReadOptions & { host: string; port: number } };

const FLAGS = {
  ...Object.fromEntries(Object.values(SETTINGS).map(({ flag }) => [flag, { type: 'string' }])),
  help: { type: 'boolean', short: 'h' },
} satisfies NonNullable<ParseArgsConfig['options']>;

/** Hosting platforms say where to listen with PORT (and HOST): read before EMULATOR_PORT. */
const PLATFORM_VARIABLES = { port: 'PORT', host: 'HOST' } as const;

/**
 * Reads the emulator's flags (`process.argv.slice(2)`) over its variables (`process.env`: PORT, HOST,
 * EMULATOR_*); throws EmulatorArgsError naming every bad flag or variable. Only what is given ends
 * up in the options, apart from host and port: the rest stays the emulator's default.
 */
export function parseEmulatorArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): EmulatorCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new EmulatorArgsError([syntaxProblem(argv) ?? (error instanceof Error ? error.message : String(error))]);
  }
  if (values.help) return { help: true };

  const read = readEmulatorSettings({ ...givenByVariables(env, PLATFORM_VARIABLES), ...givenByFlags(values) });
  if (!read.ok) throw new EmulatorArgsError(read.problems);
  return { help: false, options: { ...read.options, host: read.options.host ?? DEFAULT_EMULATOR_HOST, port: read.options.port ?? DEFAULT_CLI_PORT } };
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
