import { MAX_PAGE_SIZE, StaleMarker, type Page, type PagePlan } from '../../images/paging.js';
import { userInputError } from '../errors.js';
import type { ConnectionArgs } from './connection.args.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { PageInfo } from './page-info.type.js';

/**
 * Relay's connection arguments over the catalog's pages (images/paging.ts): `first`/`after` page
 * forward, `last`/`before` backward; the page size, its price, and `PageInfo` with its cursors.
 */

export const DEFAULT_PAGE_SIZE = 20;
export { MAX_PAGE_SIZE };

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
 * A cursor whose image left the listing (deleted, no longer visible, no longer matching) says so,
 * naming its argument: the caller wrote nothing wrong, and must start again from the first page.
 */
export function staleCursorError(error: unknown): unknown {
  if (!(error instanceof StaleMarker)) return error;
  const argument = error.direction === 'forward' ? 'after' : 'before';
  const why = error.upstream ? 'gone or no longer visible' : 'gone or no longer matches';
  return userInputError(`\`${argument}\` is no longer valid: the image it points at is ${why}. Start again from the first page (without \`${argument}\`).`, {
    argument,
    ...(error.upstream ? { upstream: error.upstream } : {}),
  });
}

/** A page's `PageInfo`, its cursors encoded only when selected. */
export function pageInfoOf<T>(page: Page<T>, cursorOf: (row: T) => string): PageInfo {
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  return new PageInfo(page.hasNext, page.hasPrevious, () => (first === undefined ? null : cursorOf(first)), () => (last === undefined ? null : cursorOf(last)));
}

/** A cursor of a row of one listing. */
export function cursorFor<T>(markerOf: (row: T) => string, binding: string): (row: T) => string {
  return (row) => encodeCursor(markerOf(row), binding);
}
