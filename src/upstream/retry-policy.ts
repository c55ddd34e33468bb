import { ExponentialBackoff, handleType, noJitterGenerator, retry, type IBackoff, type IBackoffFactory, type IRetryBackoffContext, type RetryPolicy } from 'cockatiel';
import { CloudImagesError, ErrorCode } from './errors.js';

/**
 * When a failed attempt is tried again: cockatiel's `retry` decides (a RetryableFailure, attempts
 * left, the caller still there) and its ExponentialBackoff with full jitter gives the wait, unless
 * the upstream sent `Retry-After`, which wins. The wait itself is the next attempt's to sleep
 * (`RetryableFailure.waitMs`): cockatiel's own sleep does not listen to the call's signal, and a
 * wait that would pass the call's deadline must end the call at once rather than be slept.
 */

/** Marks a failure that another attempt may cure (and that counts against the breaker); never escapes the client. */
export class RetryableFailure extends Error {
  /** How long to wait before the next attempt, set by the retry policy's backoff when there is one. */
  waitMs: number | undefined;

  constructor(readonly error: CloudImagesError) {
    super(error.message);
  }
}

/** An attempt ended by the call's signal (or not made for lack of time); `fetchList` turns it into the signal's reason. */
export class CancelledAttempt extends Error {}

export interface RetrySettings {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Base of the jittered exponential backoff: the first retry waits up to this, each next one up to twice the last. */
  retryBaseDelayMs: number;
}

export function retryPolicy(settings: RetrySettings, random: () => number): RetryPolicy {
  const exponential = new ExponentialBackoff({
    initialDelay: settings.retryBaseDelayMs,
    // Uncapped: a wait past the call's deadline ends the call instead of being shortened.
    maxDelay: Number.POSITIVE_INFINITY,
    // Full jitter (a wait anywhere in [0, base·2^(retry-1)]), from the client's source of randomness.
    generator: (state: number | undefined, options) => {
      const [delay, next] = noJitterGenerator(state, options);
      return [Math.round(random() * delay), next];
    },
  });
  return retry(handleType(RetryableFailure), { maxAttempts: settings.maxAttempts - 1, backoff: new RetryWait(exponential) });
}

/** Writes each retry's wait on its failure (Retry-After first) and lets cockatiel go on at once. */
class RetryWait implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly exponential: IBackoffFactory<unknown>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return this.step(this.exponential.next(undefined), context);
  }

  private step(exponential: IBackoff<unknown>, context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const failure = 'error' in context.result ? context.result.error : undefined;
    if (failure instanceof RetryableFailure) {
      const retryAfter = failure.error.retryAfterSeconds;
      failure.waitMs = retryAfter !== undefined ? retryAfter * 1000 : exponential.duration;
    }
    return { duration: 0, next: (next) => this.step(exponential.next(undefined), next) };
  }
}

/** What counts against the breaker: 5xx, timeouts, an unreachable upstream; never an answer given on purpose (4xx, 429). */
export function isOutage(error: Error): boolean {
  const failure = error instanceof RetryableFailure ? error.error : error;
  if (!(failure instanceof CloudImagesError)) return false;
  return failure.code === ErrorCode.UPSTREAM_TIMEOUT || failure.code === ErrorCode.UPSTREAM_UNAVAILABLE || (failure.upstream?.status ?? 0) >= 500;
}

/** A call ended by its signal: the caller's own reason (deadline, client gone), or the total budget. */
export function cancelled(reason: unknown, totalBudgetMs: number): CloudImagesError {
  if (reason instanceof CloudImagesError) return reason;
  return new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, `The image service did not answer within the ${totalBudgetMs} ms allowed for one call, retries included`);
}

/**
 * What a call's waits (the rate budget, a backoff between attempts) listen to: aborted when the
 * call's caller goes away (with its reason) or when the call's total budget runs out.
 */
export class CallSignal {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly caller: AbortSignal | undefined,
    deadline: number,
  ) {
    this.timer = setTimeout(() => this.controller.abort(new DOMException('The call ran out of time', 'TimeoutError')), Math.max(0, deadline - Date.now()));
    if (caller?.aborted) {
      this.controller.abort(caller.reason);
    } else if (caller) {
      this.onAbort = () => this.controller.abort(caller.reason);
      caller.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.onAbort) this.caller?.removeEventListener('abort', this.onAbort);
  }
}
