import { z } from 'zod';
import type { ClientSettings, ServerCredentials } from '../upstream/client.js';
import { ConfigError, id, int, readVariables, secret, urlOf, type Env } from './values.js';

/** The upstream: where it is, how each call to it behaves, and whose credentials the server calls it with. */

const endpoint = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const url = urlOf(value);
    if (!url) {
      ctx.addIssue({ code: 'custom', message: `CLOUDIMAGES_ENDPOINT must be an absolute http(s) URL, e.g. https://iecs.myhuaweicloud.com` });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `CLOUDIMAGES_ENDPOINT must use http or https, not ${url.protocol.replace(':', '')}` });
      return z.NEVER;
    }
    if (url.username || url.password || url.search || url.hash) {
      ctx.addIssue({ code: 'custom', message: 'CLOUDIMAGES_ENDPOINT must not carry credentials, a query or a fragment' });
      return z.NEVER;
    }
    return url.toString().replace(/\/+$/, '');
  });

const variables = {
  /** Unset: the embedded emulator. */
  CLOUDIMAGES_ENDPOINT: endpoint.optional(),
  UPSTREAM_TIMEOUT_MS: int('UPSTREAM_TIMEOUT_MS', 1, 600_000).default(10_000),
  UPSTREAM_MAX_ATTEMPTS: int('UPSTREAM_MAX_ATTEMPTS', 1, 10).default(3),
  UPSTREAM_RETRY_BASE_MS: int('UPSTREAM_RETRY_BASE_MS', 0, 60_000).default(200),
  UPSTREAM_TOTAL_BUDGET_MS: int('UPSTREAM_TOTAL_BUDGET_MS', 1, 600_000).default(20_000),
  UPSTREAM_CONCURRENCY: int('UPSTREAM_CONCURRENCY', 1, 256).default(8),
  UPSTREAM_MAX_IN_FLIGHT: int('UPSTREAM_MAX_IN_FLIGHT', 1, 4096).default(64),
  BREAKER_FAILURES: int('BREAKER_FAILURES', 1, 1000).default(5),
  BREAKER_OPEN_MS: int('BREAKER_OPEN_MS', 1, 3_600_000).default(10_000),
  REQUEST_DEADLINE_MS: int('REQUEST_DEADLINE_MS', 1, 600_000).default(25_000),
  HUAWEICLOUD_SDK_AK: secret('HUAWEICLOUD_SDK_AK').optional(),
  HUAWEICLOUD_SDK_SK: secret('HUAWEICLOUD_SDK_SK').optional(),
  HUAWEICLOUD_SDK_DOMAIN_ID: id('HUAWEICLOUD_SDK_DOMAIN_ID').optional(),
  HUAWEICLOUD_SDK_PROJECT_ID: id('HUAWEICLOUD_SDK_PROJECT_ID').optional(),
  CONTRACT_CHECK_TOKEN: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{1,65536}$/, 'CONTRACT_CHECK_TOKEN must be an IAM token: printable characters without spaces')
    .optional(),
};

type Values = z.output<z.ZodObject<typeof variables>>;

/** AK/SK mode when both keys are set: the server signs every call with its own keys. Token mode otherwise: each caller's IAM token goes upstream. */
function serverCredentials(e: Values): ServerCredentials | undefined {
  const { HUAWEICLOUD_SDK_AK: ak, HUAWEICLOUD_SDK_SK: sk } = e;
  if (ak === undefined && sk === undefined) {
    if (e.HUAWEICLOUD_SDK_DOMAIN_ID !== undefined || e.HUAWEICLOUD_SDK_PROJECT_ID !== undefined) {
      throw new ConfigError(['HUAWEICLOUD_SDK_DOMAIN_ID and HUAWEICLOUD_SDK_PROJECT_ID go with HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, which are not set']);
    }
    return undefined;
  }
  if (ak === undefined || sk === undefined) {
    throw new ConfigError([`HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must be set together (${ak === undefined ? 'HUAWEICLOUD_SDK_AK' : 'HUAWEICLOUD_SDK_SK'} is missing)`]);
  }
  return { aksk: { ak, sk }, domainId: e.HUAWEICLOUD_SDK_DOMAIN_ID, projectId: e.HUAWEICLOUD_SDK_PROJECT_ID };
}

export function upstreamSettings(env: Env) {
  const e = readVariables(env, variables);
  const client: ClientSettings = {
    timeoutMs: e.UPSTREAM_TIMEOUT_MS,
    maxAttempts: e.UPSTREAM_MAX_ATTEMPTS,
    retryBaseDelayMs: e.UPSTREAM_RETRY_BASE_MS,
    totalBudgetMs: e.UPSTREAM_TOTAL_BUDGET_MS,
    maxInFlight: e.UPSTREAM_MAX_IN_FLIGHT,
    breakerFailures: e.BREAKER_FAILURES,
    breakerOpenMs: e.BREAKER_OPEN_MS,
  };
  return {
    /** Base URL; undefined means the embedded emulator. */
    endpoint: e.CLOUDIMAGES_ENDPOINT,
    client,
    /** Upstream calls one GraphQL request may have in flight at once. */
    concurrency: e.UPSTREAM_CONCURRENCY,
    /** Most time one GraphQL request may take; its upstream calls are cancelled then (and when its client disconnects). */
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    /** AK/SK mode: the server's own access key pair; undefined in token mode. */
    credentials: serverCredentials(e),
    /** The IAM token `npm run contract-check` calls CLOUDIMAGES_ENDPOINT with; the server never reads it. */
    contractCheckToken: e.CONTRACT_CHECK_TOKEN,
  };
}

export type UpstreamSettings = ReturnType<typeof upstreamSettings>;
