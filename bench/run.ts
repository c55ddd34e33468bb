import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureFloor, type FloorResult } from './floor.js';
import { measure, stopLoad, type LoadSettings } from './load.js';
import { killAllNow, rssMB, RssSampler, startNode, stopAll, type Started } from './processes.js';
import { errorChecks, printChecks, summarizeLog, table, targetChecks, type Rss, type ScenarioResult } from './report.js';
import { list500AllQuery, REGION, scenarios, TOKEN } from './scenarios.js';

/**
 * `npm run bench`: throughput of the GraphQL server under load against the REST call(s) it wraps.
 * The emulator and the built server (`dist/`) run as processes of their own on loopback; autocannon
 * loads each scenario's GraphQL request, then its REST counterpart straight at the emulator, each
 * for a warm-up and a measured window at fixed concurrency. Then, in process, the floor: the cost of
 * the layer for one page of 500 against JSON.parse + JSON.stringify of its bytes.
 *
 * Prints a markdown table, writes bench/results.json, and exits 1 when a run had errors or a
 * target is missed (--no-fail: targets are only reported).
 */

const USAGE = `Usage: npm run bench -- [flags]

  --duration <s>      measured seconds per run (default 10)
  --warmup <s>        warm-up seconds before each run (default 3)
  --connections <n>   concurrent connections (default 10)
  --only <names>      only these scenarios (comma-separated; repeatable): list-20, list-500-all, walk, by-id-fanout
  --floor             the in-process floor (alone unless --only names scenarios too)
  --no-fail           report missed targets without exiting 1 (errors still fail the run)
  -h, --help          this text

With neither --only nor --floor, everything runs.
`;

const root = resolve(fileURLToPath(new URL('../..', import.meta.url))); // .bench-dist/bench/ -> the repo

function readFlags() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      only: { type: 'string', multiple: true },
      floor: { type: 'boolean', default: false },
      'no-fail': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const number = (name: string, value: string, min: number): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, not "${value}"`);
    return n;
  };
  const only = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return {
    help: values.help,
    settings: {
      durationS: number('duration', values.duration, 1),
      warmupS: number('warmup', values.warmup, 0),
      connections: Math.round(number('connections', values.connections, 1)),
    } satisfies LoadSettings,
    only,
    floor: values.floor || only.length === 0,
    scenariosToo: only.length > 0 || !values.floor,
    noFail: values['no-fail'],
  };
}

/** Child environments hold only what they need, so that the caller's shell changes nothing. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
}

async function imageIds(emulatorUrl: string): Promise<string[]> {
  const response = await fetch(`${emulatorUrl}/v1/cloudimages/${REGION}?limit=500`, { headers: { 'x-auth-token': TOKEN } });
  const { images } = (await response.json()) as { images: { id: string }[] };
  // Five ids spread over the listing.
  return [0, 1, 2, 3, 4].map((i) => images[Math.floor((i * images.length) / 5)]!.id);
}

function cpuModel(): string {
  return cpus()[0]?.model.trim() ?? 'unknown';
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const flags = readFlags();
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = Date.now();
  const all = ['list-20', 'list-500-all', 'walk', 'by-id-fanout'];
  const unknown = flags.only.filter((name) => !all.includes(name));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; the scenarios are ${all.join(', ')}`);
  const selected = flags.scenariosToo ? (flags.only.length > 0 ? flags.only : all) : [];
  const { settings } = flags;

  say(`bench: node ${process.version}, ${cpuModel()} × ${cpus().length}; ${settings.connections} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s per run`);

  const emulator = await startNode(`${root}/dist/emulator/cli.js`, ['--port', '0', '--host', '127.0.0.1'], cleanEnv({}), /cloudimages emulator listening on (http:\/\/\S+)/);
  let server: Started | undefined;
  let sampler: RssSampler | undefined;
  const results: ScenarioResult[] = [];
  let rss: Rss | undefined;
  let floor: FloorResult | undefined;
  try {
    if (selected.length > 0) {
      server = await startNode(
        `${root}/dist/main.js`,
        [],
        cleanEnv({
          NODE_ENV: 'production',
          CLOUDIMAGES_ENDPOINT: emulator.url,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          INTROSPECTION: 'false',
          // To try V8 settings on the server alone, e.g. BENCH_SERVER_NODE_OPTIONS=--max-semi-space-size=32.
          ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
          // To bench a configuration, e.g. BENCH_SERVER_ENV=CACHE_TTL_MS=5000,REDIS_URL=redis://127.0.0.1:6379.
          ...serverEnv(process.env.BENCH_SERVER_ENV),
        }),
        /GraphQL at (http:\/\/\S+)\/graphql/,
      );
      await delay(1000);
      const baselineMB = rssMB(server.pid);
      sampler = new RssSampler(server.pid, 100);
      const watched = { server: server.pid, emulator: emulator.pid, serverRss: sampler };
      say(`emulator ${emulator.url} (pid ${emulator.pid}), GraphQL ${server.url}/graphql (pid ${server.pid}), server RSS ${baselineMB.toFixed(0)} MB`);

      const ids = await imageIds(emulator.url);
      let peakMB = baselineMB;
      for (const scenario of scenarios({ root, ids }).filter((s) => selected.includes(s.name))) {
        const notes = [await scenario.graphql.check(server.url), await scenario.rest.check(emulator.url)].filter((note): note is string => !!note);
        for (const note of notes) say(`  ${scenario.name}: ${note}`);
        const graphql = await measure(server.url, scenario.graphql, settings, watched);
        say(`  ${scenario.name} GraphQL: ${graphql.rps.toFixed(0)} rps, p50 ${graphql.latencyMs.p50} ms, p99 ${graphql.latencyMs.p99} ms`);
        const rest = await measure(emulator.url, scenario.rest, settings, watched);
        say(`  ${scenario.name} REST:    ${rest.rps.toFixed(0)} rps, p50 ${rest.latencyMs.p50} ms, p99 ${rest.latencyMs.p99} ms`);
        peakMB = Math.max(peakMB, graphql.serverPeakRssMB, rest.serverPeakRssMB);
        results.push({
          name: scenario.name,
          graphql,
          rest,
          restCallsPerGraphql: scenario.restCallsPerGraphql,
          ratio: graphql.rps / (rest.rps / scenario.restCallsPerGraphql),
          target: scenario.target,
          graphqlRequest: scenario.graphql.describe,
          restRequest: scenario.rest.describe,
          notes,
        });
      }
      // An idle pause, so that what the server freed can go before its RSS is read again.
      const afterIdleS = 5;
      await delay(afterIdleS * 1000);
      rss = { baselineMB, peakMB, afterMB: rssMB(server.pid), afterIdleS };
    }
    if (flags.floor) {
      say('  floor: in process, one page of 500 …');
      floor = await measureFloor(emulator.url, TOKEN, list500AllQuery(root));
    }
  } finally {
    sampler?.stop();
    await stopAll();
  }

  const errors = errorChecks(results);
  const targets = targetChecks(results, rss, floor);
  // What the server printed after start-up, less its start-up lines ("Upstream: ..."): its warnings.
  const serverLog = summarizeLog((server?.output ?? []).filter((line) => line.startsWith('{')));
  const totalS = (Date.now() - started) / 1000;

  say('');
  if (results.length > 0) {
    say(table(results));
    say('');
    say(`ratio: GraphQL rps ÷ REST rps, both at ${settings.connections} connections for ${settings.durationS} s after ${settings.warmupS} s of warm-up.`);
    if (results.some((r) => r.restCallsPerGraphql > 1)) {
      say('by-id-fanout: one GraphQL request (20 aliases of 5 ids) does the work of 5 REST by-id calls, so its ratio is GraphQL rps ÷ (REST rps / 5).');
    }
    say('CPU ms/req: user + system time of the GraphQL server process (GraphQL) or of the emulator (REST) over the measured window, per request.');
  }
  if (rss) say(`GraphQL server RSS: ${rss.baselineMB.toFixed(0)} MB after start, ${rss.peakMB.toFixed(0)} MB at peak, ${rss.afterMB.toFixed(0)} MB after ${rss.afterIdleS} s idle at the end.`);
  if (floor) {
    say(
      `floor: layer ${floor.layerMs.toFixed(2)} ms ÷ JSON.parse + JSON.stringify ${floor.floorMs.toFixed(2)} ms = ${floor.ratio.toFixed(2)} ` +
        `(a page of ${(floor.pageBytes / 1e3).toFixed(0)} kB in, ${(floor.responseBytes / 1e3).toFixed(0)} kB of GraphQL out; ${floor.upstreamCalls.length} upstream bodies parsed per execution).`,
    );
  }
  if (serverLog.length > 0) {
    say('\nthe GraphQL server logged at warn or above (requests cut off at the end of a run say the client closed the connection):');
    for (const { count, message } of serverLog) say(`  ${String(count).padStart(5)} × ${message}`);
  }
  say('');
  say(printChecks('errors (any fails the run):', errors));
  say(printChecks(flags.noFail ? 'targets (--no-fail: reported only):' : 'targets:', targets));
  say(`\ntotal ${totalS.toFixed(0)} s`);

  const failed = errors.some((c) => !c.ok) || (!flags.noFail && targets.some((c) => !c.ok));
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { devDependencies: Record<string, string> };
  writeFileSync(
    `${root}/bench/results.json`,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpu: { model: cpuModel(), count: cpus().length },
        autocannon: pkg.devDependencies.autocannon,
        flags: { ...settings, only: flags.only, floor: flags.floor, noFail: flags.noFail },
        totalSeconds: totalS,
        ok: !failed,
        scenarios: results,
        rss,
        floor,
        checks: { errors, targets },
        serverLog,
      },
      null,
      2,
    )}\n`,
  );
  say('results: bench/results.json');
  return failed ? 1 : 0;
}

let interrupted = false;
const interrupt = (signal: NodeJS.Signals): void => {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write(`\nbench: ${signal}, stopping\n`);
  stopLoad();
  void stopAll().finally(() => process.exit(130));
};
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);
process.once('exit', killAllNow);

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await stopAll();
    process.exit(1);
  },
);

/** BENCH_SERVER_ENV: `NAME=value,NAME=value` for the server under test. */
function serverEnv(spec: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of (spec ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new Error(`BENCH_SERVER_ENV must be NAME=value pairs separated by commas, not "${entry}"`);
    env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return env;
}
