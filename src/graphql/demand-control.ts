import { DERIVED_FIELDS } from '../images/derived-filter.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageCost } from './relay/pagination.js';

/**
 * The query cost (the fields' `complexity` and `readsSnapshot`, priced by apollo/query-cost.ts) in
 * the words routers read: the demand-control directives `@cost` and `@listSize` (the IBM GraphQL
 * cost directive specification, Apollo Federation 2.9), which FEDERATION=true's subgraph schema
 * carries. A router prices an operation by them as the specification says: each field its `@cost`
 * weight (else 1 for an object, 0 for a scalar) plus what its selection costs, times its list's
 * size (`@listSize`), plus its arguments' weights. Each weight below is one of the server's own
 * prices, so that a router's figure is never below the server's estimate (the router also counts
 * every object it returns, which the server prices at one unit per 100 rows):
 *
 * - `images`: its page call at its dearest (a page of 500 and its `limit=1` probe); `edges` and
 *   `nodes` are sized by `first` or `last` (20 when neither is sent, as the server pages);
 * - `image`, `node`, `parentImage`: one call each;
 * - `totalCount`, `imageFacets`, `latestImage`, and each `ImageFilter` field only a snapshot can
 *   apply: the snapshot read, `SNAPSHOT_MAX_IMAGES / 500 + 1` calls.
 */

/** `@listSize`'s arguments. */
export interface ListSize {
  assumedSize: number;
  slicingArguments: string[];
  sizedFields: string[];
  requireOneSlicingArgument: boolean;
}

export interface FieldDemand {
  /** `@cost(weight:)`. */
  cost?: number;
  listSize?: ListSize;
}

/** The directives of each field (`Type.field`) and input field (`Input.field`) that has any. */
export interface DemandControl {
  fields: Readonly<Record<string, FieldDemand>>;
  inputFields: Readonly<Record<string, number>>;
}

/** One upstream call: what `image`, `node` and `parentImage` cost the server. */
const CALL = 1;

/** The directives for a server whose snapshot reads cost `snapshotPages` calls. */
export function demandControl(snapshotPages: number): DemandControl {
  return {
    fields: {
      'Query.images': {
        cost: pageCost(MAX_PAGE_SIZE),
        // Neither argument is required (the server pages 20 then), and a request with both is refused at run time.
        listSize: { assumedSize: DEFAULT_PAGE_SIZE, slicingArguments: ['first', 'last'], sizedFields: ['edges', 'nodes'], requireOneSlicingArgument: false },
      },
      'Query.image': { cost: CALL },
      'Query.node': { cost: CALL },
      'Image.parentImage': { cost: CALL },
      'Query.latestImage': { cost: snapshotPages },
      'Query.imageFacets': { cost: snapshotPages },
      'ImageConnection.totalCount': { cost: snapshotPages },
    },
    inputFields: Object.fromEntries(DERIVED_FIELDS.map((field) => [`ImageFilter.${field}`, snapshotPages])),
  };
}
