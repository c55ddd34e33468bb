import { ApolloLink } from '@apollo/client';
import { tap } from 'rxjs';
import { rowNotesOf } from './errors.js';

/**
 * What the picker shows of responses beside their data, which Apollo Client's hooks do not pass
 * on: each operation's `extensions.cost`, and notes on rows that came back partial. A link records
 * them as responses arrive; components read them with useSyncExternalStore.
 */

export interface QueryCost {
  estimated: number;
  actual: number;
  limit: number;
}

export interface ResponseSnapshot {
  /** The latest cost of each operation, by operation name. */
  costs: ReadonlyMap<string, QueryCost>;
  /** Notes on partial rows, by edge cursor. */
  rowNotes: ReadonlyMap<string, string>;
}

function isCost(value: unknown): value is QueryCost {
  const cost = value as Partial<QueryCost> | null | undefined;
  return typeof cost?.estimated === 'number' && typeof cost.actual === 'number' && typeof cost.limit === 'number';
}

export class ResponseStore {
  private snapshot: ResponseSnapshot = { costs: new Map(), rowNotes: new Map() };
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ResponseSnapshot => this.snapshot;

  record(operationName: string | undefined, result: ApolloLink.Result): void {
    if (!('data' in result || 'errors' in result)) return;
    const cost = result.extensions?.cost;
    const notes = rowNotesOf(result as Parameters<typeof rowNotesOf>[0]);
    if (!isCost(cost) && notes.size === 0) return;
    // A new snapshot object per change: what useSyncExternalStore compares.
    this.snapshot = {
      costs: isCost(cost) && operationName ? new Map(this.snapshot.costs).set(operationName, cost) : this.snapshot.costs,
      rowNotes: notes.size > 0 ? new Map([...this.snapshot.rowNotes, ...notes]) : this.snapshot.rowNotes,
    };
    for (const listener of this.listeners) listener();
  }

  /** The link that feeds this store, placed before the HTTP link. */
  link(): ApolloLink {
    return new ApolloLink((operation, forward) => forward(operation).pipe(tap((result) => this.record(operation.operationName, result))));
  }
}
