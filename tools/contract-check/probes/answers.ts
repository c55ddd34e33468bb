import type { ImageInfo } from '../../../src/upstream/wire.js';
import { fact, type Fact } from '../facts.js';
import type { Answer } from '../target.js';

/** What the probes say about an answer: a refusal as its comparable part, rows as their ids. */

export type Refusal = Extract<Answer, { ok: false }>;

/** An error answer as its comparable part: status, code, whether a message came (its words are not compared). */
export function refusalValue(answer: Refusal): string {
  if (answer.status === 200) return '200 with a body the client cannot read';
  return `${answer.status ?? '?'} ${answer.code ?? 'without error code'}${answer.message ? ' + message' : ', no message'}`;
}

export function refusalFact(name: string, answer: Refusal): Fact {
  return fact(name, refusalValue(answer), answer.message ?? undefined);
}

/** A call that should be refused: its status and code, or `200 (accepted)`. */
export function refusalOrAccepted(name: string, answer: Answer): Fact {
  return answer.ok ? fact(name, '200 (accepted)', `${answer.images.length} rows`) : refusalFact(name, answer);
}

export function ids(rows: readonly ImageInfo[]): string[] {
  return rows.map((row) => row.id);
}

export function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

export function shortIds(rows: readonly string[], max = 3): string {
  const shown = rows.slice(0, max).join(', ');
  return rows.length > max ? `${shown}, … (${rows.length} rows)` : rows.length === 0 ? 'no rows' : shown;
}
