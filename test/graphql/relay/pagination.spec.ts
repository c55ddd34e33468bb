import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { StaleMarker, type Page, type PagePlan } from '../../../src/images/paging.js';
import type { ConnectionArgs } from '../../../src/graphql/relay/connection.args.js';
import { encodeCursor, listingBinding } from '../../../src/graphql/relay/cursor.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageCost, pageInfoOf, pageSizeOf, planPage, staleCursorError } from '../../../src/graphql/relay/pagination.js';
import { CloudImagesError, ErrorCode, type UpstreamDetails } from '../../../src/upstream/errors.js';

/**
 * Relay's connection arguments as page plans (src/graphql/relay/pagination.ts): every combination
 * of first/after/last/before, page sizes and their price, stale cursors, and PageInfo, called
 * directly with plain arguments and fake pages.
 */

const BINDING = listingBinding(['cn-north-4', { sort_key: 'created_at', sort_dir: 'desc' }]);
const OTHER_BINDING = listingBinding(['cn-north-4', { sort_key: 'name', sort_dir: 'asc' }]);
const AFTER = encodeCursor('image-a', BINDING);
const BEFORE = encodeCursor('image-b', BINDING);

/** What planPage throws: a GraphQLError, or fails the test. */
function refusal(args: ConnectionArgs): GraphQLError {
  try {
    planPage(args, BINDING);
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error(`planPage accepted ${JSON.stringify(args)}`);
}

const BOTH_SIZES = 'Pass `first` or `last`, not both.';
const BOTH_CURSORS = 'Pass `after` or `before`, not both: the image service pages in one direction at a time.';
const FIRST_BEFORE = '`before` pages backward: use it with `last`, not `first`.';
const LAST_AFTER = '`after` pages forward: use it with `first`, not `last`.';

describe('planPage', () => {
  // Every combination of the four arguments (present or not): its plan, or its refusal and the argument it names.
  const COMBINATIONS: [label: string, args: ConnectionArgs, outcome: PagePlan | { message: string; argument: string }][] = [
    ['none', {}, { direction: 'forward', size: 20, marker: undefined }],
    ['first', { first: 5 }, { direction: 'forward', size: 5, marker: undefined }],
    ['after', { after: AFTER }, { direction: 'forward', size: 20, marker: 'image-a' }],
    ['first after', { first: 5, after: AFTER }, { direction: 'forward', size: 5, marker: 'image-a' }],
    ['last', { last: 7 }, { direction: 'backward', size: 7, marker: undefined }],
    ['before', { before: BEFORE }, { direction: 'backward', size: 20, marker: 'image-b' }],
    ['last before', { last: 7, before: BEFORE }, { direction: 'backward', size: 7, marker: 'image-b' }],
    ['first last', { first: 5, last: 7 }, { message: BOTH_SIZES, argument: 'last' }],
    ['first before', { first: 5, before: BEFORE }, { message: FIRST_BEFORE, argument: 'before' }],
    ['after last', { after: AFTER, last: 7 }, { message: LAST_AFTER, argument: 'after' }],
    ['after before', { after: AFTER, before: BEFORE }, { message: BOTH_CURSORS, argument: 'before' }],
    ['first after last', { first: 5, after: AFTER, last: 7 }, { message: BOTH_SIZES, argument: 'last' }],
    ['first after before', { first: 5, after: AFTER, before: BEFORE }, { message: BOTH_CURSORS, argument: 'before' }],
    ['first last before', { first: 5, last: 7, before: BEFORE }, { message: BOTH_SIZES, argument: 'last' }],
    ['after last before', { after: AFTER, last: 7, before: BEFORE }, { message: BOTH_CURSORS, argument: 'before' }],
    ['first after last before', { first: 5, after: AFTER, last: 7, before: BEFORE }, { message: BOTH_SIZES, argument: 'last' }],
  ];

  it.each(COMBINATIONS)('%s', (_label, args, outcome) => {
    if ('direction' in outcome) {
      expect(planPage(args, BINDING)).toEqual(outcome);
      // null is the same as leaving an argument out.
      const withNulls: ConnectionArgs = { first: null, after: null, last: null, before: null, ...args };
      expect(planPage(withNulls, BINDING)).toEqual(outcome);
    } else {
      const error = refusal(args);
      expect(error.message).toBe(outcome.message);
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: outcome.argument });
    }
  });

  it('takes every size from 0 to 500, either way; the default is 20', () => {
    expect(DEFAULT_PAGE_SIZE).toBe(20);
    expect(MAX_PAGE_SIZE).toBe(500);
    for (let size = 0; size <= 500; size++) {
      expect(planPage({ first: size }, BINDING).size).toBe(size);
      expect(planPage({ last: size }, BINDING).size).toBe(size);
    }
  });

  it.each([-1, 501, 2_147_483_647, -2_147_483_648, 1.5, Number.NaN])('refuses a size of %s, naming first or last', (size) => {
    for (const argument of ['first', 'last'] as const) {
      const error = refusal({ [argument]: size });
      expect(error.message).toBe(`\`${argument}\` must be a whole number from 0 to 500, got ${size}.`);
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
    }
  });

  it('decodes cursors against the listing: one of another listing, or no cursor at all, names its argument', () => {
    for (const [args, argument] of [
      [{ after: encodeCursor('x', OTHER_BINDING) }, 'after'],
      [{ first: 1, after: 'not a cursor' }, 'after'],
      [{ before: encodeCursor('x', OTHER_BINDING) }, 'before'],
      [{ last: 1, before: '' }, 'before'],
    ] as [ConnectionArgs, string][]) {
      expect(refusal(args).extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
    }
  });

  it('checks the combination before the cursor: a corrupt cursor in a refused pair is refused for the pair', () => {
    expect(refusal({ first: 1, before: 'garbage' }).message).toBe(FIRST_BEFORE);
  });
});

describe('pageSizeOf', () => {
  it('reads first, else last, else the default, clamped to 0..500', () => {
    expect(pageSizeOf({})).toBe(20);
    expect(pageSizeOf({ first: 7 })).toBe(7);
    expect(pageSizeOf({ last: 9 })).toBe(9);
    expect(pageSizeOf({ first: 7, last: 9 })).toBe(7);
    expect(pageSizeOf({ first: null, last: 9 })).toBe(9);
    expect(pageSizeOf({ first: null, last: null })).toBe(20);
    expect(pageSizeOf({ first: 0 })).toBe(0);
    expect(pageSizeOf({ first: -5 })).toBe(0);
    expect(pageSizeOf({ last: 10_000 })).toBe(500);
  });

  it('ignores values that are no numbers (before validation they can be anything)', () => {
    expect(pageSizeOf({ first: '300', last: 4 })).toBe(4);
    expect(pageSizeOf({ first: undefined, last: '300' })).toBe(20);
  });
});

describe('pageCost', () => {
  it('prices 0, 20, 99, 100, 499 and 500 rows as README says: 1 per call plus 1 per started 100 rows, the probe of 2 at 500', () => {
    expect(Object.fromEntries([0, 20, 99, 100, 499, 500].map((size) => [size, pageCost(size)]))).toEqual({ 0: 2, 20: 2, 99: 2, 100: 3, 499: 6, 500: 8 });
  });

  it('grows by one each 100 rows, the extra row included', () => {
    expect([98, 99, 100, 199, 200, 299, 300, 399, 400].map(pageCost)).toEqual([2, 2, 3, 3, 4, 4, 5, 5, 6]);
  });
});

describe('staleCursorError', () => {
  const details: UpstreamDetails = { status: 400, code: 'IMG.0027', message: 'marker not found', requestId: 'r-1' };

  it('forward, from a snapshot: `after` no longer matches, without upstream details', () => {
    const error = staleCursorError(new StaleMarker('forward'));
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).message).toBe(
      '`after` is no longer valid: the image it points at is gone or no longer matches. Start again from the first page (without `after`).',
    );
    expect((error as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
  });

  it('backward, from the upstream: `before` is gone or no longer visible, with the upstream details', () => {
    const error = staleCursorError(new StaleMarker('backward', details));
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).message).toBe(
      '`before` is no longer valid: the image it points at is gone or no longer visible. Start again from the first page (without `before`).',
    );
    expect((error as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'before', upstream: details });
  });

  it('leaves every other error as it is', () => {
    for (const error of [new CloudImagesError(ErrorCode.BAD_USER_INPUT, 'HTTP 400', details), new GraphQLError('x'), new Error('bug'), 'a string', undefined]) {
      expect(staleCursorError(error)).toBe(error);
    }
  });
});

describe('pageInfoOf', () => {
  interface Row {
    id: string;
  }

  /** A page whose flags count their reads. */
  function pageOf(rows: Row[], next: boolean, previous: boolean): { page: Page<Row>; reads: { next: number; previous: number } } {
    const reads = { next: 0, previous: 0 };
    const page: Page<Row> = {
      rows,
      hasNext: async () => (reads.next++, next),
      hasPrevious: async () => (reads.previous++, previous),
    };
    return { page, reads };
  }

  it('encodes a cursor only when startCursor or endCursor is read, of the first and the last row', () => {
    const encoded: string[] = [];
    const { page } = pageOf([{ id: 'a' }, { id: 'b' }, { id: 'c' }], true, false);
    const info = pageInfoOf(page, (row) => (encoded.push(row.id), `cursor:${row.id}`));
    expect(encoded).toEqual([]);
    expect(info.startCursor).toBe('cursor:a');
    expect(encoded).toEqual(['a']);
    expect(info.endCursor).toBe('cursor:c');
    expect(encoded).toEqual(['a', 'c']);
  });

  it('an empty page has null cursors and encodes nothing', () => {
    const { page } = pageOf([], false, true);
    const info = pageInfoOf(page, () => {
      throw new Error('no row to encode');
    });
    expect([info.startCursor, info.endCursor]).toEqual([null, null]);
  });

  it('hasNextPage and hasPreviousPage are the page’s flags, each read only when asked for', async () => {
    const { page, reads } = pageOf([{ id: 'a' }], true, false);
    const info = pageInfoOf(page, (row) => row.id);
    expect(reads).toEqual({ next: 0, previous: 0 });
    expect(await info.hasNextPage).toBe(true);
    expect(reads).toEqual({ next: 1, previous: 0 });
    expect(await info.hasPreviousPage).toBe(false);
    expect(reads).toEqual({ next: 1, previous: 1 });
  });

  it('one row is both the start and the end', () => {
    const { page } = pageOf([{ id: 'only' }], false, false);
    const info = pageInfoOf(page, (row) => row.id);
    expect([info.startCursor, info.endCursor]).toEqual(['only', 'only']);
  });
});
