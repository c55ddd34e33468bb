import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, wrap, type CircuitBreakerPolicy, type TimeoutPolicy } from 'cockatiel';
import { CloudImagesError, ErrorCode } from './errors.js';

/**
 * The circuit breaker of one upstream origin (cockatiel's, with its consecutive-failures breaker):
 * after `failures` outages in a row (5xx, timeouts, unreachable) it opens for `openMs`, during which
 * calls fail at once with UPSTREAM_UNAVAILABLE without reaching the upstream; then one call is let
 * through (half-open) and its success closes the breaker again. Answers the upstream gives on
 * purpose (4xx, 429 included) and calls cancelled by their caller never count.
 */

export interface BreakerState {
  state: 'closed' | 'open' | 'half-open';
  /** While open: when the next call may probe the upstream again. */
  retryAt?: string;
}

export class CircuitBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private openedAt = 0;

  constructor(
    failures: number,
    private readonly openMs: number,
    isOutage: (error: Error) => boolean,
    /** A call its own caller cancelled: never an outage, except as the half-open probe, which it must not pass. */
    isCancelled: (error: Error) => boolean,
  ) {
    // cockatiel closes a half-open breaker on any error it is not told to count: a probe cut short
    // says nothing about the upstream, so it keeps the breaker open instead.
    const counts = (error: Error): boolean => isOutage(error) || (isCancelled(error) && this.policy.state === CircuitState.HalfOpen);
    this.policy = circuitBreaker(handleWhen(counts), { halfOpenAfter: openMs, breaker: new ConsecutiveBreaker(failures) });
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
    });
  }

  /**
   * Runs one upstream attempt through the breaker and `within` (its timeout, composed with cockatiel's
   * `wrap`): the attempt gets a signal aborted by the timeout or by `signal`, the call's.
   */
  async run<T>(attempt: (signal: AbortSignal) => Promise<T>, within: TimeoutPolicy, signal: AbortSignal | undefined): Promise<T> {
    try {
      return await wrap(this.policy, within).execute((context) => attempt(context.signal), signal);
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw this.refusal();
      throw error;
    }
  }

  /**
   * Refuses at once while open or while the half-open probe is under way, before a call waits for
   * anything (a connection, the rate budget, the probe's outcome: cockatiel would hold it, deaf to
   * its signal, until the probe ends).
   */
  throwIfOpen(): void {
    if (this.policy.state === CircuitState.HalfOpen || this.state.state === 'open') throw this.refusal();
  }

  private refusal(): CloudImagesError {
    return new CloudImagesError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `The image service is failing; calls to it are paused for up to ${this.openMs} ms after repeated failures (circuit breaker open).`,
    );
  }

  /**
   * Open only while calls are refused: once `openMs` has passed, the next call probes the upstream,
   * so readiness must not keep traffic (and with it the probe) away.
   */
  get state(): BreakerState {
    switch (this.policy.state) {
      case CircuitState.Closed:
        return { state: 'closed' };
      case CircuitState.HalfOpen:
        return { state: 'half-open' };
      default: {
        const retryAt = this.openedAt + this.openMs;
        return Date.now() < retryAt ? { state: 'open', retryAt: new Date(retryAt).toISOString() } : { state: 'half-open' };
      }
    }
  }
}
