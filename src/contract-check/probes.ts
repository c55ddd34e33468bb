import { MAX_LIMIT, parseWireBoolean, WIRE_SORT_DIRS, WIRE_SORT_KEYS, type ImageInfo, type ListImagesQuery, type WireSortDir, type WireSortKey } from '../upstream/wire.js';
import { BOOLEAN_KEYS, DOCUMENTED_KEYS, OTHER_KEYS, REQUIRED_KEYS, TRUE_OR_ABSENT_KEYS } from './documented.js';
import { fact, unknown, type Fact } from './facts.js';
import type { Answer } from './target.js';

/**
 * The probes of `npm run contract-check`: each makes a few read-only listing calls to one target
 * and reduces what came back to facts that hold whatever images the account has (orders, tie
 * breaks, marker semantics, limits, error codes, encodings, key names), so that the emulator and
 * the real API can be compared although their data differ.
 */

export interface ProbeContext {
  region: string;
  /** One listing call in the run's region, or another (or its repeat from the run's cache); the upstream's errors come back as answers. */
  list(query: ListImagesQuery, region?: string): Promise<Answer>;
}

export interface Probe {
  /** Its name in the report. */
  id: string;
  /** What it checks, in a few words. */
  checks: string;
  run(ctx: ProbeContext): Promise<Fact[]>;
}

/** Calls one probe may make (repeats from the cache are free). */
export const MAX_CALLS_PER_PROBE = 10;
/** Calls one run may make to one target. */
export const MAX_CALLS_PER_RUN = 60;
/** Rows asked for after a marker: enough to see where the page starts and that it runs in order. */
const MARKER_PAGE = 10;

/** An id no account has: a marker that names no image. */
export const UNKNOWN_MARKER = '00000000-0000-4000-8000-00000c0ffee0';
/** A well-formed region id no cloud has. */
export const UNKNOWN_REGION = 'xx-nowhere-9';

/** A value outside the types, for the probes that send what the client never would. */
function illegal<K extends keyof ListImagesQuery>(key: K, value: string | number): ListImagesQuery {
  return { [key]: value } as unknown as ListImagesQuery;
}

// ---------------------------------------------------------------------------------------------
// Describing answers

type Refusal = Extract<Answer, { ok: false }>;

/** An error answer as its comparable part: status, code, whether a message came (its words are not compared). */
export function refusalValue(answer: Refusal): string {
  if (answer.status === 200) return '200 with a body the client cannot read';
  return `${answer.status ?? '?'} ${answer.code ?? 'without error code'}${answer.message ? ' + message' : ', no message'}`;
}

function refusalFact(name: string, answer: Refusal): Fact {
  return fact(name, refusalValue(answer), answer.message ?? undefined);
}

/** A call that should be refused: its status and code, or `200 (accepted)`. */
function refusalOrAccepted(name: string, answer: Answer): Fact {
  return answer.ok ? fact(name, '200 (accepted)', `${answer.images.length} rows`) : refusalFact(name, answer);
}

function ids(rows: readonly ImageInfo[]): string[] {
  return rows.map((row) => row.id);
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function shortIds(rows: readonly string[], max = 3): string {
  const shown = rows.slice(0, max).join(', ');
  return rows.length > max ? `${shown}, … (${rows.length} rows)` : rows.length === 0 ? 'no rows' : shown;
}

// ---------------------------------------------------------------------------------------------
// Sort orders, ties and markers

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
function sortProbe(key: WireSortKey, dir: WireSortDir): Probe {
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

const SORT_ORDERS: readonly { key: WireSortKey; dir: WireSortDir }[] = WIRE_SORT_KEYS.flatMap((key) => WIRE_SORT_DIRS.map((dir) => ({ key, dir })));

/** Without sort parameters: which explicit order the page is (compared with the sort probes' pages, cached). */
const defaultOrder: Probe = {
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

/** Without `limit`: how many rows (documented: 500). */
const defaultLimit: Probe = {
  id: 'default limit',
  checks: 'no limit: how many rows a page holds (documented: 500)',
  async run(ctx) {
    const page = await ctx.list({});
    if (!page.ok) return [refusalFact('', page)];
    const n = page.images.length;
    if (n === MAX_LIMIT) return [fact('', `${MAX_LIMIT} rows`)];
    if (n > MAX_LIMIT) return [fact('', `more than ${MAX_LIMIT} rows`, `${n} rows`)];
    const full = await ctx.list({ sort_key: 'created_at', sort_dir: 'desc', limit: MAX_LIMIT });
    if (full.ok && full.images.length > n) return [fact('', `${n} rows`, `limit=${MAX_LIMIT} gives ${full.images.length}`)];
    return [unknown('', `only ${n} images in ${ctx.region}: a page of fewer than ${MAX_LIMIT} cannot show the default`)];
  },
};

const limitZero: Probe = {
  id: 'limit=0',
  checks: 'limit=0: 200 with no rows',
  async run(ctx) {
    const answer = await ctx.list({ limit: 0 });
    if (!answer.ok) return [refusalFact('', answer)];
    return [fact('', answer.images.length === 0 ? '200, no rows' : '200 with rows', `${answer.images.length} rows`)];
  },
};

/** A call with one bad parameter: which status and code refuse it (documented: 400 IEC.000006 + error_msg). */
function refusalProbe(id: string, checks: string, query: ListImagesQuery): Probe {
  return {
    id,
    checks,
    async run(ctx) {
      return [refusalOrAccepted('', await ctx.list(query))];
    },
  };
}

const unknownRegion: Probe = {
  id: 'unknown region',
  checks: `a well-formed region no cloud has (${UNKNOWN_REGION}): status and code`,
  async run(ctx) {
    return [refusalOrAccepted('', await ctx.list({ limit: 1 }, UNKNOWN_REGION))];
  },
};

/** `__isregistered=false` beside `__imagetype=gold` (documented: ignored for public images). */
const registeredWithGold: Probe = {
  id: '__isregistered with __imagetype=gold',
  checks: '__imagetype=gold&__isregistered=false: ignored (the gold rows) or applied',
  async run(ctx) {
    const gold = await ctx.list({ __imagetype: 'gold' });
    if (!gold.ok) return [fact('', `__imagetype=gold refused: ${refusalValue(gold)}`)];
    const filtered = await ctx.list({ __imagetype: 'gold', __isregistered: false });
    if (!filtered.ok) return [refusalFact('', filtered)];
    const all = ids(gold.images);
    const applied = ids(gold.images.filter((image) => parseWireBoolean(image.__isregistered) === false));
    if (all.length === 0) return [unknown('', `no gold images in ${ctx.region}`)];
    if (sameIds(all, applied)) return [unknown('', 'every gold image is unregistered: ignoring and applying look alike')];
    const got = ids(filtered.images);
    const detail = `${got.length} of ${all.length} gold rows`;
    if (sameIds(got, all)) return [fact('', 'ignored', detail)];
    if (sameIds(got, applied)) return [fact('', 'applied (filters gold images)', detail)];
    return [fact('', 'other rows', detail)];
  },
};

/** `__support_kvm=false`: the flag is documented as "true" or absent, so what does false select? */
const supportFlagFalse: Probe = {
  id: '__support_kvm=false',
  checks: '__support_kvm=false (documented: the flag is "true" or absent): refused, no rows, or the images without it',
  async run(ctx) {
    const answer = await ctx.list({ __support_kvm: false } as unknown as ListImagesQuery);
    if (!answer.ok) return [refusalFact('', answer)];
    const rows = answer.images;
    if (rows.length === 0) {
      const all = await ctx.list({});
      if (all.ok && !all.images.some((image) => parseWireBoolean(image.__support_kvm) !== true)) {
        return [unknown('', 'every image supports KVM: an empty answer tells nothing')];
      }
      return [fact('', '200, no rows')];
    }
    const without = rows.every((image) => parseWireBoolean(image.__support_kvm) !== true);
    return [fact('', without ? '200, the images without the flag' : '200, images with the flag too', `${rows.length} rows`)];
  },
};

// ---------------------------------------------------------------------------------------------
// Shapes of the images: encodings, types, key names

/** The run's sample of images: the default page and the gold and private listings (the first two are cached by then). */
async function sample(ctx: ProbeContext): Promise<ImageInfo[] | Refusal> {
  const pages = [await ctx.list({}), await ctx.list({ __imagetype: 'gold' }), await ctx.list({ __imagetype: 'private' })];
  const byId = new Map<string, ImageInfo>();
  for (const page of pages) if (page.ok) for (const image of page.images) if (!byId.has(image.id)) byId.set(image.id, image);
  const refused = pages.find((page): page is Refusal => !page.ok);
  return byId.size === 0 && refused ? refused : [...byId.values()];
}

function valuesOf(images: readonly ImageInfo[], key: string): unknown[] {
  return images.filter((image) => Object.hasOwn(image, key)).map((image) => image[key]);
}

function isBooleanish(value: unknown): boolean {
  return typeof value === 'boolean' || value === 'true' || value === 'false';
}

function booleanEncoding(values: readonly unknown[]): { value: string; detail?: string } {
  const others = values.filter((v) => !isBooleanish(v));
  if (others.length > 0) return { value: 'other values too', detail: [...new Set(others.map((v) => JSON.stringify(v)))].slice(0, 5).join(', ') };
  const json = values.some((v) => typeof v === 'boolean');
  const strings = values.some((v) => typeof v === 'string');
  return { value: json && strings ? 'JSON booleans and strings' : json ? 'JSON booleans' : 'strings' };
}

const booleanEncodings: Probe = {
  id: 'boolean encodings',
  checks: 'each documented boolean key, and any other key carrying booleans: JSON booleans or "true"/"false" strings; how a false "true-or-absent" flag travels',
  async run(ctx) {
    const images = await sample(ctx);
    if (!Array.isArray(images)) return [refusalFact('sample', images)];
    const seen = new Set(images.flatMap((image) => Object.keys(image)));
    const undocumentedBooleans = [...seen].filter((key) => !DOCUMENTED_KEYS.has(key) && valuesOf(images, key).every(isBooleanish)).sort();
    const facts: Fact[] = [];
    for (const key of [...BOOLEAN_KEYS, ...undocumentedBooleans]) {
      const values = valuesOf(images, key);
      if (values.length === 0) {
        facts.push(unknown(key, `never sent in ${images.length} images`));
        continue;
      }
      const { value, detail } = booleanEncoding(values);
      facts.push(fact(key, value, detail));
    }
    for (const key of TRUE_OR_ABSENT_KEYS) {
      const falses = valuesOf(images, key).filter((v) => v === false || v === 'false');
      const name = `${key} when false`;
      if (falses.length > 0) {
        const forms = [...new Set(falses.map((v) => JSON.stringify(v)))].sort();
        facts.push(fact(name, `sent as ${forms.join(' or ')}`));
      } else if (images.some((image) => !Object.hasOwn(image, key))) {
        facts.push(fact(name, 'absent'));
      } else {
        facts.push(unknown(name, `every one of ${images.length} images has it true`));
      }
    }
    return facts;
  },
};

const UTC_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const DECIMAL = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function typeOf(key: string, value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? 'array of strings' : 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value !== 'string') return typeof value;
  if (key === 'created_at' || key === 'updated_at') return UTC_SECONDS.test(value) ? 'string (UTC, YYYY-MM-DDThh:mm:ssZ)' : 'string (another date format)';
  if (key === '__image_size') return DECIMAL.test(value) ? 'string (decimal)' : 'string (not decimal)';
  if (key === 'id') return UUID.test(value) ? 'string (UUID)' : 'string (not a UUID)';
  return 'string';
}

const valueTypes: Probe = {
  id: 'value types',
  checks: 'each other documented key: the JSON types sent (and the format of ids, dates and sizes)',
  async run(ctx) {
    const images = await sample(ctx);
    if (!Array.isArray(images)) return [refusalFact('sample', images)];
    return OTHER_KEYS.map((key) => {
      const values = valuesOf(images, key);
      if (values.length === 0) return unknown(key, `never sent in ${images.length} images`);
      return fact(key, [...new Set(values.map((v) => typeOf(key, v)))].sort().join(' or '));
    });
  },
};

const undocumentedKeys: Probe = {
  id: 'undocumented keys',
  checks: 'names of the keys outside the documented ImageInfo set',
  async run(ctx) {
    const images = await sample(ctx);
    if (!Array.isArray(images)) return [refusalFact('', images)];
    const names = [...new Set(images.flatMap((image) => Object.keys(image)))].filter((key) => !DOCUMENTED_KEYS.has(key)).sort();
    return [fact('', names.length === 0 ? 'none' : names.join(', '), `${images.length} images looked at`)];
  },
};

const requiredKeys: Probe = {
  id: 'required keys',
  checks: 'keys the SDK marks required that some image lacks',
  async run(ctx) {
    const images = await sample(ctx);
    if (!Array.isArray(images)) return [refusalFact('', images)];
    if (images.length === 0) return [unknown('', `no images in ${ctx.region}`)];
    const missing = REQUIRED_KEYS.filter((key) => images.some((image) => !Object.hasOwn(image, key)));
    return [fact('', missing.length === 0 ? 'every image has them all' : `missing on some images: ${missing.join(', ')}`, `${images.length} images looked at`)];
  },
};

/** Every probe, in the order they run (later ones reuse the pages earlier ones fetched). */
export const PROBES: readonly Probe[] = [
  ...SORT_ORDERS.map(({ key, dir }) => sortProbe(key, dir)),
  defaultOrder,
  defaultLimit,
  limitZero,
  refusalProbe('limit=501', 'limit=501 (documented maximum 500): refused with 400 IEC.000006', { limit: MAX_LIMIT + 1 }),
  refusalProbe('limit=-1', 'limit=-1: refused with 400 IEC.000006', { limit: -1 }),
  refusalProbe('sort_key=bogus', 'an unknown sort_key: refused with 400 IEC.000006', illegal('sort_key', 'bogus')),
  refusalProbe('sort_dir=bogus', 'an unknown sort_dir: refused with 400 IEC.000006', illegal('sort_dir', 'bogus')),
  refusalProbe('status=bogus', 'an unknown status: refused with 400 IEC.000006', illegal('status', 'bogus')),
  refusalProbe('protected=yes', 'a boolean parameter that is not true/false: refused with 400 IEC.000006', illegal('protected', 'yes')),
  refusalProbe('unknown marker', 'a marker naming no image: refused with 400 IEC.000006', { marker: UNKNOWN_MARKER, limit: 1 }),
  unknownRegion,
  registeredWithGold,
  supportFlagFalse,
  booleanEncodings,
  valueTypes,
  undocumentedKeys,
  requiredKeys,
];
