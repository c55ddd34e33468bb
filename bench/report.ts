import type { FloorResult } from './floor.js';
import type { SideResult } from './load.js';
import type { Targets } from './scenarios.js';

/** The printed markdown tables and the target checks. */

export interface ScenarioResult {
  name: string;
  /** Against the canned upstream: this server, the REST call(s) it wraps, Mesh, and the pass-through. */
  graphql: SideResult;
  rest: SideResult;
  mesh?: SideResult | undefined;
  passThrough?: SideResult | undefined;
  /** Against the emulator (the second baseline): this server, and the REST call(s) at the emulator. */
  emulator?: { graphql: SideResult; rest: SideResult } | undefined;
  restCallsPerGraphql: number;
  ratios: {
    /** GraphQL rps ÷ (REST rps / restCallsPerGraphql), against the canned upstream. */
    rest: number;
    /** GraphQL rps ÷ Mesh rps. */
    mesh?: number | undefined;
    /** Pass-through rps ÷ (REST rps / restCallsPerGraphql): the ceiling for any layer. */
    passThrough?: number | undefined;
    /** GraphQL rps ÷ (REST rps / restCallsPerGraphql), both against the emulator. */
    emulator?: number | undefined;
  };
  targets: Targets;
  requests: { graphql: string; rest: string; mesh: string; passThrough?: string | undefined };
  /** What the checks before the load saw (e.g. the walk's length). */
  notes: string[];
}

export interface Rss {
  /** After start-up, before any load. */
  baselineMB: number;
  /** Highest during the whole benchmark. */
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

const fixed = (n: number | undefined, digits: number): string => (n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : '—');
const latency = (side: SideResult | undefined): string => (side ? `${fixed(side.latencyMs.p50, 0)} / ${fixed(side.latencyMs.p99, 0)}` : '—');
const calls = (r: ScenarioResult): string => (r.restCallsPerGraphql > 1 ? ` (${r.restCallsPerGraphql} calls)` : '');

/** Throughput against the canned upstream: this server, REST, Mesh, the pass-through. */
export function throughputTable(results: ScenarioResult[]): string {
  const lines = [
    '| scenario | GraphQL rps | REST rps | GraphQL ÷ REST | Mesh rps | GraphQL ÷ Mesh | pass-through rps | pass-through ÷ REST |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.name} | ${fixed(r.graphql.rps, 0)} | ${fixed(r.rest.rps, 0)}${calls(r)} | ${fixed(r.ratios.rest, 2)} | ${fixed(r.mesh?.rps, 0)} | ${fixed(r.ratios.mesh, 2)} | ` +
        `${fixed(r.passThrough?.rps, 0)} | ${fixed(r.ratios.passThrough, 2)} |`,
    );
  }
  return lines.join('\n');
}

/** Latency, CPU per request and memory of each side against the canned upstream. */
export function costTable(results: ScenarioResult[]): string {
  const lines = [
    '| scenario | p50 / p99 ms GraphQL | REST | Mesh | CPU ms/req GraphQL | Mesh | pass-through | canned upstream (REST) | peak RSS MB GraphQL | Mesh |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.name} | ${latency(r.graphql)} | ${latency(r.rest)} | ${latency(r.mesh)} | ${fixed(r.graphql.cpuMsPerRequest.layer, 2)} | ${fixed(r.mesh?.cpuMsPerRequest.layer, 2)} | ` +
        `${fixed(r.passThrough?.cpuMsPerRequest.layer, 2)} | ${fixed(r.rest.cpuMsPerRequest.upstream, 3)} | ${fixed(r.graphql.peakRssMB, 0)} | ${fixed(r.mesh?.peakRssMB, 0)} |`,
    );
  }
  return lines.join('\n');
}

/** The second baseline: this server against the emulator, and the emulator's own REST answer. */
export function emulatorTable(results: ScenarioResult[]): string {
  const lines = ['| scenario | GraphQL rps | REST rps | GraphQL ÷ REST | p50 / p99 ms GraphQL | CPU ms/req GraphQL | CPU ms/req emulator (REST) |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of results) {
    if (!r.emulator) continue;
    const { graphql, rest } = r.emulator;
    lines.push(
      `| ${r.name} | ${fixed(graphql.rps, 0)} | ${fixed(rest.rps, 0)}${calls(r)} | ${fixed(r.ratios.emulator, 2)} | ${latency(graphql)} | ${fixed(graphql.cpuMsPerRequest.layer, 2)} | ${fixed(rest.cpuMsPerRequest.upstream, 2)} |`,
    );
  }
  return lines.length > 2 ? lines.join('\n') : '';
}

/** Errors of any kind in any run: the figures of such a run mean nothing, so these always fail it. */
export function errorChecks(results: ScenarioResult[], cannedPassedOn: number): Check[] {
  const checks = results.flatMap((r) => {
    const sides: [string, SideResult | undefined][] = [
      ['graphql', r.graphql],
      ['rest', r.rest],
      ['mesh', r.mesh],
      ['pass-through', r.passThrough],
      ['graphql (emulator)', r.emulator?.graphql],
      ['rest (emulator)', r.emulator?.rest],
    ];
    return sides.flatMap(([side, s]) => {
      if (!s) return [];
      const failures = s.errors + s.non2xx + s.mismatches;
      return [{ what: `${r.name} ${side}: errors ${s.errors} (timeouts ${s.timeouts}), non-2xx ${s.non2xx}, bad bodies ${s.mismatches}`, value: failures, target: '0', ok: failures === 0 }];
    });
  });
  // A measured window that reached the emulator through the canned upstream measured the wrong thing.
  checks.push({ what: 'requests the canned upstream passed on to the emulator during measured windows', value: cannedPassedOn, target: '0', ok: cannedPassedOn === 0 });
  return checks;
}

export function targetChecks(results: ScenarioResult[], rss: Rss | undefined, floor: FloorResult | undefined): Check[] {
  const checks: Check[] = [];
  for (const r of results) {
    const { targets } = r;
    if (targets.rest !== undefined) {
      const ceiling = r.ratios.passThrough === undefined ? '' : `; the pass-through, which does nothing but parse and write, reached ${r.ratios.passThrough.toFixed(2)}`;
      checks.push({ what: `${r.name}: GraphQL ÷ REST (canned upstream${ceiling})`, value: r.ratios.rest, target: `≥ ${targets.rest}`, ok: r.ratios.rest >= targets.rest });
    }
    if (targets.mesh !== undefined && r.ratios.mesh !== undefined) {
      checks.push({ what: `${r.name}: GraphQL ÷ Mesh`, value: r.ratios.mesh, target: `≥ ${targets.mesh}`, ok: r.ratios.mesh >= targets.mesh });
    }
    if (targets.p99 !== undefined) {
      const multiple = r.graphql.latencyMs.p99 / r.rest.latencyMs.p99;
      const ceiling = r.passThrough ? `; the pass-through's was ${r.passThrough.latencyMs.p99} ms` : '';
      checks.push({ what: `${r.name}: GraphQL p99 ÷ REST p99 (${r.graphql.latencyMs.p99} ms ÷ ${r.rest.latencyMs.p99} ms${ceiling})`, value: multiple, target: `≤ ${targets.p99}`, ok: multiple <= targets.p99 });
    }
  }
  if (rss) checks.push({ what: 'GraphQL server peak RSS through the whole benchmark (MB)', value: rss.peakMB, target: `< ${RSS_LIMIT_MB}`, ok: rss.peakMB < RSS_LIMIT_MB });
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
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if (typeof entry.level === 'number' && entry.level < 40) continue;
      message = [entry.msg, entry.err?.message].filter(Boolean).join(': ');
    } catch {
      // Not JSON: the line as it is.
    }
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  return [...counts].map(([message, count]) => ({ count, message })).sort((a, b) => b.count - a.count);
}
