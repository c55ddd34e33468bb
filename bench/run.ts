import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { measureFloor, type FloorResult } from './floor.js';
import { combine, measure, stopLoad, warmUp, type LoadSettings, type SideResult } from './load.js';
import { attribute, attributionTable, readProfile } from './profile.js';
import { killAllNow, rssMB, RssSampler, startNode, stopAll, type Started } from './processes.js';
import { costTable, emulatorTable, errorChecks, printChecks, summarizeLog, targetChecks, throughputTable, type Rss, type ScenarioResult } from './report.js';
import { list500AllQuery, REGION, scenarios, TOKEN, type Side } from './scenarios.js';

/**
 * `npm run bench`: what the GraphQL layer costs under load, against the REST call(s) it wraps and
 * against a generic gateway over the same upstream. Every party is a process of its own on loopback:
 * - the emulator, the source of every answer;
 * - the canned upstream (bench/canned-upstream.ts): the emulator's answers recorded once and
 *   replayed from memory, the cheapest REST answer this machine can give: the headline baseline;
 * - this server, built, as `npm start` runs it in production (NODE_ENV=production, logs at info
 *   to a file, metrics on), once over the canned upstream and once over the emulator;
 * - GraphQL Mesh serving the upstream's OpenAPI description (bench/mesh/) over the canned upstream;
 * - the pass-through (bench/pass-through.ts): REST call, JSON.parse, JSON.stringify, nothing else.
 * autocannon loads each side of each scenario for a warm-up and a measured window at fixed
 * concurrency. Then, in process, the floor: the layer's cost for one page of 500 against
 * JSON.parse + JSON.stringify of its bytes.
 *
 * Prints markdown tables, writes bench/results.json, and exits 1 when a run had errors or a target
 * is missed (--no-fail: targets are only reported).
 */

const execFileAsync = promisify(execFile);

const SIDES = ['mesh', 'pass-through', 'emulator'] as const;
type OptionalSide = (typeof SIDES)[number];

const USAGE = `Usage: npm run bench -- [flags]

  --duration <s>      seconds of one measured window (default 3)
  --rounds <n>        measured windows per side, interleaved with the scenario's other sides (default 3)
  --warmup <s>        warm-up seconds of each side, before its first window (default 2)
  --connections <n>   concurrent connections (default 10)
  --only <names>      only these scenarios (comma-separated; repeatable): list-20, list-500-all, walk, by-id-fanout
  --skip <sides>      leave out these comparisons (comma-separated): ${SIDES.join(', ')}
  --profile           run the server with --cpu-prof and print where its CPU went, per request
                      (best with one scenario: --only list-20 --skip mesh,pass-through,emulator)
  --floor             the in-process floor (alone unless --only names scenarios too)
  --no-fail           report missed targets without exiting 1 (errors still fail the run)
  -h, --help          this text

With neither --only nor --floor, everything runs (about 5 minutes).
`;

const root = resolve(fileURLToPath(new URL('../..', import.meta.url))); // .bench-dist/bench/ -> the repo

function readFlags() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '10' },
      only: { type: 'string', multiple: true },
      skip: { type: 'string', multiple: true },
      floor: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'no-fail': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const number = (name: string, value: string, min: number): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, not "${value}"`);
    return n;
  };
  const list = (values: string[] | undefined): string[] => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const only = list(values.only);
  const skip = list(values.skip);
  const unknownSide = skip.filter((side) => !(SIDES as readonly string[]).includes(side));
  if (unknownSide.length > 0) throw new Error(`--skip takes ${SIDES.join(', ')}, not ${unknownSide.join(', ')}`);
  return {
    help: values.help,
    settings: {
      durationS: number('duration', values.duration, 1),
      warmupS: number('warmup', values.warmup, 0),
      connections: Math.round(number('connections', values.connections, 1)),
      rounds: Math.round(number('rounds', values.rounds, 1)),
    } satisfies LoadSettings,
    only,
    skip: new Set(skip as OptionalSide[]),
    floor: values.floor || only.length === 0,
    profile: values.profile,
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

/** A free loopback port, for Mesh (which takes 0 to mean its default, 4000). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

function cpuModel(): string {
  return cpus()[0]?.model.trim() ?? 'unknown';
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** The server as `npm start` runs it in production: logs at info (to a file), metrics on (their default). */
function startServer(endpoint: string, logFile: string, profileDir?: string): Promise<Started> {
  const nodeOptions = process.env.BENCH_SERVER_NODE_OPTIONS;
  return startNode(`${root}/dist/main.js`, [], {
    nodeArgs: profileDir ? ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${profileDir}`] : [],
    env: cleanEnv({
      NODE_ENV: 'production',
      CLOUDIMAGES_ENDPOINT: endpoint,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // To try V8 settings on the server alone, e.g. BENCH_SERVER_NODE_OPTIONS=--max-semi-space-size=32.
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      // To bench a configuration, e.g. BENCH_SERVER_ENV=CACHE_TTL_MS=5000,REDIS_URL=redis://127.0.0.1:6379.
      ...serverEnv(process.env.BENCH_SERVER_ENV),
    }),
    ready: /GraphQL at (http:\/\/\S+)\/graphql/,
    logFile,
  });
}

/** GraphQL Mesh over `upstream`: `mesh build`, then `mesh start` (bench/mesh/.meshrc.yaml). */
async function startMesh(upstream: string, logFile: string): Promise<Started> {
  const cli = `${root}/node_modules/@graphql-mesh/cli/cjs/bin.js`;
  const cwd = `${root}/bench/mesh`;
  const env = cleanEnv({ UPSTREAM: upstream, NODE_ENV: 'production' });
  await execFileAsync(process.execPath, [cli, 'build'], { env, cwd }).catch((error: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(`mesh build failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  });
  const port = await freePort();
  return startNode(cli, ['start'], { env: { ...env, PORT: String(port) }, cwd, ready: /Serving GraphQL Mesh: (http:\/\/\S+)/, logFile });
}

async function cannedStats(url: string): Promise<{ passedOn: number }> {
  return (await (await fetch(`${url}/__canned`)).json()) as { passedOn: number };
}

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
  const { settings, skip } = flags;
  const logs = mkdtempSync(join(tmpdir(), 'cloudimages-bench-'));

  say(`bench: node ${process.version}, ${cpuModel()} × ${cpus().length}; ${settings.connections} connections, ${settings.warmupS} s warm-up, then ${settings.rounds} rounds of ${settings.durationS} s per side`);

  const emulator = await startNode(`${root}/dist/emulator/cli.js`, ['--port', '0', '--host', '127.0.0.1'], {
    env: cleanEnv({}),
    ready: /cloudimages emulator listening on (http:\/\/\S+)/,
  });
  let server: Started | undefined;
  let serverOnEmulator: Started | undefined;
  let wholeRun: RssSampler | undefined;
  const results: ScenarioResult[] = [];
  let rss: Rss | undefined;
  let floor: FloorResult | undefined;
  let cannedPassedOn = 0;
  try {
    if (selected.length > 0) {
      const canned = await startNode(`${root}/.bench-dist/bench/canned-upstream.js`, ['--source', emulator.url], {
        env: cleanEnv({}),
        ready: /canned upstream listening on (http:\/\/\S+)/,
      });
      server = await startServer(canned.url, join(logs, 'server.log'), flags.profile ? join(logs, 'profile') : undefined);
      serverOnEmulator = skip.has('emulator') ? undefined : await startServer(emulator.url, join(logs, 'server-on-emulator.log'));
      const mesh = skip.has('mesh') ? undefined : await startMesh(canned.url, join(logs, 'mesh.log'));
      const passThrough = skip.has('pass-through')
        ? undefined
        : await startNode(`${root}/.bench-dist/bench/pass-through.js`, ['--upstream', canned.url], { env: cleanEnv({}), ready: /pass-through listening on (http:\/\/\S+)/ });
      await delay(1000);
      const baselineMB = rssMB(server.pid);
      wholeRun = new RssSampler(server.pid, 100);
      say(`emulator ${emulator.url}, canned upstream ${canned.url}, GraphQL ${server.url}/graphql (RSS ${baselineMB.toFixed(0)} MB)${mesh ? `, Mesh ${mesh.url}/graphql` : ''}`);
      say(`logs: ${logs}`);

      const samplers = new Map<number, RssSampler>();
      const sampler = (pid: number): RssSampler => samplers.get(pid) ?? samplers.set(pid, new RssSampler(pid, 100)).get(pid)!;
      /** A process answering a side's requests, and the upstream it calls (none: it is the upstream). */
      interface Party {
        label: string;
        target: Started;
        side: Side;
        upstream?: Started;
      }
      /**
       * Each party warmed up, then measured round after round, the parties taking turns within a
       * round, so that whatever slows the machine for a while slows all of them alike.
       */
      const runRounds = async (parties: Party[]): Promise<(SideResult & { rounds: number[] })[]> => {
        const warm: Awaited<ReturnType<typeof warmUp>>[] = [];
        for (const { target, side } of parties) warm.push(await warmUp(target.url, side, settings));
        const windows: SideResult[][] = parties.map(() => []);
        for (let round = 0; round < settings.rounds; round++) {
          for (const [i, { target, side, upstream }] of parties.entries()) {
            const cpu: Record<string, number> = upstream ? { layer: target.pid, upstream: upstream.pid } : { upstream: target.pid };
            windows[i]!.push(await measure(target.url, side, settings, { cpu, rss: sampler(target.pid) }));
          }
        }
        return parties.map(({ label }, i) => {
          const result = combine(windows[i]!, warm[i]);
          say(`  ${label.padEnd(28)} ${result.rps.toFixed(0).padStart(6)} rps (rounds ${result.rounds.map((rps) => rps.toFixed(0)).join(', ')}), p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`);
          return result;
        });
      };
      /** The median over rounds of a ratio of two parties measured side by side. */
      const pairedRatio = (a: { rounds: number[] }, b: { rounds: number[] }, divisor = 1): number => {
        const ratios = a.rounds.map((rps, i) => rps / ((b.rounds[i] ?? NaN) / divisor)).sort((x, y) => x - y);
        const mid = Math.floor(ratios.length / 2);
        return ratios.length % 2 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
      };

      const ids = await imageIds(emulator.url);
      for (const scenario of scenarios({ root, ids }).filter((s) => selected.includes(s.name))) {
        // The checks also record, in the canned upstream, every URL the load will ask for.
        const notes = [
          await scenario.graphql.check(server.url),
          await scenario.rest.check(canned.url),
          serverOnEmulator && (await scenario.graphql.check(serverOnEmulator.url)),
          mesh && (await scenario.mesh.check(mesh.url)),
          passThrough && (await scenario.passThrough?.check(passThrough.url)),
        ].filter((note): note is string => !!note);
        for (const note of notes) say(`  ${scenario.name}: ${note}`);
        const before = (await cannedStats(canned.url)).passedOn;
        const parties: Party[] = [
          { label: `${scenario.name} GraphQL`, target: server, side: scenario.graphql, upstream: canned },
          { label: `${scenario.name} REST`, target: canned, side: scenario.rest },
          ...(mesh ? [{ label: `${scenario.name} Mesh`, target: mesh, side: scenario.mesh, upstream: canned }] : []),
          ...(passThrough && scenario.passThrough ? [{ label: `${scenario.name} pass-through`, target: passThrough, side: scenario.passThrough, upstream: canned }] : []),
        ];
        const measured = await runRounds(parties);
        const resultOf = (target: Started | undefined) => (target ? measured[parties.findIndex((party) => party.target === target)] : undefined);
        const graphql = resultOf(server)!;
        const rest = resultOf(canned)!;
        const meshResult = resultOf(mesh);
        const passThroughResult = resultOf(passThrough);
        cannedPassedOn += (await cannedStats(canned.url)).passedOn - before;
        const onEmulator = serverOnEmulator
          ? await runRounds([
              { label: `${scenario.name} GraphQL (emulator)`, target: serverOnEmulator, side: scenario.graphql, upstream: emulator },
              { label: `${scenario.name} REST (emulator)`, target: emulator, side: scenario.rest },
            ])
          : undefined;
        const calls = scenario.restCallsPerGraphql;
        results.push({
          name: scenario.name,
          graphql,
          rest,
          mesh: meshResult,
          passThrough: passThroughResult,
          emulator: onEmulator && { graphql: onEmulator[0]!, rest: onEmulator[1]! },
          restCallsPerGraphql: calls,
          ratios: {
            rest: pairedRatio(graphql, rest, calls),
            mesh: meshResult && pairedRatio(graphql, meshResult),
            passThrough: passThroughResult && pairedRatio(passThroughResult, rest, calls),
            emulator: onEmulator && pairedRatio(onEmulator[0]!, onEmulator[1]!, calls),
          },
          targets: scenario.targets,
          requests: { graphql: scenario.graphql.describe, rest: scenario.rest.describe, mesh: scenario.mesh.describe, passThrough: scenario.passThrough?.describe },
          notes,
        });
      }
      for (const s of samplers.values()) s.stop();
      // An idle pause, so that what the server freed can go before its RSS is read again.
      const afterIdleS = 5;
      await delay(afterIdleS * 1000);
      rss = { baselineMB, peakMB: wholeRun.peak(), afterMB: rssMB(server.pid), afterIdleS };
    }
    if (flags.floor) {
      say('  floor: in process, one page of 500 …');
      floor = await measureFloor(emulator.url, TOKEN, list500AllQuery(root));
    }
  } finally {
    wholeRun?.stop();
    await stopAll();
  }

  const errors = results.length > 0 ? errorChecks(results, cannedPassedOn) : [];
  const targets = targetChecks(results, rss, floor);
  // What the servers logged at warn and above.
  const serverLog = summarizeLog([server, serverOnEmulator].flatMap((s) => (s?.logFile ? readFileSync(s.logFile, 'utf8').split('\n') : [])).filter((line) => line.startsWith('{')));
  const totalS = (Date.now() - started) / 1000;
  // The access log has a line per request the server answered.
  let attribution: ReturnType<typeof attribute> | undefined;
  if (flags.profile && server?.logFile) {
    try {
      attribution = attribute(readProfile(join(logs, 'profile')), readFileSync(server.logFile, 'utf8').split('\n').filter((line) => line.includes('"msg":"request"')).length);
    } catch (error) {
      // A server that had to be killed wrote no profile: the run's figures still stand.
      say(`--profile: no attribution (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  say('');
  if (results.length > 0) {
    say(
      `Against the canned upstream (the headline baseline), ${settings.connections} connections; each side warmed up ${settings.warmupS} s, then measured ${settings.rounds} × ${settings.durationS} s, the sides of a scenario taking turns; medians of the rounds:\n`,
    );
    say(throughputTable(results));
    say('');
    say(costTable(results));
    const second = emulatorTable(results);
    if (second) say(`\nAgainst the emulator (the second baseline: an upstream that filters, sorts and builds each page):\n\n${second}`);
    say('');
    say('GraphQL ÷ REST, ÷ Mesh: the median over rounds of the two rps measured side by side; by-id-fanout does the work of 5 REST by-id calls, so its REST rps is divided by 5.');
    say('pass-through: REST call, JSON.parse, JSON.stringify and nothing else (bench/pass-through.ts): the ceiling for any layer on this machine.');
    say('CPU ms/req: user + system time per request of the process answering (GraphQL server, Mesh, pass-through), or of the upstream answering REST.');
  }
  if (rss) say(`GraphQL server RSS: ${rss.baselineMB.toFixed(0)} MB after start, ${rss.peakMB.toFixed(0)} MB at peak, ${rss.afterMB.toFixed(0)} MB after ${rss.afterIdleS} s idle at the end.`);
  if (floor) {
    say(
      `floor: layer ${floor.layerMs.toFixed(2)} ms ÷ JSON.parse + JSON.stringify ${floor.floorMs.toFixed(2)} ms = ${floor.ratio.toFixed(2)} ` +
        `(a page of ${(floor.pageBytes / 1e3).toFixed(0)} kB in, ${(floor.responseBytes / 1e3).toFixed(0)} kB of GraphQL out; ${floor.upstreamCalls.length} upstream bodies parsed per execution).`,
    );
  }
  if (attribution) say(`\nWhere the GraphQL server's CPU went (--profile, over the canned upstream; checks and warm-ups included):\n\n${attributionTable(attribution)}`);
  if (serverLog.length > 0) {
    say('\nthe GraphQL servers logged at warn or above (requests cut off at the end of a run say the client closed the connection):');
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
        versions: { autocannon: pkg.devDependencies.autocannon, mesh: pkg.devDependencies['@graphql-mesh/cli'], meshOpenapi: pkg.devDependencies['@graphql-mesh/openapi'] },
        flags: { ...settings, only: flags.only, skip: [...skip], floor: flags.floor, noFail: flags.noFail },
        totalSeconds: totalS,
        ok: !failed,
        scenarios: results,
        rss,
        floor,
        checks: { errors, targets },
        serverLog,
        attribution,
      },
      null,
      2,
    )}\n`,
  );
  say('results: bench/results.json');
  rmSync(logs, { recursive: true, force: true });
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
