import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE, paginate, rowsOfList, StaleMarker, type FetchRows, type Page, type PagePlan, type PaginateOptions } from '../../src/images/paging.js';
import { CloudImagesError, ErrorCode, type UpstreamDetails } from '../../src/upstream/errors.js';

/**
 * Paging over limit/marker alone (src/images/paging.ts): `paginate` over a recording fake of the
 * upstream's limit/marker, and `rowsOfList`, the same contract over a list in memory. No server.
 */

interface Row {
  id: string;
}

type RowRequest = Parameters<FetchRows<Row>>[0];

/** `n` rows r0, r1, … in listing order. */
function listOf(n: number): Row[] {
  return Array.from({ length: n }, (_, at) => ({ id: `r${at}` }));
}

const ids = (rows: readonly Row[]): string[] => rows.map((row) => row.id);

/** A FetchRows that records every request and answers from `answer` (by default a list of `rows`). */
function recording(answer: FetchRows<Row>): { fetchRows: FetchRows<Row>; calls: RowRequest[] } {
  const calls: RowRequest[] = [];
  return {
    calls,
    fetchRows: (request) => {
      calls.push(request);
      return answer(request);
    },
  };
}

/** Options whose probe failures are collected. */
function options(failures: unknown[] = []): PaginateOptions<Row> {
  return { markerOf: (row) => row.id, onProbeFailure: (error) => failures.push(error) };
}

/** Options for pages that must not probe, or whose probe must not fail. */
const NO_PROBE_FAILURE: PaginateOptions<Row> = {
  markerOf: (row) => row.id,
  onProbeFailure: (error) => {
    throw new Error(`unexpected probe failure: ${String(error)}`);
  },
};

function upstream400(): CloudImagesError {
  const details: UpstreamDetails = { status: 400, code: 'IMG.0027', message: 'marker not found', requestId: 'req-1' };
  return new CloudImagesError(ErrorCode.BAD_USER_INPUT, 'The image service answered HTTP 400 (IMG.0027: marker not found)', details);
}

const rejecting =
  (error: unknown): FetchRows<Row> =>
  async () => {
    throw error;
  };

describe('paginate forward', () => {
  it('asks for size + 1 rows after the marker and returns size of them in listing order', async () => {
    const { fetchRows, calls } = recording(rowsOfList(listOf(10), (row) => row.id));
    const page = await paginate({ direction: 'forward', size: 3, marker: 'r2' }, fetchRows, NO_PROBE_FAILURE);
    expect(calls).toEqual([{ direction: 'forward', limit: 4, marker: 'r2' }]);
    expect(ids(page.rows)).toEqual(['r3', 'r4', 'r5']);
  });

  it('hasNext is the extra row: true when it came, false when exactly size rows were left', async () => {
    const list = rowsOfList(listOf(6), (row) => row.id);
    const more = await paginate({ direction: 'forward', size: 3, marker: 'r1' }, list, NO_PROBE_FAILURE);
    expect(ids(more.rows)).toEqual(['r2', 'r3', 'r4']);
    expect(await more.hasNext()).toBe(true);
    const exact = await paginate({ direction: 'forward', size: 3, marker: 'r2' }, list, NO_PROBE_FAILURE);
    expect(ids(exact.rows)).toEqual(['r3', 'r4', 'r5']);
    expect(await exact.hasNext()).toBe(false);
  });

  it('hasPrevious says whether a marker was given (its own row lies behind)', async () => {
    const list = rowsOfList(listOf(6), (row) => row.id);
    expect(await (await paginate({ direction: 'forward', size: 2, marker: undefined }, list, NO_PROBE_FAILURE)).hasPrevious()).toBe(false);
    expect(await (await paginate({ direction: 'forward', size: 2, marker: 'r0' }, list, NO_PROBE_FAILURE)).hasPrevious()).toBe(true);
  });

  it('a page of 0 asks for one row, returns none, and says whether any follow', async () => {
    const { fetchRows, calls } = recording(rowsOfList(listOf(2), (row) => row.id));
    const start = await paginate({ direction: 'forward', size: 0, marker: undefined }, fetchRows, NO_PROBE_FAILURE);
    const end = await paginate({ direction: 'forward', size: 0, marker: 'r1' }, fetchRows, NO_PROBE_FAILURE);
    expect(calls).toEqual([
      { direction: 'forward', limit: 1, marker: undefined },
      { direction: 'forward', limit: 1, marker: 'r1' },
    ]);
    expect([start.rows, await start.hasNext(), await start.hasPrevious()]).toEqual([[], true, false]);
    expect([end.rows, await end.hasNext(), await end.hasPrevious()]).toEqual([[], false, true]);
  });

  it('a page of 499 asks for 500 rows and knows hasNext from the 500th, without a probe', async () => {
    for (const [listed, expected] of [
      [500, true],
      [499, false],
    ] as const) {
      const { fetchRows, calls } = recording(rowsOfList(listOf(listed), (row) => row.id));
      const page = await paginate({ direction: 'forward', size: 499, marker: undefined }, fetchRows, NO_PROBE_FAILURE);
      expect(page.rows).toHaveLength(499);
      expect(await page.hasNext()).toBe(expected);
      expect(calls).toEqual([{ direction: 'forward', limit: 500, marker: undefined }]);
    }
  });
});

describe('paginate backward', () => {
  it('asks for size + 1 rows against the order before the marker and turns them back', async () => {
    const { fetchRows, calls } = recording(rowsOfList(listOf(10), (row) => row.id));
    const page = await paginate({ direction: 'backward', size: 3, marker: 'r7' }, fetchRows, NO_PROBE_FAILURE);
    expect(calls).toEqual([{ direction: 'backward', limit: 4, marker: 'r7' }]);
    expect(ids(page.rows)).toEqual(['r4', 'r5', 'r6']);
    expect(await page.hasPrevious()).toBe(true);
    expect(await page.hasNext()).toBe(true);
  });

  it('hasPrevious is the extra row; hasNext says whether a marker was given', async () => {
    const list = rowsOfList(listOf(6), (row) => row.id);
    const exact = await paginate({ direction: 'backward', size: 3, marker: 'r3' }, list, NO_PROBE_FAILURE);
    expect(ids(exact.rows)).toEqual(['r0', 'r1', 'r2']);
    expect([await exact.hasPrevious(), await exact.hasNext()]).toEqual([false, true]);
    const fromEnd = await paginate({ direction: 'backward', size: 3, marker: undefined }, list, NO_PROBE_FAILURE);
    expect(ids(fromEnd.rows)).toEqual(['r3', 'r4', 'r5']);
    expect([await fromEnd.hasPrevious(), await fromEnd.hasNext()]).toEqual([true, false]);
  });

  it('a page of 0 says whether any rows precede', async () => {
    const list = rowsOfList(listOf(2), (row) => row.id);
    const end = await paginate({ direction: 'backward', size: 0, marker: undefined }, list, NO_PROBE_FAILURE);
    const start = await paginate({ direction: 'backward', size: 0, marker: 'r0' }, list, NO_PROBE_FAILURE);
    expect([end.rows, await end.hasPrevious(), await end.hasNext()]).toEqual([[], true, false]);
    expect([start.rows, await start.hasPrevious(), await start.hasNext()]).toEqual([[], false, true]);
  });
});

describe('the full page of 500 and its probe', () => {
  it('forward: probes limit=1 after the last row only when hasNext is read, and once', async () => {
    const { fetchRows, calls } = recording(rowsOfList(listOf(501), (row) => row.id));
    const page = await paginate({ direction: 'forward', size: MAX_PAGE_SIZE, marker: undefined }, fetchRows, NO_PROBE_FAILURE);
    expect(page.rows).toHaveLength(500);
    expect(await page.hasPrevious()).toBe(false);
    expect(calls).toEqual([{ direction: 'forward', limit: 500, marker: undefined }]);
    expect(await page.hasNext()).toBe(true);
    expect(await page.hasNext()).toBe(true);
    expect(calls).toEqual([
      { direction: 'forward', limit: 500, marker: undefined },
      { direction: 'forward', limit: 1, marker: 'r499' },
    ]);
  });

  it('forward: exactly 500 rows left, the probe finds nothing and hasNext is false', async () => {
    const { fetchRows, calls } = recording(rowsOfList(listOf(501), (row) => row.id));
    const page = await paginate({ direction: 'forward', size: MAX_PAGE_SIZE, marker: 'r0' }, fetchRows, NO_PROBE_FAILURE);
    expect(page.rows[499]).toEqual({ id: 'r500' });
    expect(await page.hasNext()).toBe(false);
    expect(calls.map((call) => call.limit)).toEqual([500, 1]);
    expect(calls[1]).toEqual({ direction: 'forward', limit: 1, marker: 'r500' });
  });

  it('backward: probes limit=1 before the first row only when hasPrevious is read', async () => {
    const { fetchRows, calls } = recording(rowsOfList(listOf(501), (row) => row.id));
    const page = await paginate({ direction: 'backward', size: MAX_PAGE_SIZE, marker: undefined }, fetchRows, NO_PROBE_FAILURE);
    expect([page.rows[0], page.rows[499]]).toEqual([{ id: 'r1' }, { id: 'r500' }]);
    expect(await page.hasNext()).toBe(false);
    expect(calls).toHaveLength(1);
    expect(await page.hasPrevious()).toBe(true);
    expect(calls).toEqual([
      { direction: 'backward', limit: 500, marker: undefined },
      { direction: 'backward', limit: 1, marker: 'r1' },
    ]);
  });

  it('a page of 500 that came back short needs no probe: nothing follows', async () => {
    const { fetchRows, calls } = recording(rowsOfList(listOf(300), (row) => row.id));
    const forward = await paginate({ direction: 'forward', size: MAX_PAGE_SIZE, marker: undefined }, fetchRows, NO_PROBE_FAILURE);
    const backward = await paginate({ direction: 'backward', size: MAX_PAGE_SIZE, marker: undefined }, fetchRows, NO_PROBE_FAILURE);
    expect([await forward.hasNext(), await backward.hasPrevious()]).toEqual([false, false]);
    expect(calls.map((call) => call.limit)).toEqual([500, 500]);
  });

  it('a failed probe answers true, tells onProbeFailure, and keeps the page', async () => {
    const probeError = new Error('probe timed out');
    const list = rowsOfList(listOf(600), (row) => row.id);
    const fetchRows: FetchRows<Row> = (request) => (request.limit === 1 ? Promise.reject(probeError) : list(request));
    for (const direction of ['forward', 'backward'] as const) {
      const failures: unknown[] = [];
      const page = await paginate({ direction, size: MAX_PAGE_SIZE, marker: undefined }, fetchRows, options(failures));
      expect(page.rows).toHaveLength(500);
      expect(failures).toEqual([]);
      expect(await (direction === 'forward' ? page.hasNext() : page.hasPrevious())).toBe(true);
      expect(failures).toEqual([probeError]);
    }
  });
});

describe('errors of the page call', () => {
  it('an upstream 400 after a marker is a StaleMarker with its direction and the upstream details', async () => {
    const error = upstream400();
    for (const direction of ['forward', 'backward'] as const) {
      const failed = paginate({ direction, size: 20, marker: 'gone' }, rejecting(error), NO_PROBE_FAILURE);
      await expect(failed).rejects.toBeInstanceOf(StaleMarker);
      await expect(failed).rejects.toMatchObject({ name: 'StaleMarker', message: 'The marker is not in the listing', direction, upstream: error.upstream });
    }
  });

  it('any other error passes through as it is: a 400 without a marker, other statuses, other codes, other errors', async () => {
    const forbidden = new CloudImagesError(ErrorCode.FORBIDDEN, 'HTTP 403', { status: 403, code: 'IMG.0003', message: 'no', requestId: null });
    const localRefusal = new CloudImagesError(ErrorCode.BAD_USER_INPUT, 'refused before the call');
    const otherCode = new CloudImagesError(ErrorCode.UPSTREAM_ERROR, 'odd', { status: 400, code: null, message: null, requestId: null });
    const plain = new TypeError('bug');
    const cases: [PagePlan, unknown][] = [
      [{ direction: 'forward', size: 20, marker: undefined }, upstream400()],
      [{ direction: 'backward', size: 20, marker: undefined }, upstream400()],
      [{ direction: 'forward', size: 20, marker: 'm' }, forbidden],
      [{ direction: 'forward', size: 20, marker: 'm' }, localRefusal],
      [{ direction: 'backward', size: 20, marker: 'm' }, otherCode],
      [{ direction: 'forward', size: 20, marker: 'm' }, plain],
    ];
    for (const [plan, error] of cases) {
      await expect(paginate(plan, rejecting(error), NO_PROBE_FAILURE)).rejects.toBe(error);
    }
  });
});

describe('rowsOfList', () => {
  const rows = listOf(5);
  const fetchRows = rowsOfList(rows, (row) => row.id);

  it('forward: up to limit rows after the marker, from the start without one', async () => {
    expect(ids(await fetchRows({ direction: 'forward', limit: 2, marker: undefined }))).toEqual(['r0', 'r1']);
    expect(ids(await fetchRows({ direction: 'forward', limit: 2, marker: 'r1' }))).toEqual(['r2', 'r3']);
    expect(ids(await fetchRows({ direction: 'forward', limit: 10, marker: 'r3' }))).toEqual(['r4']);
    expect(await fetchRows({ direction: 'forward', limit: 10, marker: 'r4' })).toEqual([]);
  });

  it('backward: up to limit rows before the marker, nearest first, from the end without one', async () => {
    expect(ids(await fetchRows({ direction: 'backward', limit: 2, marker: undefined }))).toEqual(['r4', 'r3']);
    expect(ids(await fetchRows({ direction: 'backward', limit: 2, marker: 'r3' }))).toEqual(['r2', 'r1']);
    expect(ids(await fetchRows({ direction: 'backward', limit: 10, marker: 'r1' }))).toEqual(['r0']);
    expect(await fetchRows({ direction: 'backward', limit: 10, marker: 'r0' })).toEqual([]);
  });

  it('a marker not in the list is a StaleMarker of that direction, without upstream details', async () => {
    for (const direction of ['forward', 'backward'] as const) {
      const failed = fetchRows({ direction, limit: 2, marker: 'r9' });
      await expect(failed).rejects.toBeInstanceOf(StaleMarker);
      await expect(failed).rejects.toMatchObject({ direction, upstream: undefined });
    }
  });

  it('an empty list answers nothing, and knows no marker', async () => {
    const empty = rowsOfList<Row>([], (row) => row.id);
    expect(await empty({ direction: 'forward', limit: 5, marker: undefined })).toEqual([]);
    expect(await empty({ direction: 'backward', limit: 5, marker: undefined })).toEqual([]);
    await expect(empty({ direction: 'forward', limit: 5, marker: 'r0' })).rejects.toBeInstanceOf(StaleMarker);
  });

  it('through paginate, a stale marker stays a StaleMarker', async () => {
    await expect(paginate({ direction: 'backward', size: 2, marker: 'nope' }, fetchRows, NO_PROBE_FAILURE)).rejects.toMatchObject({ name: 'StaleMarker', direction: 'backward' });
  });
});

describe('walking a list with paginate over rowsOfList', () => {
  /** Lists around the page of 500 and beyond, page sizes 1..500 with the edges often. */
  const lengths = fc.oneof(fc.integer({ min: 0, max: 1100 }), fc.constantFrom(0, 1, 499, 500, 501, 1000, 1001));
  const sizes = fc.oneof(fc.integer({ min: 1, max: MAX_PAGE_SIZE }), fc.constantFrom(1, 2, 499, 500));

  it('forward, page by page from the start, yields every row once, in order, with exact flags', async () => {
    await fc.assert(
      fc.asyncProperty(lengths, sizes, async (length, size) => {
        const rows = listOf(length);
        const fetchRows = rowsOfList(rows, (row) => row.id);
        const pages: Page<Row>[] = [];
        let marker: string | undefined;
        for (;;) {
          const page = await paginate({ direction: 'forward', size, marker }, fetchRows, NO_PROBE_FAILURE);
          pages.push(page);
          if (!(await page.hasNext())) break;
          if (pages.length > length) throw new Error(`the walk of ${length} rows does not end`);
          marker = page.rows[page.rows.length - 1]!.id;
        }
        expect(pages.flatMap((page) => ids(page.rows))).toEqual(ids(rows));
        expect(pages).toHaveLength(Math.max(1, Math.ceil(length / size)));
        for (const [at, page] of pages.entries()) expect(await page.hasPrevious()).toBe(at > 0);
      }),
      { numRuns: 150 },
    );
  });

  it('backward, page by page from the end, yields every row once, in order, with exact flags', async () => {
    await fc.assert(
      fc.asyncProperty(lengths, sizes, async (length, size) => {
        const rows = listOf(length);
        const fetchRows = rowsOfList(rows, (row) => row.id);
        const pages: Page<Row>[] = [];
        let marker: string | undefined;
        for (;;) {
          const page = await paginate({ direction: 'backward', size, marker }, fetchRows, NO_PROBE_FAILURE);
          pages.unshift(page);
          if (!(await page.hasPrevious())) break;
          if (pages.length > length) throw new Error(`the walk of ${length} rows does not end`);
          marker = page.rows[0]!.id;
        }
        expect(pages.flatMap((page) => ids(page.rows))).toEqual(ids(rows));
        expect(pages).toHaveLength(Math.max(1, Math.ceil(length / size)));
        for (const [at, page] of pages.entries()) expect(await page.hasNext()).toBe(at < pages.length - 1);
      }),
      { numRuns: 150 },
    );
  });
});
