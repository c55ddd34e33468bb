import { z } from 'zod';
import type { ListingCacheOptions } from '../images/listing-cache.js';
import type { RateBudgetOptions } from '../shared-state/rate-budget.js';
import type { RedisOptions } from '../shared-state/redis-link.js';
import { ConfigError, int, readVariables, type Env } from './values.js';

/**
 * State that outlives a request and may be shared between instances: per-caller snapshots of whole
 * listings (picker queries), the page cache, the upstream call budget, and Redis, where instances
 * share all three (REDIS_URL); without it, all of that is per process.
 */

/** REDIS_URL: its text never appears in a message (it may carry a password). */
const redisUrl = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol), 'REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379');

/** SNAPSHOT_MAX_IMAGES's default; the subgraph's checked-in `@cost` prices a snapshot read by it. */
export const DEFAULT_SNAPSHOT_MAX_IMAGES = 20_000;

const variables = {
  SNAPSHOT_TTL_MS: int('SNAPSHOT_TTL_MS', 0, 86_400_000).default(30_000),
  SNAPSHOT_MAX_MB: int('SNAPSHOT_MAX_MB', 1, 65_536).default(64),
  SNAPSHOT_MAX_IMAGES: int('SNAPSHOT_MAX_IMAGES', 1, 1_000_000).default(DEFAULT_SNAPSHOT_MAX_IMAGES),
  CACHE_TTL_MS: int('CACHE_TTL_MS', 0, 86_400_000).default(0),
  CACHE_MAX_MB: int('CACHE_MAX_MB', 1, 65_536).default(32),
  UPSTREAM_RATE_LIMIT: int('UPSTREAM_RATE_LIMIT', 1, 100_000).optional(),
  UPSTREAM_RATE_WAIT_MS: int('UPSTREAM_RATE_WAIT_MS', 0, 600_000).optional(),
  REDIS_URL: redisUrl.optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{1,64}$/, 'REDIS_KEY_PREFIX must be 1 to 64 printable characters without spaces')
    .optional(),
  REDIS_TIMEOUT_MS: int('REDIS_TIMEOUT_MS', 1, 60_000).optional(),
  REDIS_MAX_VALUE_MB: int('REDIS_MAX_VALUE_MB', 1, 512).optional(),
};

type Values = z.output<z.ZodObject<typeof variables>>;

const MB = 2 ** 20;

function rateBudget(e: Values): RateBudgetOptions | undefined {
  if (e.UPSTREAM_RATE_LIMIT === undefined) {
    if (e.UPSTREAM_RATE_WAIT_MS !== undefined) throw new ConfigError(['UPSTREAM_RATE_WAIT_MS goes with UPSTREAM_RATE_LIMIT, which is not set']);
    return undefined;
  }
  return { perSecond: e.UPSTREAM_RATE_LIMIT, waitMs: e.UPSTREAM_RATE_WAIT_MS ?? 2000 };
}

function redis(e: Values): RedisOptions | undefined {
  const tuned = [e.REDIS_KEY_PREFIX, e.REDIS_TIMEOUT_MS, e.REDIS_MAX_VALUE_MB].some((v) => v !== undefined);
  if (e.REDIS_URL === undefined) {
    if (tuned) throw new ConfigError(['REDIS_KEY_PREFIX, REDIS_TIMEOUT_MS and REDIS_MAX_VALUE_MB go with REDIS_URL, which is not set']);
    return undefined;
  }
  return { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX ?? 'cloudimages:', commandTimeoutMs: e.REDIS_TIMEOUT_MS ?? 500, maxValueBytes: (e.REDIS_MAX_VALUE_MB ?? 8) * MB };
}

export function sharedStateSettings(env: Env) {
  const e = readVariables(env, variables);
  const snapshots: Pick<ListingCacheOptions, 'ttlMs' | 'maxBytes'> & { maxImages: number } = {
    ttlMs: e.SNAPSHOT_TTL_MS,
    maxBytes: e.SNAPSHOT_MAX_MB * MB,
    /** A listing with more images is refused rather than walked. */
    maxImages: e.SNAPSHOT_MAX_IMAGES,
  };
  const pageCache: Pick<ListingCacheOptions, 'ttlMs' | 'maxBytes'> = { ttlMs: e.CACHE_TTL_MS, maxBytes: e.CACHE_MAX_MB * MB };
  return {
    /** Per-caller snapshots of a whole listing, for what the upstream cannot answer (picker queries). */
    snapshots,
    /** Pass-through listing pages served from cache; a ttlMs of 0 (the default) is off. */
    pageCache,
    /** UPSTREAM_RATE_LIMIT; undefined: no budget of our own (the cloud's throttling still answers RATE_LIMITED). */
    rateBudget: rateBudget(e),
    /** REDIS_URL: shared snapshots, page cache and rate budget; undefined: all in process. */
    redis: redis(e),
  };
}

export type SharedStateSettings = ReturnType<typeof sharedStateSettings>;
