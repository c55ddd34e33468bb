import type { FloorResult } from './floor.js';
import type { SideResult } from './load.js';

/** The printed markdown table and the target checks. */

export interface ScenarioResult {
  name: string;
  graphql: SideResult;
  rest: SideResult;
  restCallsPerGraphql: number;
  /** GraphQL rps ÷ (REST rps / restCallsPerGraphql). */
  ratio: number;
  target: number | undefined;
  graphqlRequest: string;
  restRequest: string;
  /** What the checks before the load saw (e.g. the walk's length). */
  notes: string[];
}

export interface Rss {
  /** After start-up, before any load. */
  baselineMB: number;
  /** Highest during the load runs. */
  peakMB: number;
  /** After the load and an idle pause. */
  afterMB: number;
  afterIdleS: number;
}

export interface Check {
  what: string;
  value: number;
  target: string;
  ok: boolean;
}

export const RSS_LIMIT_MB = 250;
export const FLOOR_TARGET = 3;

const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');

export function table(results: ScenarioResult[]): string {
  const lines = [
    '| scenario | GraphQL rps | REST rps | ratio | target | p50 / p99 GraphQL (ms) | CPU ms/req GraphQL | CPU ms/req REST (emulator) | peak RSS (MB) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const perCall = r.restCallsPerGraphql > 1 ? ` (${r.restCallsPerGraphql} calls)` : '';
    lines.push(
      `| ${r.name} | ${fixed(r.graphql.rps, 0)} | ${fixed(r.rest.rps, 0)}${perCall} | ${fixed(r.ratio, 2)} | ${r.target === undefined ? '—' : `≥ ${r.target}`} | ` +
        `${fixed(r.graphql.latencyMs.p50, 0)} / ${fixed(r.graphql.latencyMs.p99, 0)} | ${fixed(r.graphql.cpuMsPerRequest.server, 2)} | ` +
        `${fixed(r.rest.cpuMsPerRequest.emulator, 2)} | ${fixed(r.graphql.serverPeakRssMB, 0)} |`,
    );
  }
  return lines.join('\n');
}

/** Errors of any kind in any run: the figures of such a run mean nothing, so these always fail it. */
export function errorChecks(results: ScenarioResult[]): Check[] {
  return results.flatMap((r) =>
    (['graphql', 'rest'] as const).map((side) => {
      const s = r[side];
      const failures = s.errors + s.non2xx + s.mismatches;
      return {
        what: `${r.name} ${side}: errors ${s.errors} (timeouts ${s.timeouts}), non-2xx ${s.non2xx}, bad bodies ${s.mismatches}`,
        value: failures,
        target: '0',
        ok: failures === 0,
      };
    }),
  );
}

export function targetChecks(results: ScenarioResult[], rss: Rss | undefined, floor: FloorResult | undefined): Check[] {
  const checks: Check[] = [];
  for (const r of results) {
    if (r.target !== undefined) checks.push({ what: `${r.name} ratio`, value: r.ratio, target: `≥ ${r.target}`, ok: r.ratio >= r.target });
  }
  if (rss) checks.push({ what: 'GraphQL server peak RSS (MB)', value: rss.peakMB, target: `< ${RSS_LIMIT_MB}`, ok: rss.peakMB < RSS_LIMIT_MB });
  if (floor) checks.push({ what: 'floor: layer ÷ (JSON.parse + JSON.stringify)', value: floor.ratio, target: `≤ ${FLOOR_TARGET}`, ok: floor.ratio <= FLOOR_TARGET });
  return checks;
}

export function printChecks(title: string, checks: Check[]): string {
  if (checks.length === 0) return '';
  return [title, ...checks.map((c) => `  ${c.ok ? 'ok  ' : 'MISS'}  ${fixed(c.value, 2).padStart(8)}  (${c.target})  ${c.what}`)].join('\n');
}

/**
 * The GraphQL server's log lines at warn and above (pino JSON), counted by message. Requests cut
 * off when autocannon stops at the end of a run show up here as "client closed the connection".
 */
export function summarizeLog(lines: string[]): { count: number; message: string }[] {
  const counts = new Map<string, number>();
  for (const line of lines) {
    let message = line.slice(0, 300);
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      message = [entry.msg, entry.err?.message].filter(Boolean).join(': ');
    } catch {
      // Not JSON: the line as it is.
    }
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return [...counts].map(([message, count]) => ({ count, message })).sort((a, b) => b.count - a.count);
}
