import { MAX_LIMIT, WIRE_SORT_DIRS, WIRE_SORT_KEYS, type ImageInfo, type WireSortDir, type WireSortKey } from '../../../src/upstream/wire.js';
import { fact, unknown, type Fact } from '../facts.js';
import type { Answer } from '../target.js';
import { ids, refusalFact, sameIds, shortIds } from './answers.js';
import type { Probe } from './probe.js';

/**
 * Sort orders, ties and markers: for each sort_key and sort_dir, whether a page is sorted, how ties
 * are broken and whether a marker starts the next page exactly where it should; and which of those
 * orders a listing without sort parameters is.
 */

/** Rows asked for after a marker: enough to see where the page starts and that it runs in order. */
const MARKER_PAGE = 10;

function sortValue(image: ImageInfo, key: WireSortKey): string {
  const value = image[key];
  return typeof value === 'string' ? value : '';
}

const codeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const caseless = (a: string, b: string): number => codeUnits(a.toLowerCase(), b.toLowerCase());

/** Index of the first row out of order (row i and i + 1), or -1. */
function firstDisorder(rows: readonly ImageInfo[], key: WireSortKey, dir: WireSortDir, compare: (a: string, b: string) => number): number {
  const sign = dir === 'asc' ? 1 : -1;
  for (let i = 0; i + 1 < rows.length; i++) {
    if (sign * compare(sortValue(rows[i]!, key), sortValue(rows[i + 1]!, key)) > 0) return i;
  }
  return -1;
}

interface Group {
  start: number;
  /** Inclusive. */
  end: number;
}

/** Runs of two or more consecutive rows with the same sort value. */
function tieGroups(rows: readonly ImageInfo[], key: WireSortKey): Group[] {
  const groups: Group[] = [];
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i < rows.length && sortValue(rows[i]!, key) === sortValue(rows[start]!, key)) continue;
    if (i - 1 > start) groups.push({ start, end: i - 1 });
    start = i;
  }
  return groups;
}

function idOrder(rows: readonly ImageInfo[]): 'asc' | 'desc' | 'neither' {
  const list = ids(rows);
  if (list.every((id, i) => i === 0 || list[i - 1]! < id)) return 'asc';
  if (list.every((id, i) => i === 0 || list[i - 1]! > id)) return 'desc';
  return 'neither';
}

interface Candidate {
  value: string;
  ids: string[] | undefined;
}

/** Which of the expected pages an answer after a marker is. */
function classifyPage(name: string, answer: Answer, markerId: string, candidates: Candidate[]): Fact {
  if (!answer.ok) return refusalFact(name, answer);
  const got = ids(answer.images);
  for (const candidate of candidates) {
    if (candidate.ids && sameIds(got, candidate.ids)) return fact(name, candidate.value);
  }
  const expected = candidates[0]?.ids ?? [];
  const detail = `marker ${markerId}; expected ${shortIds(expected)}; got ${shortIds(got)}`;
  if (got.includes(markerId)) return fact(name, 'includes the marker itself', detail);
  if (got.length === 0) return fact(name, 'no rows', detail);
  return fact(name, 'other rows', detail);
}

function reverse(dir: WireSortDir): WireSortDir {
  return dir === 'asc' ? 'desc' : 'asc';
}

/**
 * One sort order: is the page sorted, how are ties broken, and does a marker (between two values,
 * or inside a run of equal values) start the next page exactly after it, forward and with the
 * direction reversed (what `last`/`before` do). Ties decide whether those pages are exact.
 */
export function sortProbe(key: WireSortKey, dir: WireSortDir): Probe {
  return {
    id: `sort ${key} ${dir}`,
    checks: `sort_key=${key}&sort_dir=${dir}: order, tie break, pages after and before a marker (inside a tie too)`,
    async run(ctx) {
      const ref = await ctx.list({ sort_key: key, sort_dir: dir, limit: MAX_LIMIT });
      if (!ref.ok) return [refusalFact('listing', ref)];
      const rows = ref.images;
      if (rows.length < 2) return [unknown('listing', `${rows.length} image(s) in ${ctx.region}: nothing to order`)];
      // Fewer rows than asked: the page is the whole listing, so pages after a marker may end early.
      const complete = rows.length < MAX_LIMIT;
      const inRef = (from: number, count: number): string[] | undefined => (complete || from + count <= rows.length ? ids(rows.slice(from, from + count)) : undefined);
      const facts: Fact[] = [];

      const byCodeUnits = firstDisorder(rows, key, dir, codeUnits);
      const byCaseless = firstDisorder(rows, key, dir, caseless);
      if (byCodeUnits < 0 || byCaseless < 0) {
        facts.push(fact('order', `sorted by ${key} ${dir}`));
      } else {
        const i = byCodeUnits;
        facts.push(fact('order', `not sorted by ${key} ${dir}`, `row ${i + 1} ${JSON.stringify(sortValue(rows[i]!, key))} before row ${i + 2} ${JSON.stringify(sortValue(rows[i + 1]!, key))}`));
      }
      if (key === 'name') {
        if (byCodeUnits < 0 && byCaseless < 0) facts.push(unknown('letter case', 'no names among these rows whose order depends on letter case'));
        else if (byCodeUnits < 0) facts.push(fact('letter case', 'code-unit order (upper case before lower case)'));
        else if (byCaseless < 0) facts.push(fact('letter case', 'ignored (case-insensitive order)'));
      }

      const groups = tieGroups(rows, key);
      if (groups.length === 0) {
        facts.push(unknown('ties', `no two of the first ${rows.length} rows share a ${key}`));
      } else {
        const orders = groups.map((g) => idOrder(rows.slice(g.start, g.end + 1)));
        const value = orders.every((o) => o === 'asc') ? 'broken by id asc' : orders.every((o) => o === 'desc') ? 'broken by id desc' : 'not broken by id';
        const odd = groups.find((_, i) => orders[i] !== orders[0]) ?? groups[0]!;
        facts.push(fact('ties', value, `${groups.length} runs of equal ${key}, e.g. rows ${odd.start + 1}..${odd.end + 1}: ${shortIds(ids(rows.slice(odd.start, odd.end + 1)))}`));
      }

      // Forward from a marker whose next row has another value: the page is the rows after it.
      const boundary = rows.findIndex((row, i) => i + 1 < rows.length && sortValue(row, key) !== sortValue(rows[i + 1]!, key) && inRef(i + 1, MARKER_PAGE) !== undefined);
      if (boundary < 0) {
        facts.push(unknown('after a marker', `all of the first ${rows.length} rows share one ${key}`));
      } else {
        const marker = rows[boundary]!.id;
        const page = await ctx.list({ sort_key: key, sort_dir: dir, marker, limit: MARKER_PAGE });
        facts.push(classifyPage('after a marker', page, marker, [{ value: 'the next rows, exactly', ids: inRef(boundary + 1, MARKER_PAGE) }]));
      }

      // Backward (sort_dir reversed) from a marker whose previous row has another value.
      // Preferably with a whole page before it.
      const startsValue = (i: number): boolean => i > 0 && sortValue(rows[i]!, key) !== sortValue(rows[i - 1]!, key);
      const candidates = rows.map((_, i) => i).filter(startsValue);
      const before = candidates.find((i) => i >= MARKER_PAGE) ?? candidates[0] ?? -1;
      if (before < 0) {
        facts.push(unknown('before a marker (sort_dir reversed)', `all of the first ${rows.length} rows share one ${key}`));
      } else {
        const marker = rows[before]!.id;
        const count = Math.min(before, MARKER_PAGE);
        const page = await ctx.list({ sort_key: key, sort_dir: reverse(dir), marker, limit: count });
        facts.push(
          classifyPage('before a marker (sort_dir reversed)', page, marker, [{ value: 'the rows before it, reversed, exactly', ids: ids(rows.slice(before - count, before)).reverse() }]),
        );
      }

      // Forward from the first row of a tie: exact only when ties have a defined order the marker respects.
      // Preferably a tie whose following rows are in the page too, so that skipping it can be told.
      const forwardTie = groups.find((g) => inRef(g.end + 1, MARKER_PAGE) !== undefined) ?? groups.find((g) => inRef(g.start + 1, MARKER_PAGE) !== undefined);
      if (!forwardTie) {
        facts.push(unknown('after a marker inside a tie', `no two of the first ${rows.length} rows share a ${key}`));
      } else {
        const i = forwardTie.start;
        const marker = rows[i]!.id;
        const page = await ctx.list({ sort_key: key, sort_dir: dir, marker, limit: MARKER_PAGE });
        facts.push(
          classifyPage('after a marker inside a tie', page, marker, [
            { value: 'the next rows, exactly', ids: inRef(i + 1, MARKER_PAGE) },
            { value: 'skips the rest of its tie', ids: inRef(forwardTie.end + 1, MARKER_PAGE) },
          ]),
        );
      }

      // Backward from the last row of a tie: what `last`/`before` read; exact only if reversing sort_dir reverses the tie break too.
      // Preferably a tie with a whole page before its end and rows before its start.
      const backwardTie = groups.find((g) => g.start > 0 && g.end >= MARKER_PAGE) ?? groups.find((g) => g.start > 0) ?? groups[0];
      if (!backwardTie) {
        facts.push(unknown('before a marker inside a tie (sort_dir reversed)', `no two of the first ${rows.length} rows share a ${key}`));
      } else {
        const i = backwardTie.end;
        const marker = rows[i]!.id;
        const count = Math.min(i, MARKER_PAGE);
        const page = await ctx.list({ sort_key: key, sort_dir: reverse(dir), marker, limit: count });
        facts.push(
          classifyPage('before a marker inside a tie (sort_dir reversed)', page, marker, [
            { value: 'the rows before it, reversed, exactly', ids: ids(rows.slice(i - count, i)).reverse() },
            { value: 'skips the rest of its tie', ids: ids(rows.slice(Math.max(0, backwardTie.start - count), backwardTie.start)).reverse() },
          ]),
        );
      }
      return facts;
    },
  };
}

export const SORT_ORDERS: readonly { key: WireSortKey; dir: WireSortDir }[] = WIRE_SORT_KEYS.flatMap((key) => WIRE_SORT_DIRS.map((dir) => ({ key, dir })));

/** Without sort parameters: which explicit order the page is (compared with the sort probes' pages, cached). */
export const defaultOrder: Probe = {
  id: 'default order',
  checks: 'no sort_key/sort_dir: the same rows in the same order as one of the eight explicit orders (documented: created_at desc)',
  async run(ctx) {
    const page = await ctx.list({});
    if (!page.ok) return [refusalFact('', page)];
    const got = ids(page.images);
    if (got.length < 2) return [unknown('', `${got.length} image(s) in ${ctx.region}: nothing to order`)];
    const matches: string[] = [];
    for (const { key, dir } of SORT_ORDERS) {
      const ref = await ctx.list({ sort_key: key, sort_dir: dir, limit: MAX_LIMIT });
      if (!ref.ok) continue;
      const n = Math.min(got.length, ref.images.length);
      if (sameIds(got.slice(0, n), ids(ref.images.slice(0, n)))) matches.push(`sort_key=${key}&sort_dir=${dir}`);
    }
    if (matches.length > 1) return [unknown('', `the first ${got.length} rows are in several orders at once (${matches.join(', ')})`)];
    return [fact('', matches.length === 1 ? `same as ${matches[0]}` : 'none of the eight explicit orders', `first rows: ${shortIds(got)}`)];
  },
};
