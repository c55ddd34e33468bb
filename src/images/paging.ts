import { CloudImagesError, ErrorCode } from '../upstream/errors.js';
import { lazy, type Lazy } from './lazy.js';

/**
 * Pages of a listing over the upstream's limit/marker. Forward pages list in the listing's order
 * after the marker; backward pages list in the reversed order after the marker and are then turned
 * back. One extra row makes "more beyond this page" exact; at the upstream's maximum of 500 rows
 * there is no room for it, so a `limit=1` probe answers instead, only when asked.
 */

/** The upstream's largest page. */
export const MAX_PAGE_SIZE = 500;

/** A page to read: `forward` (after `marker`, in the listing's order) or `backward` (before it). */
export interface PagePlan {
  direction: 'forward' | 'backward';
  size: number;
  /** The id of the row the page starts after (forward) or ends before (backward). */
  marker: string | undefined;
}

/** Fetches up to `limit` rows after `marker`, in the listing's order (`forward`) or against it (`backward`). */
export type FetchRows<T> = (request: { direction: PagePlan['direction']; limit: number; marker: string | undefined }) => Promise<T[]>;

export interface Page<T> {
  /** The page's rows, in the listing's order whatever the direction of travel. */
  rows: T[];
  /** Whether rows follow the page in the listing's order: exact when paging forward, otherwise whether a marker was given. */
  hasNext: Lazy<boolean>;
  /** Whether rows precede it: exact when paging backward, otherwise whether a marker was given. */
  hasPrevious: Lazy<boolean>;
}

/** The marker of a page is not in the listing (any more): its row is gone or no longer matches. */
export class StaleMarker extends Error {
  constructor(
    readonly direction: PagePlan['direction'],
    /** What the upstream said, when it was the upstream that did not know the marker. */
    readonly upstream?: CloudImagesError['upstream'],
  ) {
    super('The marker is not in the listing');
    this.name = 'StaleMarker';
  }
}

export interface PaginateOptions<T> {
  markerOf: (row: T) => string;
  /** Told when the probe of a full page failed; "more" then answers true. */
  onProbeFailure: (error: unknown) => void;
}

/** The upstream refuses a marker it does not know with a 400: after a marker, that means its image is gone. */
function staleMarker(error: unknown, plan: PagePlan): unknown {
  if (plan.marker === undefined || !(error instanceof CloudImagesError) || error.code !== ErrorCode.BAD_USER_INPUT || error.upstream?.status !== 400) return error;
  return new StaleMarker(plan.direction, error.upstream);
}

export async function paginate<T>(plan: PagePlan, fetchRows: FetchRows<T>, { markerOf, onProbeFailure }: PaginateOptions<T>): Promise<Page<T>> {
  const { direction } = plan;
  const limit = Math.min(plan.size + 1, MAX_PAGE_SIZE);
  const fetched = await fetchRows({ direction, limit, marker: plan.marker }).catch((error: unknown) => {
    throw staleMarker(error, plan);
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
  // Rows lie behind the starting marker: the marker's own row, at least.
  const behind = lazy(async () => plan.marker !== undefined);
  return { rows: reversed ? [...taken].reverse() : taken, hasNext: reversed ? behind : more, hasPrevious: reversed ? more : behind };
}

/**
 * FetchRows over a list held in memory (a snapshot, filtered and sorted): the same contract as the
 * upstream's limit/marker. A marker no longer in the list is a StaleMarker.
 */
export function rowsOfList<T>(rows: readonly T[], idOf: (row: T) => string): FetchRows<T> {
  let positions: Map<string, number> | undefined;
  const positionOf = (marker: string, direction: PagePlan['direction']): number => {
    positions ??= new Map(rows.map((row, at) => [idOf(row), at]));
    const at = positions.get(marker);
    if (at === undefined) throw new StaleMarker(direction);
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
