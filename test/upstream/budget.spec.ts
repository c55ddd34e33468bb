import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { RateBudget } from '../../src/shared-state/rate-budget.js';
import { CloudImagesClient, type CallBudget, type ClientOptions } from '../../src/upstream/client.js';
import { ClientGone, CloudImagesError, ErrorCode } from '../../src/upstream/errors.js';
import { useStubClients } from '../helpers/stub-clients.js';
import { reply, type StubHandler } from '../helpers/stub-upstream.js';

/**
 * The client and its budget of upstream calls (CallBudget), against the stub upstream: every
 * attempt takes the budget once, right before it is sent (retries too); a refusal or a
 * cancellation while waiting for the budget sends nothing and says nothing about the upstream
 * (the breaker neither counts it nor closes on it); an open breaker, or a call already cancelled,
 * takes no budget at all.
 */

const CREDENTIALS = { token: 'tok' };
const REGION = 'cn-north-4';
const OPEN_MS = 50;

const stubbed = useStubClients({ retryBaseDelayMs: 1, breakerFailures: 2, breakerOpenMs: 10_000 }, () => 0.5);
const client = (options: Partial<ClientOptions> = {}): CloudImagesClient => stubbed.client(options);

/**
 * A scripted budget: grants, refuses with RATE_LIMITED, or waits on the call's signal (and fails
 * with its reason, like RateBudget). Records how many requests the stub had seen at each take.
 */
class FakeBudget implements CallBudget {
  mode: 'grant' | 'refuse' | 'wait' = 'grant';
  /** stubbed.stub.requests.length at each take: what had been sent before it. */
  readonly takes: number[] = [];
  /** Takes currently waiting (mode 'wait'). */
  waiting = 0;

  async take(signal: AbortSignal): Promise<void> {
    this.takes.push(stubbed.stub.requests.length);
    if (this.mode === 'refuse') throw new CloudImagesError(ErrorCode.RATE_LIMITED, 'budget spent (fake)', undefined, 1);
    if (this.mode === 'wait') {
      this.waiting++;
      try {
        await new Promise<never>((_resolve, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      } finally {
        this.waiting--;
      }
    }
  }
}

const ok = (): StubHandler => reply(200, { images: [] });
const unavailable = (): StubHandler => reply(503, { error_code: 'X', error_msg: 'down' });

/** The CloudImagesError a call rejects with. */
async function failure(call: Promise<unknown>): Promise<CloudImagesError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudImagesError);
  return error as CloudImagesError;
}

/** Opens the breaker of `c` (breakerFailures 2) with two 503s; the stub then has 2 requests. */
async function openBreaker(c: CloudImagesClient): Promise<void> {
  stubbed.stub.enqueue(unavailable(), unavailable());
  for (let i = 0; i < 2; i++) expect((await failure(c.listImages(CREDENTIALS, REGION))).code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
  expect(stubbed.stub.requests).toHaveLength(2);
  expect(c.breakerState.state).toBe('open');
}

describe('each attempt takes the budget once', () => {
  it('a 503 then a 200 with maxAttempts 2: two takes, two requests, each take before its request', async () => {
    const budget = new FakeBudget();
    const c = client({ budget, maxAttempts: 2 });
    stubbed.stub.enqueue(unavailable(), ok());
    await expect(c.listImages(CREDENTIALS, REGION)).resolves.toMatchObject({ images: [] });
    expect(stubbed.stub.requests).toHaveLength(2);
    // The first take saw nothing sent, the retry's take saw exactly the first attempt.
    expect(budget.takes).toEqual([0, 1]);
  });

  it('a retry after a 429 with Retry-After takes the budget again', async () => {
    const budget = new FakeBudget();
    const c = client({ budget, maxAttempts: 3 });
    stubbed.stub.enqueue(reply(429, { error_code: 'APIGW.0308', error_msg: 'throttled' }, { 'retry-after': '0' }), unavailable(), ok());
    await c.listImages(CREDENTIALS, REGION);
    expect(stubbed.stub.requests).toHaveLength(3);
    expect(budget.takes).toEqual([0, 1, 2]);
  });

  it('a call that succeeds at once takes it once (real RateBudget: the second of a limit of 1 is refused)', async () => {
    const budget = new RateBudget({ perSecond: 1, waitMs: 0 });
    const c = client({ budget });
    await c.listImages(CREDENTIALS, REGION);
    expect(stubbed.stub.requests).toHaveLength(1);
    expect((await failure(c.listImages(CREDENTIALS, REGION))).code).toBe(ErrorCode.RATE_LIMITED);
    expect(stubbed.stub.requests).toHaveLength(1);
    expect(budget.refused).toBe(1);
  });
});

describe('a budget refusal', () => {
  it('fails the call with RATE_LIMITED and sends nothing', async () => {
    const budget = new FakeBudget();
    budget.mode = 'refuse';
    const c = client({ budget, maxAttempts: 1 });
    const error = await failure(c.listImages(CREDENTIALS, REGION));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.retryAfterSeconds).toBe(1);
    expect(stubbed.stub.requests).toHaveLength(0);
    expect(budget.takes).toEqual([0]);
  });

  it('never opens the breaker, even after more refusals than breakerFailures (fake budget)', async () => {
    const budget = new FakeBudget();
    budget.mode = 'refuse';
    const c = client({ budget, breakerFailures: 2 });
    for (let i = 0; i < 6; i++) expect((await failure(c.listImages(CREDENTIALS, REGION))).code).toBe(ErrorCode.RATE_LIMITED);
    expect(budget.takes).toHaveLength(6);
    expect(stubbed.stub.requests).toHaveLength(0);
    expect(c.breakerState).toEqual({ state: 'closed' });
    budget.mode = 'grant';
    await expect(c.listImages(CREDENTIALS, REGION)).resolves.toMatchObject({ images: [] });
    expect(stubbed.stub.requests).toHaveLength(1);
  });

  it('never opens the breaker (real RateBudget, limit 1, no wait)', async () => {
    const budget = new RateBudget({ perSecond: 1, waitMs: 0 });
    const c = client({ budget, breakerFailures: 2 });
    await c.listImages(CREDENTIALS, REGION);
    for (let i = 0; i < 5; i++) expect((await failure(c.listImages(CREDENTIALS, REGION))).code).toBe(ErrorCode.RATE_LIMITED);
    expect(budget.refused).toBe(5);
    expect(stubbed.stub.requests).toHaveLength(1);
    expect(c.breakerState).toEqual({ state: 'closed' });
  });
});

describe('a half-open breaker', () => {
  it('is not closed by a probe the budget refused: the next call is the probe that reaches the upstream', async () => {
    const budget = new FakeBudget();
    const c = client({ budget, breakerFailures: 2, breakerOpenMs: OPEN_MS });
    await openBreaker(c);
    await sleep(OPEN_MS + 10);
    expect(c.breakerState.state).toBe('half-open');

    budget.mode = 'refuse';
    expect((await failure(c.listImages(CREDENTIALS, REGION))).code).toBe(ErrorCode.RATE_LIMITED);
    expect(stubbed.stub.requests).toHaveLength(2);
    expect(c.breakerState.state).toBe('half-open');

    // The real probe: it reaches the stub, and its one 503 opens the breaker again at once (a
    // closed breaker would need breakerFailures of them).
    budget.mode = 'grant';
    stubbed.stub.enqueue(unavailable());
    expect((await failure(c.listImages(CREDENTIALS, REGION))).code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(stubbed.stub.requests).toHaveLength(3);
    expect(c.breakerState.state).toBe('open');

    // And a successful probe closes it.
    await sleep(OPEN_MS + 10);
    expect(c.breakerState.state).toBe('half-open');
    await expect(c.listImages(CREDENTIALS, REGION)).resolves.toMatchObject({ images: [] });
    expect(stubbed.stub.requests).toHaveLength(4);
    expect(c.breakerState).toEqual({ state: 'closed' });
  });

  it('is not closed by a probe cancelled while it waited for the budget', async () => {
    const budget = new FakeBudget();
    const c = client({ budget, breakerFailures: 2, breakerOpenMs: OPEN_MS });
    await openBreaker(c);
    await sleep(OPEN_MS + 10);
    expect(c.breakerState.state).toBe('half-open');

    budget.mode = 'wait';
    const controller = new AbortController();
    const call = failure(c.listImages(CREDENTIALS, REGION, {}, controller.signal));
    await expect.poll(() => budget.waiting).toBe(1);
    controller.abort(new ClientGone());
    expect(await call).toBeInstanceOf(ClientGone);
    expect(stubbed.stub.requests).toHaveLength(2);
    expect(c.breakerState.state).toBe('half-open');

    budget.mode = 'grant';
    stubbed.stub.enqueue(unavailable());
    await failure(c.listImages(CREDENTIALS, REGION));
    expect(stubbed.stub.requests).toHaveLength(3);
    expect(c.breakerState.state).toBe('open');
  });
});

describe('an open breaker', () => {
  it('fails calls with UPSTREAM_UNAVAILABLE without taking the budget or calling the upstream', async () => {
    const budget = new FakeBudget();
    const c = client({ budget, breakerFailures: 2, breakerOpenMs: 10_000 });
    await openBreaker(c);
    expect(budget.takes).toHaveLength(2);
    for (let i = 0; i < 4; i++) {
      const error = await failure(c.listImages(CREDENTIALS, REGION));
      expect(error.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
      expect(error.message).toMatch(/circuit breaker/);
    }
    expect(budget.takes).toHaveLength(2);
    expect(stubbed.stub.requests).toHaveLength(2);
  });

  it('leaves a real RateBudget untouched (its one slot is still there once the breaker closes)', async () => {
    const budget = new RateBudget({ perSecond: 3, waitMs: 0 });
    const c = client({ budget, breakerFailures: 2, breakerOpenMs: OPEN_MS });
    await openBreaker(c); // two of the three slots
    for (let i = 0; i < 3; i++) expect((await failure(c.listImages(CREDENTIALS, REGION))).code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(budget.refused).toBe(0);
    await sleep(OPEN_MS + 10);
    // The probe gets the third slot (the window is 1.2 s: none of the first two has left it).
    await expect(c.listImages(CREDENTIALS, REGION)).resolves.toMatchObject({ images: [] });
    expect(stubbed.stub.requests).toHaveLength(3);
    expect(budget.refused).toBe(0);
  });
});

describe('cancellation and the budget', () => {
  it('an already-aborted signal takes no budget and sends nothing', async () => {
    const budget = new FakeBudget();
    const c = client({ budget });
    const gone = new AbortController();
    const reason = new ClientGone();
    gone.abort(reason);
    expect(await failure(c.listImages(CREDENTIALS, REGION, {}, gone.signal))).toBe(reason);
    const plain = new AbortController();
    plain.abort();
    expect((await failure(c.listImages(CREDENTIALS, REGION, {}, plain.signal))).code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
    expect(budget.takes).toEqual([]);
    expect(stubbed.stub.requests).toHaveLength(0);
  });

  it('a signal aborted while a real RateBudget makes the call wait ends it promptly with its reason, sending nothing', async () => {
    const budget = new RateBudget({ perSecond: 1, waitMs: 5_000 });
    const c = client({ budget, breakerFailures: 1 });
    await c.listImages(CREDENTIALS, REGION);
    expect(stubbed.stub.requests).toHaveLength(1);

    const controller = new AbortController();
    const call = failure(c.listImages(CREDENTIALS, REGION, {}, controller.signal));
    // It waits for the slot (about 1.2 s away).
    await expect.poll(() => budget.waited, { interval: 5 }).toBe(1);
    const reason = new CloudImagesError(ErrorCode.UPSTREAM_TIMEOUT, 'request deadline (test)');
    const aborted = performance.now();
    controller.abort(reason);
    expect(await call).toBe(reason);
    expect(performance.now() - aborted).toBeLessThan(200);
    expect(stubbed.stub.requests).toHaveLength(1);
    expect(budget.refused).toBe(0);
    // No outage counted (breakerFailures 1 would have opened it).
    expect(c.breakerState).toEqual({ state: 'closed' });
  });

  it('a signal aborted while a budget waits on it: UPSTREAM_TIMEOUT for a plain abort, nothing sent, no outage counted', async () => {
    const budget = new FakeBudget();
    budget.mode = 'wait';
    const c = client({ budget, breakerFailures: 1 });
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const call = failure(c.listImages(CREDENTIALS, REGION, {}, controller.signal));
      await expect.poll(() => budget.waiting, { interval: 5 }).toBe(1);
      const aborted = performance.now();
      controller.abort();
      expect((await call).code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
      expect(performance.now() - aborted).toBeLessThan(200);
    }
    expect(budget.takes).toHaveLength(3);
    expect(stubbed.stub.requests).toHaveLength(0);
    expect(c.breakerState).toEqual({ state: 'closed' });
  });

  it('the call’s own total budget running out while it waits for the upstream budget: UPSTREAM_TIMEOUT, nothing sent', async () => {
    const budget = new FakeBudget();
    budget.mode = 'wait';
    const c = client({ budget, totalBudgetMs: 100, breakerFailures: 1 });
    const started = performance.now();
    expect((await failure(c.listImages(CREDENTIALS, REGION))).code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(stubbed.stub.requests).toHaveLength(0);
    expect(c.breakerState).toEqual({ state: 'closed' });
  });

  it('the same when the wait\'s timer fires before the wall clock reaches the deadline (timers may run a little early)', async () => {
    const budget = new FakeBudget();
    budget.mode = 'wait';
    const c = client({ budget, totalBudgetMs: 100 });
    // The wall clock stands still: only the wait's own timer says the budget ran out.
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    try {
      const error = await failure(c.listImages(CREDENTIALS, REGION));
      expect(error.code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
    } finally {
      clock.mockRestore();
    }
    expect(stubbed.stub.requests).toHaveLength(0);
  });
});
