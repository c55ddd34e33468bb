import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/upstream/errors.js';
import { ALICE, useApi } from '../helpers/api-server.js';

/**
 * The whole server over its upstream call budget (UPSTREAM_RATE_LIMIT): a call over it is refused
 * with RATE_LIMITED and Retry-After, and never reaches the upstream. The budget alone:
 * rate-budget.spec.ts.
 */

describe('the server over budget (UPSTREAM_RATE_LIMIT=2, UPSTREAM_RATE_WAIT_MS=0)', () => {
  const api = useApi({ env: { UPSTREAM_RATE_LIMIT: '2', UPSTREAM_RATE_WAIT_MS: '0' } });

  const post = async (query: string) => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ALICE.token },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string; retryAfterSeconds?: number } }[] };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
  };

  it('of three different pages at once, two are answered and one is refused with RATE_LIMITED and Retry-After; the upstream saw two calls', async () => {
    // Nothing upstream, so it warms the server up without spending the budget.
    expect((await post('{ regions }')).status).toBe(200);
    api.emulator.clearRequests();
    const pages = ['cn-north-4', 'cn-east-3', 'tr-west-1'].map((region) => `{ images(region: "${region}", first: 2) { nodes { imageId } } }`);
    // Sent together, so that all three fall in one window however slow this machine is.
    const answers = await Promise.all(pages.map(post));
    // HTTP 200 all three (src/shared-state/rate-budget.ts: like the cloud's own 429, beside whatever else the operation answered).
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const refused = answers.filter((answer) => answer.body.errors !== undefined);
    const served = answers.filter((answer) => answer.body.errors === undefined);
    expect(served).toHaveLength(2);
    for (const answer of served) expect(answer.retryAfter).toBeNull();
    expect(refused).toHaveLength(1);
    const [over] = refused;
    expect(over!.body.errors?.map((e) => e.extensions?.code)).toEqual([ErrorCode.RATE_LIMITED]);
    const seconds = over!.body.errors![0]!.extensions!.retryAfterSeconds!;
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(over!.retryAfter).toBe(String(seconds));
    expect(api.emulator.apiRequests).toHaveLength(2);
  });
});
