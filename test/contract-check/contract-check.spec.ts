import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '../../src/config/index.js';
import { compareSides, exitCodeOf, formatReport, runContractCheck, type CheckReport } from '../../tools/contract-check/compare.js';
import { fact, unknown } from '../../tools/contract-check/facts.js';
import { PROBES } from '../../tools/contract-check/probes.js';
import { MAX_CALLS_PER_PROBE, MAX_CALLS_PER_RUN } from '../../tools/contract-check/probes/probe.js';
import { contractCheckMain, type LocalEmulator } from '../../tools/contract-check/run.js';
import { Target } from '../../tools/contract-check/target.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { parseWireBoolean, type ImageInfo } from '../../src/upstream/wire.js';
import { ALICE, useEmulator } from '../helpers/emulator-client.js';
import { startStubUpstream, type StubUpstream } from '../helpers/stub-upstream.js';

/**
 * `npm run contract-check` cannot reach a cloud here, so it is held to two promises: two emulators
 * with different data (other seed, other tenant) agree on every probe, and an upstream that differs
 * from the emulator in one behaviour is reported as differing in exactly the probes that look at it.
 */

const REGION = 'cn-north-4';
const OTHER_TENANT = { token: 'other-tenant', projectId: '5e5e5e5e5e5e4e5e8e5e5e5e5e5e5e5e' };

const emulator = useEmulator();
/** Other seed, other tenant: other images, same semantics. */
const otherEmulator = useEmulator({ seed: 7, tenants: [OTHER_TENANT] });
let emulatorSide: Target;

function target(label: string, endpoint: string, token: string): Target {
  return new Target({ label, endpoint, credentials: { token }, region: REGION, delayMs: 0, maxCalls: MAX_CALLS_PER_RUN, client: { maxAttempts: 1, retryBaseDelayMs: 0 } });
}

beforeAll(() => {
  // One emulator side for every run: its answers are cached, so later runs cost it nothing.
  emulatorSide = target('emulator', emulator.url, ALICE.token);
});

afterAll(async () => {
  await emulatorSide.close();
});

function verdicts(report: CheckReport, verdict: string): string[] {
  return report.outcomes.filter((o) => o.verdict === verdict).map((o) => o.id);
}

describe('emulator against emulator', () => {
  let report: CheckReport;

  beforeAll(async () => {
    const other = target('real', otherEmulator.url, OTHER_TENANT.token);
    try {
      report = await runContractCheck(emulatorSide, other);
    } finally {
      await other.close();
    }
  });

  it('finds every probe the same, and exits 0', () => {
    expect(report.outcomes.map((o) => [o.id, o.verdict, o.errors])).toEqual(PROBES.map((p) => [p.id, 'same', []]));
    expect(exitCodeOf(report)).toBe(0);
  });

  it('stays within its call budget', () => {
    expect(report.checked.calls).toBeLessThanOrEqual(MAX_CALLS_PER_RUN);
    expect(report.reference.calls).toBeLessThanOrEqual(MAX_CALLS_PER_RUN);
    expect(report.reference.calls).toBeGreaterThan(20);
    // Every call the other emulator saw was a GET of the listing API.
    expect(otherEmulator.requests.every((r) => r.method === 'GET' && r.region !== undefined)).toBe(true);
    expect(otherEmulator.requests).toHaveLength(report.reference.calls);
  });

  it('observes the documented semantics, not just agreement', () => {
    const text = formatReport(report);
    expect(text).toMatch(/^contract-check, region cn-north-4$/m);
    expect(text).toMatch(/^sort name asc +same$/m);
    expect(text).toMatch(/^limit=501 +same$/m);
    expect(text).toMatch(new RegExp(`^${PROBES.length} probes: ${PROBES.length} same, 0 differ, 0 inconclusive, 0 failed\\. Calls: emulator \\d+, real \\d+\\.$`, 'm'));
    // created_at has no ties in the emulator's data: the tie checks say so instead of guessing.
    expect(report.outcomes.find((o) => o.id === 'sort created_at desc')!.notCompared).toEqual([
      expect.stringMatching(/^ties, after a marker inside a tie, before a marker inside a tie \(sort_dir reversed\) \(both: no two of the first 500 rows share a created_at\)$/),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// An upstream that differs in one behaviour: a proxy in front of an emulator (other seed, other
// tenant) that changes requests, answers, or the listing itself.

interface Upstream {
  status: number;
  body: unknown;
}

interface Change {
  /** Rewrites the query before it reaches the emulator. */
  query?: (query: URLSearchParams) => void;
  /** Rewrites the emulator's answer. */
  answer?: (answer: Upstream, query: URLSearchParams) => Upstream;
  /** Answers itself (undefined: the emulator answers), from the whole visible listing. */
  listing?: (query: URLSearchParams, all: (query: URLSearchParams) => Promise<ImageInfo[]>) => Promise<Upstream | undefined>;
}

const emulatorOrder = (key: string, dir: string) => (a: ImageInfo, b: ImageInfo) => {
  const av = String(a[key] ?? '');
  const bv = String(b[key] ?? '');
  const order = av < bv ? -1 : av > bv ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return dir === 'asc' ? order : -order;
};

/** Rows after the marker in a listing of `rows` sorted by `compare`, with `after` deciding what "after the marker" means. */
function page(query: URLSearchParams, rows: ImageInfo[], after: (row: ImageInfo, marker: ImageInfo) => boolean): Upstream | undefined {
  const markerId = query.get('marker');
  const marker = markerId === null ? undefined : rows.find((r) => r.id === markerId);
  if (markerId !== null && !marker) return undefined; // the emulator's own 400
  const limit = query.get('limit') === null ? 500 : Number(query.get('limit'));
  return { status: 200, body: { images: rows.filter((r) => !marker || after(r, marker)).slice(0, limit) } };
}

const CHANGES: Record<string, { change: Change; differs: string[] }> = {
  'orders by name when no sort is given': {
    change: {
      query: (q) => {
        if (!q.has('sort_key') && !q.has('sort_dir')) {
          q.set('sort_key', 'name');
          q.set('sort_dir', 'asc');
        }
      },
    },
    differs: ['default order'],
  },
  'accepts limit=501': {
    change: { query: (q) => q.get('limit') === '501' && q.set('limit', '500') },
    differs: ['limit=501'],
  },
  'sends protected as a string': {
    change: { answer: (a) => ({ ...a, body: withImages(a.body, (image) => ({ ...image, protected: String(image.protected) })) }) },
    differs: ['boolean encodings'],
  },
  'adds an undocumented key': {
    change: { answer: (a) => ({ ...a, body: withImages(a.body, (image) => ({ ...image, __brand_new: 'x' })) }) },
    differs: ['undocumented keys'],
  },
  'answers a bad sort_key IMS-style': {
    change: {
      answer: (a, q) => (q.get('sort_key') === 'bogus' ? { status: 400, body: { error: { code: 'IMG.0002', message: 'invalid sort key' } } } : a),
    },
    differs: ['sort_key=bogus'],
  },
  'applies __isregistered to gold images': {
    change: {
      answer: (a, q) =>
        q.get('__imagetype') === 'gold' && q.has('__isregistered')
          ? { ...a, body: { images: (a.body as { images: ImageInfo[] }).images.filter((i) => parseWireBoolean(i.__isregistered) === (q.get('__isregistered') === 'true')) } }
          : a,
    },
    differs: ['__isregistered with __imagetype=gold'],
  },
  // Where ties decide: a marker that skips the rest of its tie (key > marker's key, no id).
  'ignores ties after a marker': {
    change: {
      listing: async (q, all) => {
        if (!q.has('marker')) return undefined;
        const key = q.get('sort_key') ?? 'created_at';
        const dir = q.get('sort_dir') ?? 'desc';
        const rows = (await all(q)).sort(emulatorOrder(key, dir));
        const sign = dir === 'asc' ? 1 : -1;
        return page(q, rows, (r, m) => sign * (String(r[key] ?? '') < String(m[key] ?? '') ? -1 : String(r[key] ?? '') > String(m[key] ?? '') ? 1 : 0) > 0);
      },
    },
    differs: ['sort name asc', 'sort name desc', 'sort status asc', 'sort status desc', 'sort disk_format asc', 'sort disk_format desc'],
  },
  // A database's usual ORDER BY key <dir>, id ASC: markers exact, but reversing sort_dir does not reverse ties.
  'breaks ties by id asc in both directions': {
    change: {
      listing: async (q, all) => {
        const key = q.get('sort_key') ?? 'created_at';
        const dir = q.get('sort_dir') ?? 'desc';
        const byKey = emulatorOrder(key, dir);
        const rows = (await all(q)).sort((a, b) => {
          const k = String(a[key] ?? '') === String(b[key] ?? '') ? 0 : byKey(a, b);
          return k !== 0 ? k : a.id < b.id ? -1 : 1;
        });
        return page(q, rows, (r, m) => rows.indexOf(r) > rows.indexOf(m));
      },
    },
    differs: ['sort name asc', 'sort name desc', 'sort status asc', 'sort status desc', 'sort disk_format asc', 'sort disk_format desc'],
  },
};

function withImages(body: unknown, map: (image: ImageInfo) => Record<string, unknown>): unknown {
  const images = (body as { images?: ImageInfo[] }).images;
  return Array.isArray(images) ? { images: images.map(map) } : body;
}

async function forward(url: string, token: string): Promise<Upstream> {
  const response = await fetch(url, { headers: { 'x-auth-token': token } });
  return { status: response.status, body: await response.json() };
}

/** The proxy: the emulator behind it, with one change. */
async function startChanged(backend: Emulator, change: Change): Promise<StubUpstream> {
  const walks = new Map<string, Promise<ImageInfo[]>>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = new URL(req.url ?? '/', backend.url);
    const token = String(req.headers['x-auth-token'] ?? '');
    const query = new URLSearchParams(target.search);
    change.query?.(query);
    // Every row the query's filters let through, walked page by page in the emulator's default order.
    const all = (q: URLSearchParams): Promise<ImageInfo[]> => {
      const filters = new URLSearchParams([...q].filter(([k]) => !['marker', 'limit', 'sort_key', 'sort_dir'].includes(k)));
      const key = `${target.pathname}?${filters}`;
      if (!walks.has(key)) {
        walks.set(
          key,
          (async () => {
            const rows: ImageInfo[] = [];
            for (;;) {
              const next = new URLSearchParams(filters);
              next.set('limit', '500');
              if (rows.length > 0) next.set('marker', rows[rows.length - 1]!.id);
              const { body } = await forward(`${backend.url}${target.pathname}?${next}`, token);
              const images = (body as { images: ImageInfo[] }).images;
              rows.push(...images);
              if (images.length < 500) return rows;
            }
          })(),
        );
      }
      return walks.get(key)!.then((rows) => [...rows]);
    };
    let answer = await forward(`${backend.url}${target.pathname}?${query}`, token);
    // A listing of its own only where the emulator accepts the query: its refusals stay as they are.
    if (change.listing && answer.status === 200) answer = (await change.listing(query, all)) ?? answer;
    if (change.answer) answer = change.answer(answer, query);
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  };
  return startStubUpstream((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
}

describe('emulator against an upstream that differs in one behaviour', () => {
  it.each(Object.entries(CHANGES))('one that %s: exactly its probes differ', async (_name, { change, differs }) => {
    const stub = await startChanged(otherEmulator, change);
    const real = target('real', stub.url, OTHER_TENANT.token);
    try {
      const report = await runContractCheck(emulatorSide, real);
      expect(verdicts(report, 'failed')).toEqual([]);
      expect(verdicts(report, 'differs')).toEqual(differs);
      expect(exitCodeOf(report)).toBe(1);
      expect(real.calls).toBeLessThanOrEqual(MAX_CALLS_PER_RUN);
    } finally {
      await real.close();
      await stub.close();
    }
  });

  it('says what differs, emulator first, with the details that are not compared', async () => {
    const stub = await startChanged(otherEmulator, { ...CHANGES['accepts limit=501']!.change, answer: CHANGES['answers a bad sort_key IMS-style']!.change.answer! });
    const real = target('real', stub.url, OTHER_TENANT.token);
    try {
      const text = formatReport(await runContractCheck(emulatorSide, real), { maxCalls: MAX_CALLS_PER_RUN });
      expect(text).toMatch(/^limit=501 +DIFFERS: emulator says "400 IEC\.000006 \+ message" vs real says "200 \(accepted\)"$/m);
      expect(text).toMatch(/^ +emulator: the query parameter is illegal: limit must be an integer from 0 to 500$/m);
      expect(text).toMatch(/^ +real: 500 rows$/m);
      expect(text).toMatch(/^sort_key=bogus +DIFFERS: emulator says "400 IEC\.000006 \+ message" vs real says "400 IMG\.0002 \+ message"$/m);
      expect(text).toMatch(new RegExp(`^${PROBES.length} probes: ${PROBES.length - 2} same, 2 differ, 0 inconclusive, 0 failed\\. Calls: emulator \\d+, real \\d+ \\(at most 60 each\\)\\.$`, 'm'));
    } finally {
      await real.close();
      await stub.close();
    }
  });
});

describe('verdicts', () => {
  it('compares facts both sides observed; the rest is noted, not counted', () => {
    const same = compareSides('p', 'emulator', { facts: [fact('a', 'x'), unknown('b', 'no ties')] }, 'real', { facts: [fact('a', 'x'), fact('b', 'y')] });
    expect(same).toMatchObject({ verdict: 'same', differences: [], notCompared: ['b (emulator: no ties)'] });
    const unseen = compareSides('p', 'emulator', { facts: [fact('a', 'x'), unknown('b', 'no ties'), unknown('c', 'no ties')] }, 'real', {
      facts: [fact('a', 'x'), unknown('b', 'no ties'), unknown('c', 'no ties')],
    });
    expect(unseen.notCompared).toEqual(['b, c (both: no ties)']);
    const differs = compareSides('p', 'emulator', { facts: [fact('a', 'x', 'why x')] }, 'real', { facts: [fact('a', 'z')] });
    expect(differs).toMatchObject({ verdict: 'differs', differences: [{ fact: 'a', checked: 'x', reference: 'z', checkedDetail: 'why x' }] });
    const inconclusive = compareSides('p', 'emulator', { facts: [unknown('', 'few images')] }, 'real', { facts: [fact('', 'x')] });
    expect(inconclusive.verdict).toBe('inconclusive');
    const failed = compareSides('p', 'emulator', { facts: [] }, 'real', { error: 'unreachable' });
    expect(failed).toMatchObject({ verdict: 'failed', errors: ['real: unreachable'] });
  });

  it('keeps every probe within its own budget', () => {
    expect(MAX_CALLS_PER_PROBE).toBeLessThanOrEqual(10);
    expect(new Set(PROBES.map((p) => p.id)).size).toBe(PROBES.length);
  });
});

// ---------------------------------------------------------------------------------------------
// The command: flags, configuration, exit codes (the emulator given in process instead of spawned).

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  started: number;
}

async function command(argv: string[], env: Env): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let started = 0;
  const code = await contractCheckMain(argv, {
    loadConfig: () => loadConfig(env, { servesCallers: false }),
    startEmulator: async (): Promise<LocalEmulator> => {
      started++;
      const local = await startEmulator();
      return { url: local.url, token: ALICE.token, close: () => local.close() };
    },
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr, started };
}

describe('npm run contract-check', () => {
  it('compares CLOUDIMAGES_ENDPOINT (with CONTRACT_CHECK_TOKEN) and the emulator: 0 when they agree', async () => {
    const run = await command(['--region', 'cn-east-3', '--delay-ms', '0'], { CLOUDIMAGES_ENDPOINT: otherEmulator.url, CONTRACT_CHECK_TOKEN: OTHER_TENANT.token });
    expect(run.stderr).toMatch(/at most 60 read-only calls to each of emulator \(http:\/\/127\.0\.0\.1:\d+\) and real \(http:\/\/127\.0\.0\.1:\d+\), region cn-east-3/);
    expect(run.stdout).toMatch(/^contract-check, region cn-east-3$/m);
    // cn-east-3 holds fewer than 500 images on either side: the default limit cannot be seen there.
    expect(run.stdout).toMatch(/^default limit +inconclusive\n +not compared: emulator: only \d+ images in cn-east-3: a page of fewer than 500 cannot show the default; real: only \d+ images/m);
    expect(run.stdout).toContain(`${PROBES.length} probes: ${PROBES.length - 1} same, 0 differ, 1 inconclusive, 0 failed.`);
    expect(run.code).toBe(0);
    expect(run.started).toBe(1);
    expect(run.stdout + run.stderr).not.toContain(OTHER_TENANT.token);
  });

  it('signs the real side with HUAWEICLOUD_SDK_AK/SK when no token is given', async () => {
    // The embedded emulator's default tenants come with an access key for alice's project.
    const [key] = emulator.accessKeys;
    expect(key).toBeDefined();
    emulator.clearRequests();
    const run = await command(['--delay-ms', '0'], { CLOUDIMAGES_ENDPOINT: emulator.url, HUAWEICLOUD_SDK_AK: key!.ak, HUAWEICLOUD_SDK_SK: key!.sk });
    expect(run.stdout).toMatch(/^default order +same$/m);
    expect(run.code).toBe(0);
    expect(emulator.apiRequests.length).toBeGreaterThan(20);
    expect(emulator.apiRequests.every((r) => r.status !== 401)).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(key!.sk);
  });

  it('compares with another endpoint instead (--against), and exits 1 when it differs', async () => {
    const stub = await startChanged(otherEmulator, CHANGES['adds an undocumented key']!.change);
    try {
      const run = await command(['--against', stub.url, '--against-token', OTHER_TENANT.token, '--delay-ms', '0'], { CLOUDIMAGES_ENDPOINT: otherEmulator.url, CONTRACT_CHECK_TOKEN: OTHER_TENANT.token });
      expect(run.started).toBe(0);
      expect(run.stdout).toMatch(/^undocumented keys +DIFFERS: other says ".*__brand_new.*" vs real says "(?!.*__brand_new)/m);
      expect(run.code).toBe(1);
    } finally {
      await stub.close();
    }
  });

  it.each([
    [[], {}, /CLOUDIMAGES_ENDPOINT is not set/],
    [[], { CLOUDIMAGES_ENDPOINT: 'https://iecs.example.com' }, /No credentials for the real API: set CONTRACT_CHECK_TOKEN/],
    [[], { CLOUDIMAGES_ENDPOINT: 'ftp://x' }, /CLOUDIMAGES_ENDPOINT must use http or https/],
    [[], { CLOUDIMAGES_ENDPOINT: 'https://x', CONTRACT_CHECK_TOKEN: 't', HUAWEICLOUD_SDK_AK: 'AKAKAKAKAK', HUAWEICLOUD_SDK_SK: 'SKSKSKSKSK' }, /Both CONTRACT_CHECK_TOKEN and HUAWEICLOUD_SDK_AK\/SK/],
    [['--region', 'Mars'], { CLOUDIMAGES_ENDPOINT: 'https://x', CONTRACT_CHECK_TOKEN: 't' }, /--region must be a region id/],
    [['--delay-ms', 'soon'], { CLOUDIMAGES_ENDPOINT: 'https://x', CONTRACT_CHECK_TOKEN: 't' }, /--delay-ms must be a whole number/],
    [['--against', 'http://127.0.0.1:1'], { CLOUDIMAGES_ENDPOINT: 'https://x', CONTRACT_CHECK_TOKEN: 't' }, /--against needs --against-token/],
    [['--bogus'], { CLOUDIMAGES_ENDPOINT: 'https://x', CONTRACT_CHECK_TOKEN: 't' }, /Unknown option '--bogus'/],
  ] as [string[], Env, RegExp][])('exits 2 on a configuration problem: %j %j', async (argv, env, message) => {
    const run = await command(argv, env);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(run.started).toBe(0);
    expect(run.stdout).toBe('');
  });

  it('exits 2 when the real side refuses the credentials, naming the status and code', async () => {
    const run = await command(['--delay-ms', '0'], { CLOUDIMAGES_ENDPOINT: otherEmulator.url, CONTRACT_CHECK_TOKEN: 'not-a-tenant' });
    expect(run.stderr).toMatch(/real \(http:\/\/127\.0\.0\.1:\d+\) refuses to list images in cn-north-4: HTTP 401 APIGW\.0301/);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('prints its usage with --help', async () => {
    const run = await command(['--help'], {});
    expect(run.stdout).toMatch(/^Usage: npm run contract-check -- \[flags\]/);
    expect(run.code).toBe(0);
  });
});
