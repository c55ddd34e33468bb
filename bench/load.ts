import autocannon from 'autocannon';
import { setTimeout as delay } from 'node:timers/promises';
import { cpuMs, type RssSampler } from './processes.js';
import type { Side } from './scenarios.js';

/**
 * One side of a scenario under load: autocannon for a warm-up, then measured windows, which the
 * benchmark interleaves with the other sides' (round after round) and combines by their medians.
 */

export interface LoadSettings {
  connections: number;
  /** One measured window. */
  durationS: number;
  warmupS: number;
  /** Measured windows per side, interleaved with the other sides of the scenario. */
  rounds: number;
}

export interface Watched {
  /** The processes whose CPU time is read over the measured window, by role (e.g. server, upstream). */
  cpu: Record<string, number>;
  /** Samples the RSS of the process under load. */
  rss: RssSampler;
}

export interface SideResult {
  requests: number;
  durationS: number;
  rps: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number };
  /** Connection errors (timeouts included), non-2xx answers, bodies failing the side's check; warm-up included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  /** CPU ms per request of each watched process (by role) and of the load generator, over the measured window. */
  cpuMsPerRequest: Record<string, number>;
  /** Highest RSS of the process under load, warm-up and measured window, MB. */
  peakRssMB: number;
}

let current: autocannon.Instance | undefined;

/** Stops the load run in progress, if any (SIGINT). */
export function stopLoad(): void {
  current?.stop();
}

function run(url: string, side: Side, connections: number, durationS: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    current = autocannon({ url, connections, duration: durationS, ...side.load }, (error: unknown, result: autocannon.Result) => {
      current = undefined;
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(result);
    });
  });
}

/** One side's warm-up: load for `warmupS`, then a pause so that requests cut off by its end finish outside any measured window. */
export async function warmUp(url: string, side: Side, settings: LoadSettings): Promise<autocannon.Result | undefined> {
  if (settings.warmupS <= 0) return undefined;
  const result = await run(url, side, settings.connections, settings.warmupS);
  await delay(250);
  return result;
}

/** One measured window of one side. */
export async function measure(url: string, side: Side, settings: LoadSettings, watched: Watched): Promise<SideResult> {
  watched.rss.reset();
  const roles = Object.entries(watched.cpu);
  const before = roles.map(([, pid]) => cpuMs(pid));
  const loadGenerator = process.cpuUsage();
  const result = await run(url, side, settings.connections, settings.durationS);
  const used = roles.map(([, pid], i) => cpuMs(pid) - before[i]!);
  const ownCpu = process.cpuUsage(loadGenerator);
  // Requests cut off by the end of the window finish before the next one starts.
  await delay(250);

  const requests = result.requests.total;
  const perRequest = (ms: number): number => (requests > 0 ? ms / requests : NaN);
  return {
    requests,
    durationS: result.duration,
    rps: requests / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.mean, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    cpuMsPerRequest: {
      ...Object.fromEntries(roles.map(([role], i) => [role, perRequest(used[i]!)])),
      loadGenerator: perRequest((ownCpu.user + ownCpu.system) / 1000),
    },
    peakRssMB: watched.rss.peak(),
  };
}

const median = (values: number[]): number => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * A side's rounds as one result: medians of rps, latencies and CPU per request (a slow moment of a
 * shared machine moves one round, not the figure), totals of requests and failures (the warm-up's
 * failures included), the highest RSS.
 */
export function combine(rounds: SideResult[], warmup: autocannon.Result | undefined): SideResult & { rounds: number[] } {
  const pick = (f: (r: SideResult) => number): number => median(rounds.map(f));
  const roles = Object.keys(rounds[0]?.cpuMsPerRequest ?? {});
  const count = (f: (r: SideResult) => number, w: (r: autocannon.Result) => number): number => rounds.reduce((sum, r) => sum + f(r), 0) + (warmup ? w(warmup) : 0);
  return {
    requests: rounds.reduce((sum, r) => sum + r.requests, 0),
    durationS: rounds.reduce((sum, r) => sum + r.durationS, 0),
    rps: pick((r) => r.rps),
    rounds: rounds.map((r) => r.rps),
    latencyMs: { p50: pick((r) => r.latencyMs.p50), p99: pick((r) => r.latencyMs.p99), mean: pick((r) => r.latencyMs.mean), max: Math.max(...rounds.map((r) => r.latencyMs.max)) },
    errors: count((r) => r.errors, (w) => w.errors),
    timeouts: count((r) => r.timeouts, (w) => w.timeouts),
    non2xx: count((r) => r.non2xx, (w) => w.non2xx),
    mismatches: count((r) => r.mismatches, (w) => w.mismatches),
    cpuMsPerRequest: Object.fromEntries(roles.map((role) => [role, pick((r) => r.cpuMsPerRequest[role] ?? NaN)])),
    peakRssMB: Math.max(...rounds.map((r) => r.peakRssMB)),
  };
}
