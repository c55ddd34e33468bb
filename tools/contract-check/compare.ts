import { isKnown, type Fact } from './facts.js';
import { PROBES } from './probes.js';
import { MAX_CALLS_PER_PROBE, type Probe, type ProbeContext } from './probes/probe.js';
import type { Answer, Target } from './target.js';

/**
 * Runs the probes against two targets (the one checked, usually the emulator, and the reference,
 * usually the real API) and compares what each observed, fact by fact.
 */

export type Verdict = 'same' | 'differs' | 'inconclusive' | 'failed';

export type SideResult = { facts: Fact[] } | { error: string };

export interface Difference {
  fact: string;
  checked: string;
  reference: string;
  checkedDetail?: string | undefined;
  referenceDetail?: string | undefined;
}

export interface ProbeOutcome {
  id: string;
  verdict: Verdict;
  differences: Difference[];
  /** Facts one side could not observe (its data cannot tell), as `name: label: why`. */
  notCompared: string[];
  /** Why a side failed (verdict `failed`). */
  errors: string[];
}

export interface CheckReport {
  region: string;
  checked: { label: string; endpoint: string; calls: number };
  reference: { label: string; endpoint: string; calls: number };
  outcomes: ProbeOutcome[];
}

/** A probe asked for more calls than it may make. */
class ProbeBudgetExceeded extends Error {}

function contextFor(target: Target): () => ProbeContext {
  return () => {
    let fresh = 0;
    return {
      region: target.region,
      async list(query, region): Promise<Answer> {
        if (fresh >= MAX_CALLS_PER_PROBE) throw new ProbeBudgetExceeded(`the probe wants more than ${MAX_CALLS_PER_PROBE} calls`);
        const result = await target.list(query, region);
        if (result.fresh) fresh++;
        return result.answer;
      },
    };
  };
}

async function runAll(target: Target, probes: readonly Probe[]): Promise<SideResult[]> {
  const newContext = contextFor(target);
  const results: SideResult[] = [];
  for (const probe of probes) {
    try {
      results.push({ facts: await probe.run(newContext()) });
    } catch (error) {
      results.push({ error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}

function sideNote(label: string, f: Fact | undefined): string | undefined {
  if (!f) return `${label}: not observed`;
  return isKnown(f) ? undefined : `${label}: ${f.unknown}`;
}

/** Compares one probe's two sides. */
export function compareSides(id: string, checkedLabel: string, checked: SideResult, referenceLabel: string, reference: SideResult): ProbeOutcome {
  const outcome: ProbeOutcome = { id, verdict: 'same', differences: [], notCompared: [], errors: [] };
  if ('error' in checked || 'error' in reference) {
    if ('error' in checked) outcome.errors.push(`${checkedLabel}: ${checked.error}`);
    if ('error' in reference) outcome.errors.push(`${referenceLabel}: ${reference.error}`);
    outcome.verdict = 'failed';
    return outcome;
  }
  const mine = new Map(checked.facts.map((f) => [f.name, f]));
  const theirs = new Map(reference.facts.map((f) => [f.name, f]));
  const names = [...new Set([...mine.keys(), ...theirs.keys()])];
  let compared = 0;
  // Facts not compared for one same reason share one note.
  const unseen = new Map<string, string[]>();
  for (const name of names) {
    const a = mine.get(name);
    const b = theirs.get(name);
    if (a && b && isKnown(a) && isKnown(b)) {
      compared++;
      if (a.value !== b.value) outcome.differences.push({ fact: name, checked: a.value, reference: b.value, checkedDetail: a.detail, referenceDetail: b.detail });
      continue;
    }
    const bothUnknown = a && b && !isKnown(a) && !isKnown(b) && a.unknown === b.unknown ? `both: ${a.unknown}` : undefined;
    const why = bothUnknown ?? [sideNote(checkedLabel, a), sideNote(referenceLabel, b)].filter((note) => note !== undefined).join('; ');
    unseen.set(why, [...(unseen.get(why) ?? []), name]);
  }
  for (const [why, unnamed] of unseen) {
    const named = unnamed.filter((name) => name !== '');
    outcome.notCompared.push(named.length === 0 ? why : `${named.join(', ')} (${why})`);
  }
  outcome.verdict = outcome.differences.length > 0 ? 'differs' : compared > 0 ? 'same' : 'inconclusive';
  return outcome;
}

/** Runs every probe on both targets (each target's calls one after the other; the two targets side by side). */
export async function runContractCheck(checked: Target, reference: Target, probes: readonly Probe[] = PROBES): Promise<CheckReport> {
  const [mine, theirs] = await Promise.all([runAll(checked, probes), runAll(reference, probes)]);
  return {
    region: reference.region,
    checked: { label: checked.label, endpoint: checked.endpoint, calls: checked.calls },
    reference: { label: reference.label, endpoint: reference.endpoint, calls: reference.calls },
    outcomes: probes.map((probe, i) => compareSides(probe.id, checked.label, mine[i]!, reference.label, theirs[i]!)),
  };
}

/** 0 when nothing differs or failed (inconclusive probes are listed, not counted against), else 1. */
export function exitCodeOf(report: CheckReport): 0 | 1 {
  return report.outcomes.some((o) => o.verdict === 'differs' || o.verdict === 'failed') ? 1 : 0;
}

/** The plain-text report: a header, one line per probe (with indented details), a summary. */
export function formatReport(report: CheckReport, options: { maxCalls?: number } = {}): string {
  const { checked, reference } = report;
  const width = Math.max(...report.outcomes.map((o) => o.id.length)) + 2;
  const pad = ' '.repeat(width);
  const labelWidth = Math.max(checked.label.length, reference.label.length) + 1;
  const lines = [
    `contract-check, region ${report.region}`,
    `  ${`${checked.label}:`.padEnd(labelWidth)} ${checked.endpoint}`,
    `  ${`${reference.label}:`.padEnd(labelWidth)} ${reference.endpoint}`,
    '',
  ];
  const says = (d: Difference): string =>
    `${d.fact === '' ? '' : `${d.fact}: `}${checked.label} says ${JSON.stringify(d.checked)} vs ${reference.label} says ${JSON.stringify(d.reference)}`;
  for (const outcome of report.outcomes) {
    const head = outcome.id.padEnd(width);
    switch (outcome.verdict) {
      case 'same':
        lines.push(`${head}same`);
        break;
      case 'differs':
        lines.push(`${head}DIFFERS: ${outcome.differences.map(says).join('; ')}`);
        for (const d of outcome.differences) {
          const prefix = d.fact === '' ? '' : `${d.fact}: `;
          if (d.checkedDetail) lines.push(`${pad}  ${prefix}${checked.label}: ${d.checkedDetail}`);
          if (d.referenceDetail) lines.push(`${pad}  ${prefix}${reference.label}: ${d.referenceDetail}`);
        }
        break;
      case 'inconclusive':
        lines.push(`${head}inconclusive`);
        break;
      case 'failed':
        lines.push(`${head}FAILED`);
        for (const error of outcome.errors) lines.push(`${pad}  ${error}`);
        break;
    }
    for (const note of outcome.notCompared) lines.push(`${pad}  not compared: ${note}`);
  }
  const count = (v: Verdict): number => report.outcomes.filter((o) => o.verdict === v).length;
  const limit = options.maxCalls === undefined ? '' : ` (at most ${options.maxCalls} each)`;
  lines.push(
    '',
    `${report.outcomes.length} probes: ${count('same')} same, ${count('differs')} differ, ${count('inconclusive')} inconclusive, ${count('failed')} failed. ` +
      `Calls: ${checked.label} ${checked.calls}, ${reference.label} ${reference.calls}${limit}.`,
  );
  return `${lines.join('\n')}\n`;
}
