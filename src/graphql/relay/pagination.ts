import { CloudImagesError, ErrorCode } from '../../upstream/errors.js';
import { userInputError } from '../errors.js';
import type { ConnectionArgs } from './connection.args.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { lazy } from './lazy.js';
import { PageInfo } from './page-info.type.js';

/**
 * Relay cursor pagination over the upstream's limit/marker. Forward pages list in the requested
 * order after the marker; backward pages list in the reversed order after the marker and are then
 * turned back. One extra row makes `hasNextPage`/`hasPreviousPage` exact; at the upstream's maximum
 * of 500 rows there is no room for it, so a `limit=1` probe answers instead, only when selected.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 500;

export interface PagePlan {
  /** `forward`: `first`/`after`; `backward`: `last`/`before`. */
  direction: 'forward' | 'backward';
  size: number;
  /** The marker from the cursor, if any. */
  marker: string | undefined;
}

/** Fetches up to `limit` rows after `marker`, in the listing's order (`forward`) or against it (`backward`). */
export type FetchRows<T> = (request: { direction: PagePlan['direction']; limit: number; marker: string | undefined }) => Promise<T[]>;

export interface Page<T> {
  /** The page's rows, in the listing's order whatever the direction of travel. */
  rows: T[];
  /** A row's cursor; computed only for the cursors a query selects. */
  cursorOf: (row: T) => string;
  pageInfo: PageInfo;
}

/** The page size connection arguments ask for, as far as it can be told before validation (for cost estimates). */
export function pageSizeOf(args: { first?: unknown; last?: unknown }): number {
  const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(size, 0), MAX_PAGE_SIZE);
}

/** Rows one cost unit pays for: a listing is priced by what it returns, not only by the calls it makes. */
export const ROWS_PER_COST_UNIT = 100;

/**
 * Cost units of one page of `size` rows (before each row's own fields): its upstream call (the
 * extra row included) and, for a full page of 500, the `limit=1` probe; each call 1 plus 1 per
 * ROWS_PER_COST_UNIT rows it may return.
 */
export function pageCost(size: number): number {
  const call = (rows: number): number => 1 + Math.ceil(rows / ROWS_PER_COST_UNIT);
  return call(Math.min(size + 1, MAX_PAGE_SIZE)) + (size === MAX_PAGE_SIZE ? call(1) : 0);
}

function checkSize(value: number, argument: 'first' | 'last'): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE) {
    throw userInputError(`\`${argument}\` must be a whole number from 0 to ${MAX_PAGE_SIZE}, got ${value}.`, { argument });
  }
  return value;
}

/** Validates the connection arguments against one listing (its cursor binding). */
export function planPage(args: ConnectionArgs, binding: string): PagePlan {
  const { first, after, last, before } = args;
  const has = (v: unknown): boolean => v !== null && v !== undefined;
  if (has(first) && has(last)) throw userInputError('Pass `first` or `last`, not both.', { argument: 'last' });
  if (has(after) && has(before)) throw userInputError('Pass `after` or `before`, not both: the image service pages in one direction at a time.', { argument: 'before' });
  if (has(first) && has(before)) throw userInputError('`before` pages backward: use it with `last`, not `first`.', { argument: 'before' });
  if (has(last) && has(after)) throw userInputError('`after` pages forward: use it with `first`, not `last`.', { argument: 'after' });
  if (has(last) || has(before)) {
    return {
      direction: 'backward',
      size: checkSize(last ?? DEFAULT_PAGE_SIZE, 'last'),
      marker: has(before) ? decodeCursor(before!, binding, 'before') : undefined,
    };
  }
  return {
    direction: 'forward',
    size: checkSize(first ?? DEFAULT_PAGE_SIZE, 'first'),
    marker: has(after) ? decodeCursor(after!, binding, 'after') : undefined,
  };
}

/**
 * The upstream refuses a marker it does not know with a 400: after a cursor, that means its image
 * is gone (deleted, or no longer visible), not that the caller wrote something wrong.
 */
function staleCursor(error: unknown, plan: PagePlan): unknown {
  if (plan.marker === undefined || !(error instanceof CloudImagesError) || error.code !== ErrorCode.BAD_USER_INPUT || error.upstream?.status !== 400) return error;
  const argument = plan.direction === 'forward' ? 'after' : 'before';
  return userInputError(
    `\`${argument}\` is no longer valid: the image it points at is gone or no longer visible. Start again from the first page (without \`${argument}\`).`,
    { argument, upstream: error.upstream },
  );
}

export interface PaginateOptions<T> {
  markerOf: (row: T) => string;
  /** Told when the probe of a full page failed; `hasNextPage`/`hasPreviousPage` then answers true. */
  onProbeFailure: (error: unknown) => void;
}

export async function paginate<T>(plan: PagePlan, binding: string, fetchRows: FetchRows<T>, { markerOf, onProbeFailure }: PaginateOptions<T>): Promise<Page<T>> {
  const { direction } = plan;
  const limit = Math.min(plan.size + 1, MAX_PAGE_SIZE);
  const fetched = await fetchRows({ direction, limit, marker: plan.marker }).catch((error: unknown) => {
    throw staleCursor(error, plan);
  });
  const taken = fetched.slice(0, plan.size);
  const last = taken[taken.length - 1];
  // More rows lie beyond this page in the direction of travel: the extra row says so, except on a
  // full page of 500, which left no room for it; there a probe after the page's last row tells.
  // A failed probe must not cost the page: "maybe more" (true) lets the client ask for it.
  const more =
    last !== undefined && fetched.length === plan.size && plan.size === MAX_PAGE_SIZE
      ? lazy(() =>
          fetchRows({ direction, limit: 1, marker: markerOf(last) }).then(
            (next) => next.length > 0,
            (error: unknown) => {
              onProbeFailure(error);
              return true;
            },
          ),
        )
      : lazy(async () => fetched.length > plan.size);
  const reversed = direction === 'backward';
  // Rows lie behind the starting cursor: the cursor's own row, at least.
  const behind = lazy(async () => plan.marker !== undefined);
  const rows = reversed ? [...taken].reverse() : taken;
  const cursorOf = (row: T): string => encodeCursor(markerOf(row), binding);
  const first = rows[0];
  const end = rows[rows.length - 1];
  const pageInfo = new PageInfo(reversed ? behind : more, reversed ? more : behind, () => (first === undefined ? null : cursorOf(first)), () => (end === undefined ? null : cursorOf(end)));
  return { rows, cursorOf, pageInfo };
}

/**
 * FetchRows over a list held in memory (a snapshot, filtered and sorted): the same contract as the
 * upstream's limit/marker. A marker no longer in the list is a stale cursor.
 */
export function rowsOfList<T>(rows: readonly T[], idOf: (row: T) => string): FetchRows<T> {
  let positions: Map<string, number> | undefined;
  const positionOf = (marker: string, direction: PagePlan['direction']): number => {
    positions ??= new Map(rows.map((row, at) => [idOf(row), at]));
    const at = positions.get(marker);
    if (at === undefined) {
      const argument = direction === 'forward' ? 'after' : 'before';
      throw userInputError(`\`${argument}\` is no longer valid: the image it points at is gone or no longer matches. Start again from the first page (without \`${argument}\`).`, { argument });
    }
    return at;
  };
  return async ({ direction, limit, marker }) => {
    if (direction === 'forward') {
      const start = marker === undefined ? 0 : positionOf(marker, direction) + 1;
      return rows.slice(start, start + limit);
    }
    const end = marker === undefined ? rows.length : positionOf(marker, direction);
    return rows.slice(Math.max(0, end - limit), end).reverse();
  };
}
