import { parseArgs } from 'node:util';
import { ConfigError, type Config } from '../../src/config/index.js';
import type { Credentials } from '../../src/upstream/client.js';
import { isValidRegion } from '../../src/upstream/wire.js';
import { exitCodeOf, formatReport, runContractCheck } from './compare.js';
import { PROBES } from './probes.js';
import { MAX_CALLS_PER_RUN } from './probes/probe.js';
import { Target, type Answer } from './target.js';

/**
 * `npm run contract-check -- [flags]`, without the process: flags and configuration in, report
 * and exit code out. cli.ts gives it the environment (through loadConfig) and the emulator.
 */

export const DEFAULT_REGION = 'cn-north-4';
export const DEFAULT_DELAY_MS = 250;

export const CONTRACT_CHECK_USAGE = `Usage: npm run contract-check -- [flags]

Runs the same short, read-only script (at most ${MAX_CALLS_PER_RUN} listing calls to each side) against the
real image API and against the emulator, and reports where they differ.

The real side comes from the environment:
  CLOUDIMAGES_ENDPOINT          e.g. https://iecs.myhuaweicloud.com (required)
  CONTRACT_CHECK_TOKEN          an IAM token of the account, sent as X-Auth-Token, or
  HUAWEICLOUD_SDK_AK/SK         an access key pair to sign with (HUAWEICLOUD_SDK_DOMAIN_ID/PROJECT_ID too)
  UPSTREAM_TIMEOUT_MS, UPSTREAM_MAX_ATTEMPTS, UPSTREAM_RETRY_BASE_MS, UPSTREAM_TOTAL_BUDGET_MS as for the server

Flags:
  --region <id>              region to look at (default ${DEFAULT_REGION})
  --delay-ms <n>             pause between two calls to the real side, 0..60000 (default ${DEFAULT_DELAY_MS})
  --against <url>            compare with this endpoint instead of the embedded emulator
  --against-token <token>    the token for --against (required with it)
  -h, --help                 this text

Exit code: 0 nothing differs, 1 something differs or a probe failed, 2 a configuration problem.
`;

/** The emulator to compare against, started by the caller. */
export interface LocalEmulator {
  url: string;
  token: string;
  close(): Promise<void>;
}

export interface ContractCheckIo {
  /** Reads the environment (`loadConfig` of src/config/); may throw ConfigError. */
  loadConfig: () => Config;
  startEmulator: () => Promise<LocalEmulator>;
  /** The report. */
  stdout: (text: string) => void;
  /** Progress and problems. */
  stderr: (text: string) => void;
}

/** A problem with the flags, the environment or a side's reachability: exit code 2. */
class SetupProblem extends Error {}

interface Flags {
  region: string;
  delayMs: number;
  against: { url: string; token: string } | undefined;
  help: boolean;
}

function readFlags(argv: readonly string[]): Flags {
  let values: { region?: string; 'delay-ms'?: string; against?: string; 'against-token'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        region: { type: 'string' },
        'delay-ms': { type: 'string' },
        against: { type: 'string' },
        'against-token': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new SetupProblem(error instanceof Error ? error.message : String(error));
  }
  const problems: string[] = [];
  const region = values.region?.trim() ?? DEFAULT_REGION;
  if (!isValidRegion(region)) problems.push(`--region must be a region id like ${DEFAULT_REGION}, not ${JSON.stringify(values.region)}`);
  let delayMs = DEFAULT_DELAY_MS;
  if (values['delay-ms'] !== undefined) {
    delayMs = /^\d{1,5}$/.test(values['delay-ms'].trim()) ? Number(values['delay-ms'].trim()) : NaN;
    if (!(delayMs <= 60_000)) problems.push(`--delay-ms must be a whole number from 0 to 60000, not ${JSON.stringify(values['delay-ms'])}`);
  }
  let against: Flags['against'];
  if (values.against !== undefined || values['against-token'] !== undefined) {
    const url = values.against?.trim();
    const token = values['against-token']?.trim();
    if (!url) problems.push('--against-token goes with --against <url>');
    else if (!isHttpUrl(url)) problems.push(`--against must be an absolute http(s) URL, not ${JSON.stringify(url)}`);
    if (url && !token) problems.push('--against needs --against-token <token>');
    if (url && token && problems.length === 0) against = { url: url.replace(/\/+$/, ''), token };
  }
  if (problems.length > 0) throw new SetupProblem(problems.join('\n'));
  return { region, delayMs, against, help: values.help ?? false };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** The real side's endpoint and credentials, from the configuration. */
function realSide(config: Config): { endpoint: string; credentials: Credentials } {
  const endpoint = config.upstream.endpoint;
  if (!endpoint) throw new SetupProblem('CLOUDIMAGES_ENDPOINT is not set: point it at the real API, e.g. https://iecs.myhuaweicloud.com');
  const token = config.upstream.contractCheckToken;
  const serverKeys = config.upstream.credentials;
  if (token !== undefined && serverKeys) {
    throw new SetupProblem('Both CONTRACT_CHECK_TOKEN and HUAWEICLOUD_SDK_AK/SK are set: unset one of them');
  }
  if (token !== undefined) return { endpoint, credentials: { token } };
  if (serverKeys) return { endpoint, credentials: serverKeys };
  throw new SetupProblem('No credentials for the real API: set CONTRACT_CHECK_TOKEN (an IAM token) or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK');
}

function describeRefusal(answer: Extract<Answer, { ok: false }>): string {
  return `HTTP ${answer.status ?? '?'}${answer.code ? ` ${answer.code}` : ''}${answer.message ? `: ${answer.message}` : ''}`;
}

/** The first call to a side: a side that cannot list at all is a setup problem, not a difference. */
async function preflight(target: Target): Promise<void> {
  let answer: Answer;
  try {
    ({ answer } = await target.list({}));
  } catch (error) {
    throw new SetupProblem(`Cannot reach ${target.describe()}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!answer.ok) throw new SetupProblem(`${target.describe()} refuses to list images in ${target.region}: ${describeRefusal(answer)}`);
}

/** Runs the whole check; resolves to the exit code (0 same, 1 differs or failed, 2 setup problem). */
export async function contractCheckMain(argv: readonly string[], io: ContractCheckIo): Promise<number> {
  let flags: Flags;
  let config: Config;
  let real: { endpoint: string; credentials: Credentials };
  try {
    flags = readFlags(argv);
    if (flags.help) {
      io.stdout(CONTRACT_CHECK_USAGE);
      return 0;
    }
    config = io.loadConfig();
    real = realSide(config);
  } catch (error) {
    return setupFailed(io, error);
  }

  const { timeoutMs, maxAttempts, retryBaseDelayMs, totalBudgetMs } = config.upstream.client;
  const reference = new Target({
    label: 'real',
    ...real,
    region: flags.region,
    delayMs: flags.delayMs,
    maxCalls: MAX_CALLS_PER_RUN,
    client: { timeoutMs, maxAttempts, retryBaseDelayMs, totalBudgetMs },
  });
  let emulator: LocalEmulator | undefined;
  let checked: Target | undefined;
  try {
    if (flags.against) {
      checked = new Target({ label: 'other', endpoint: flags.against.url, credentials: { token: flags.against.token }, region: flags.region, delayMs: flags.delayMs, maxCalls: MAX_CALLS_PER_RUN });
    } else {
      try {
        emulator = await io.startEmulator();
      } catch (error) {
        throw new SetupProblem(`Cannot start the emulator: ${error instanceof Error ? error.message : String(error)}`);
      }
      checked = new Target({ label: 'emulator', endpoint: emulator.url, credentials: { token: emulator.token }, region: flags.region, delayMs: 0, maxCalls: MAX_CALLS_PER_RUN });
    }
    io.stderr(`contract-check: ${PROBES.length} probes, at most ${MAX_CALLS_PER_RUN} read-only calls to each of ${checked.describe()} and ${reference.describe()}, region ${flags.region}\n`);
    await Promise.all([preflight(checked), preflight(reference)]);
    const report = await runContractCheck(checked, reference);
    io.stdout(formatReport(report, { maxCalls: MAX_CALLS_PER_RUN }));
    return exitCodeOf(report);
  } catch (error) {
    return setupFailed(io, error);
  } finally {
    await reference.close();
    await checked?.close();
    await emulator?.close();
  }
}

function setupFailed(io: ContractCheckIo, error: unknown): number {
  if (error instanceof SetupProblem) {
    io.stderr(`contract-check: ${error.message}\nnpm run contract-check -- --help explains the settings.\n`);
    return 2;
  }
  if (error instanceof ConfigError) {
    const lines = [error.message];
    io.stderr(`${lines.join('\n')}\n`);
    return 2;
  }
  throw error;
}
