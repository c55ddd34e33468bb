import { describe, expect, it } from 'vitest';
import { CloudImagesError, ErrorCode } from '../../src/upstream/errors.js';
import { RetryableFailure, retryPolicy } from '../../src/upstream/retry-policy.js';

/**
 * The retry policy on its own (cockatiel's retry and ExponentialBackoff): which failures are tried
 * again, how many times, and the wait it writes on each failure for the next attempt to sleep.
 */

function failing(retryAfterSeconds?: number): RetryableFailure {
  return new RetryableFailure(new CloudImagesError(ErrorCode.UPSTREAM_UNAVAILABLE, 'busy', undefined, retryAfterSeconds));
}

describe('retryPolicy', () => {
  it('tries maxAttempts times in all, writing full-jitter exponential waits on the failures it retries', async () => {
    const failures: RetryableFailure[] = [];
    const policy = retryPolicy({ maxAttempts: 4, retryBaseDelayMs: 100 }, () => 0.5);
    const started = performance.now();
    const error = await policy
      .execute(() => {
        const failure = failing();
        failures.push(failure);
        throw failure;
      })
      .catch((thrown: unknown) => thrown);
    expect(failures).toHaveLength(4);
    expect(error).toBe(failures[3]);
    expect(failures.map((failure) => failure.waitMs)).toEqual([50, 100, 200, undefined]);
    // The waits are the next attempt's to sleep: the policy itself goes on at once.
    expect(performance.now() - started).toBeLessThan(150);
  });

  it('Retry-After wins over the backoff, which still advances', async () => {
    const failures: RetryableFailure[] = [];
    const policy = retryPolicy({ maxAttempts: 3, retryBaseDelayMs: 100 }, () => 0.999);
    await expect(
      policy.execute(({ attempt }) => {
        const failure = failing(attempt === 0 ? 7 : undefined);
        failures.push(failure);
        throw failure;
      }),
    ).rejects.toBeInstanceOf(RetryableFailure);
    expect(failures.map((failure) => failure.waitMs)).toEqual([7000, 200, undefined]);
  });

  it('anything but a RetryableFailure ends the call at once', async () => {
    let calls = 0;
    const refused = new CloudImagesError(ErrorCode.BAD_USER_INPUT, 'no');
    await expect(
      retryPolicy({ maxAttempts: 5, retryBaseDelayMs: 1 }, Math.random).execute(() => {
        calls++;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('a success after failures is the answer', async () => {
    let calls = 0;
    const answer = await retryPolicy({ maxAttempts: 3, retryBaseDelayMs: 1 }, () => 0).execute(() => {
      if (++calls < 3) throw failing();
      return 'images';
    });
    expect(answer).toBe('images');
    expect(calls).toBe(3);
  });
});
