import autocannon from 'autocannon';
import { setTimeout as delay } from 'node:timers/promises';
import { cpuMs, type RssSampler } from './processes.js';
import type { Side } from './scenarios.js';

/** One side of a scenario under load: autocannon for a warm-up, then for the measured window. */

export interface LoadSettings {
  connections: number;
  durationS: number;
  warmupS: number;
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

export async function measure(url: string, side: Side, settings: LoadSettings, watched: Watched): Promise<SideResult> {
  watched.rss.reset();
  const warmup = settings.warmupS > 0 ? await run(url, side, settings.connections, settings.warmupS) : undefined;
  // Let the requests cut off by the end of the warm-up finish outside the measured window.
  await delay(250);

  const roles = Object.entries(watched.cpu);
  const before = roles.map(([, pid]) => cpuMs(pid));
  const loadGenerator = process.cpuUsage();
  const result = await run(url, side, settings.connections, settings.durationS);
  const used = roles.map(([, pid], i) => cpuMs(pid) - before[i]!);
  const ownCpu = process.cpuUsage(loadGenerator);

  const requests = result.requests.total;
  const perRequest = (ms: number): number => (requests > 0 ? ms / requests : NaN);
  const sum = (pick: (r: autocannon.Result) => number): number => pick(result) + (warmup ? pick(warmup) : 0);
  return {
    requests,
    durationS: result.duration,
    rps: requests / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.mean, max: result.latency.max },
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    mismatches: sum((r) => r.mismatches),
    cpuMsPerRequest: {
      ...Object.fromEntries(roles.map(([role], i) => [role, perRequest(used[i]!)])),
      loadGenerator: perRequest((ownCpu.user + ownCpu.system) / 1000),
    },
    peakRssMB: watched.rss.peak(),
  };
}
