import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../upstream/errors.js';

/**
 * How many subscriptions may be open at once (src/config/live-status.ts): per connection (a
 * WebSocket multiplexes them; a Server-Sent Events stream carries one) and per caller, across
 * every connection of this instance. A subscription holds a slot from when it is accepted to when
 * it ends, however it ends.
 */
export interface SubscriptionLimits {
  /** MAX_SUBSCRIPTIONS_PER_CONNECTION */
  perConnection: number;
  /** MAX_SUBSCRIPTIONS_PER_CALLER */
  perCaller: number;
}

export type Transport = 'ws' | 'sse';

/** Gives a slot back; calling it again does nothing. */
export type Release = () => void;

/**
 * The slots, and what metrics read of them: subscriptions open and events sent, by transport.
 * Callers are keyed by a keyed digest (never a credential); connections by an object of their own.
 */
export class SubscriptionSlots {
  private readonly byConnection = new WeakMap<object, number>();
  private readonly byCaller = new Map<string, number>();
  private readonly drained = new Set<() => void>();
  readonly open: Record<Transport, number> = { ws: 0, sse: 0 };
  readonly events: Record<Transport, number> = { ws: 0, sse: 0 };

  constructor(readonly limits: SubscriptionLimits) {}

  /** A slot for one more subscription of `caller` on `connection`, or the TOO_MANY_SUBSCRIPTIONS error that refuses it. */
  acquire(transport: Transport, connection: object, caller: string): Release | GraphQLError {
    const onConnection = this.byConnection.get(connection) ?? 0;
    const ofCaller = this.byCaller.get(caller) ?? 0;
    if (onConnection >= this.limits.perConnection) {
      return tooMany(`This connection has ${onConnection} subscriptions open, the most one may have`, 'MAX_SUBSCRIPTIONS_PER_CONNECTION', this.limits.perConnection);
    }
    if (ofCaller >= this.limits.perCaller) {
      return tooMany(`You have ${ofCaller} subscriptions open on this server, the most one caller may have`, 'MAX_SUBSCRIPTIONS_PER_CALLER', this.limits.perCaller);
    }
    this.byConnection.set(connection, onConnection + 1);
    this.byCaller.set(caller, ofCaller + 1);
    this.open[transport]++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.byConnection.set(connection, (this.byConnection.get(connection) ?? 1) - 1);
      const left = (this.byCaller.get(caller) ?? 1) - 1;
      if (left > 0) this.byCaller.set(caller, left);
      else this.byCaller.delete(caller);
      this.open[transport]--;
      if (this.total === 0) for (const resolve of this.drained) resolve();
    };
  }

  get total(): number {
    return this.open.ws + this.open.sse;
  }

  /** Resolves once no subscription is open (at once when none is). */
  whenDrained(): Promise<void> {
    if (this.total === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.drained.delete(done);
        resolve();
      };
      this.drained.add(done);
    });
  }
}

function tooMany(what: string, limit: string, max: number): GraphQLError {
  return new GraphQLError(`${what} (${limit}=${max}): end one before starting another.`, { extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS, limit, max } });
}
