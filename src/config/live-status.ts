import type { WatchSettings } from '../images/image-watch.js';
import type { SubscriptionLimits } from '../http/live/subscription-slots.js';
import { ConfigError, int, readVariables, type Env } from './values.js';

/** Live image status (subscriptions): how often a watched image is polled, how long a watch lasts, how many may be open (README, "Live status"). */

const variables = {
  WATCH_INTERVAL_MS: int('WATCH_INTERVAL_MS', 100, 3_600_000).default(5000),
  WATCH_MAX_MS: int('WATCH_MAX_MS', 1000, 86_400_000).default(30 * 60_000),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: int('MAX_SUBSCRIPTIONS_PER_CONNECTION', 1, 1000).default(20),
  MAX_SUBSCRIPTIONS_PER_CALLER: int('MAX_SUBSCRIPTIONS_PER_CALLER', 1, 100_000).default(100),
  SHUTDOWN_GRACE_MS: int('SHUTDOWN_GRACE_MS', 0, 600_000).default(10_000),
};

export function liveStatusSettings(env: Env) {
  const e = readVariables(env, variables);
  if (e.WATCH_MAX_MS < e.WATCH_INTERVAL_MS) throw new ConfigError([`WATCH_MAX_MS (${e.WATCH_MAX_MS}) must be at least WATCH_INTERVAL_MS (${e.WATCH_INTERVAL_MS}): a watch would end before its first poll`]);
  if (e.MAX_SUBSCRIPTIONS_PER_CALLER < e.MAX_SUBSCRIPTIONS_PER_CONNECTION) {
    throw new ConfigError([`MAX_SUBSCRIPTIONS_PER_CALLER (${e.MAX_SUBSCRIPTIONS_PER_CALLER}) must be at least MAX_SUBSCRIPTIONS_PER_CONNECTION (${e.MAX_SUBSCRIPTIONS_PER_CONNECTION})`]);
  }
  const watch: WatchSettings = { intervalMs: e.WATCH_INTERVAL_MS, maxWatchMs: e.WATCH_MAX_MS };
  const limits: SubscriptionLimits = { perConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION, perCaller: e.MAX_SUBSCRIPTIONS_PER_CALLER };
  return {
    watch,
    limits,
    /** On SIGTERM: how long open subscriptions and requests in flight get to finish before connections are cut. */
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}

export type LiveStatusSettings = ReturnType<typeof liveStatusSettings>;
