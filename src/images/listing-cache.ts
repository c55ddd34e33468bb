import { setTimeout as delay } from 'node:timers/promises';
import type { ImageInfo } from '../upstream/wire.js';

/**
 * Listings kept for a while: snapshots of whole listings (for what the upstream cannot answer:
 * derived filters, counts, facets, the latest image) and, with CACHE_TTL_MS, single pages of
 * pass-through listings. Process-wide, but every key starts with a digest of the caller's
 * credentials, so no caller ever reads another's. A listing lives `ttlMs`; together they hold at
 * most `maxBytes` (their upstream bytes plus ENTRY_OVERHEAD each; the least recently used go
 * first, expired ones are swept); concurrent reads of one key share one walk.
 * With a shared tier (Redis, REDIS_URL) a miss looks there before walking, a walk is written there
 * before its readers get it, and an instance that finds another one walking the same key (its
 * claim, renewed while it walks) waits for that result instead, as long as the claim is held (at
 * most `maxWaitMs`); when that walk ends with nothing shared (it failed, or its listing was too
 * large for the tier), the waiters walk at once, in parallel, not one after another. Written here
 * because the bound is in bytes of upstream data, which lru-cache would need to be told anyway, and
 * the coalescing is most of the logic.
 */

export interface ListingCacheOptions {
  ttlMs: number;
  maxBytes: number;
  /** Where instances share listings (structurally SharedListings of src/shared-state/). */
  shared?: SharedTier | undefined;
  /** How long a claim on a key in the shared tier lasts unless renewed (it is, every third of it, while the walk runs); default 10 s. */
  claimMs?: number;
  /** Most time an instance waits for another one's walk, however long it renews its claim (a safety bound). */
  maxWaitMs?: number;
}

/** The right to walk a key for all instances; renew it while walking, release it after. */
export interface Claim {
  renew(): Promise<void>;
  /** `shared`: the result is in the tier. Otherwise the waiters are told to walk on their own. */
  release(shared: boolean): Promise<void>;
}

/** Whether another instance walks a key: `held`, `unshared` (its walk just ended with nothing in the tier), or `free`. */
export type ClaimState = 'held' | 'unshared' | 'free';

/** A tier shared between instances; each method answers as if it were empty (and claims free) when it fails. */
export interface SharedTier {
  get(key: string): Promise<Loaded | undefined>;
  /** Whether the listing was stored (a listing too large, or a tier that fails, stores nothing). */
  put(key: string, images: readonly ImageInfo[], ttlMs: number): Promise<boolean>;
  /** The claim, or undefined when another instance holds it (or just ended its walk unshared). */
  claim(key: string, ms: number): Promise<Claim | undefined>;
  claimed(key: string): Promise<ClaimState>;
}

/** A claim that holds nothing: when the tier cannot say, this instance walks without one. */
export const NO_CLAIM: Claim = { renew: () => Promise.resolve(), release: () => Promise.resolve() };

/**
 * What one kept listing costs beside its upstream bytes (the entry, its key twice, the Map slot):
 * measured at about 700 bytes for an empty page with a typical key, so many small pages (by-id
 * lookups of images that do not exist) are bounded too.
 */
const ENTRY_OVERHEAD = 512;
/** Expired entries are swept at most this often (a pass over all of them). */
const SWEEP_EVERY_MS = 1000;

/** How often an instance waiting for another's walk looks for its result. */
const POLL_MS = 25;

export interface Walked {
  images: ImageInfo[];
  /** Size of the upstream bodies, for the memory bound. */
  bytes: number;
}

const MAX_REFUSALS = 1000;

interface Entry extends Walked {
  expiresAt: number;
}

/** A listing with what is left of its TTL (from a walk here, or from the shared tier). */
export interface Loaded extends Walked {
  ttlMs: number;
}

export class ListingCache {
  /** In order of last use: the first is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly walking = new Map<string, Promise<ImageInfo[]>>();
  /** Walks that failed in a way worth remembering (a listing too large), until the TTL passes. */
  private readonly refused = new Map<string, { error: unknown; until: number }>();
  private bytes = 0;
  private swept = 0;
  /**
   * Reads served from memory, reads that were not (each of those waits for a load), loads served by
   * the shared tier (another instance's walk), and walks made (for metrics).
   */
  readonly counts = { hits: 0, misses: 0, sharedHits: 0, walks: 0 };

  private readonly options: ListingCacheOptions;

  constructor(
    options: ListingCacheOptions,
    /** Monotonic: a wall clock stepped back would keep listings past their TTL. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.options = { ...options, shared: options.shared && forgiving(options.shared) };
  }

  /**
   * The snapshot under `key`, walked by `walk` when there is none fresh (one walk for concurrent
   * readers). A walk that fails with an error `remember` accepts fails every read for the TTL.
   */
  read(key: string, walk: () => Promise<Walked>, remember: (error: unknown) => boolean = () => false): Promise<ImageInfo[]> {
    const refusal = this.refused.get(key);
    if (refusal && refusal.until > this.now()) return Promise.reject(refusal.error);
    if (refusal) this.refused.delete(key);
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.now()) {
      this.counts.hits++;
      this.entries.delete(key);
      this.entries.set(key, entry);
      return Promise.resolve(entry.images);
    }
    if (entry) this.drop(key);
    this.counts.misses++;
    let pending = this.walking.get(key);
    if (!pending) {
      pending = this.load(key, walk).then(
        (loaded) => {
          this.walking.delete(key);
          this.keep(key, loaded);
          return loaded.images;
        },
        (error: unknown) => {
          this.walking.delete(key);
          if (remember(error) && this.options.ttlMs > 0) {
            // Bounded like the snapshots: the oldest refusal goes first.
            if (this.refused.size >= MAX_REFUSALS) this.refused.delete(this.refused.keys().next().value!);
            this.refused.set(key, { error, until: this.now() + this.options.ttlMs });
          }
          throw error;
        },
      );
      this.walking.set(key, pending);
    }
    return pending;
  }

  get size(): { snapshots: number; bytes: number } {
    return { snapshots: this.entries.size, bytes: this.bytes };
  }

  /** From the shared tier when it has the listing (or another instance is walking it), else walked here. */
  private async load(key: string, walk: () => Promise<Walked>): Promise<Loaded> {
    const { shared, ttlMs } = this.options;
    if (!shared || ttlMs <= 0) return { ...(await this.walk(walk)), ttlMs };
    const found = await shared.get(key);
    if (found) return this.sharedHit(found);
    const claimed = await this.claimOrAwait(shared, key, this.now() + (this.options.maxWaitMs ?? 120_000));
    if (!('renew' in claimed)) return this.sharedHit(claimed);
    // The walk that held the claim may have ended between this instance's look and its claim.
    const again = await shared.get(key);
    if (again) {
      void claimed.release(true);
      return this.sharedHit(again);
    }
    const claimMs = this.claimMs;
    const renewing = setInterval(() => void claimed.renew(), Math.max(1, Math.floor(claimMs / 3)));
    renewing.unref();
    let stored = false;
    try {
      const walked = await this.walk(walk);
      // In the shared tier before any reader has it, so the next request on any instance finds it.
      stored = await shared.put(key, walked.images, ttlMs);
      return { ...walked, ttlMs };
    } finally {
      clearInterval(renewing);
      void claimed.release(stored);
    }
  }

  /**
   * The claim on `key`, or the listing another instance's walk put there while this one waited
   * (polling while that claim is held); NO_CLAIM (walk without one) when that walk ended with
   * nothing shared, or when `until` passes first.
   */
  private async claimOrAwait(shared: SharedTier, key: string, until: number): Promise<Claim | Loaded> {
    for (;;) {
      const claim = await shared.claim(key, this.claimMs);
      if (claim) return claim;
      let state: ClaimState = 'held';
      while (state === 'held') {
        if (this.now() >= until) return NO_CLAIM;
        await delay(POLL_MS);
        const found = await shared.get(key);
        if (found) return found;
        state = await shared.claimed(key);
      }
      if (state === 'unshared') return NO_CLAIM;
      // Their claim lapsed without a result: claim it here (or wait for whoever does).
    }
  }

  private get claimMs(): number {
    return this.options.claimMs ?? 10_000;
  }

  private sharedHit(found: Loaded): Loaded {
    this.counts.sharedHits++;
    return found;
  }

  private walk(walk: () => Promise<Walked>): Promise<Walked> {
    this.counts.walks++;
    return walk();
  }

  private keep(key: string, loaded: Loaded): void {
    const now = this.now();
    if (now - this.swept >= SWEEP_EVERY_MS) this.sweep(now);
    const bytes = loaded.bytes + ENTRY_OVERHEAD + 2 * key.length;
    // One listing larger than the whole bound is served to its readers but not kept.
    this.drop(key);
    if (loaded.ttlMs <= 0 || bytes > this.options.maxBytes) return;
    this.entries.set(key, { images: loaded.images, bytes, expiresAt: now + loaded.ttlMs });
    this.bytes += bytes;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.options.maxBytes) break;
      this.drop(oldest);
    }
  }

  /** Drops every expired entry (a key read again drops its own; this catches the ones never read again). */
  private sweep(now: number): void {
    this.swept = now;
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.drop(key);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/** A shared tier that keeps its promise to answer as if empty when it fails, even if it throws. */
function forgiving(tier: SharedTier): SharedTier {
  return {
    get: (key) => tier.get(key).catch(() => undefined),
    put: (key, images, ttlMs) => tier.put(key, images, ttlMs).catch(() => false),
    claim: (key, ms) =>
      tier.claim(key, ms).then(
        (claim) => claim && { renew: () => claim.renew().catch(() => undefined), release: (shared) => claim.release(shared).catch(() => undefined) },
        () => NO_CLAIM,
      ),
    claimed: (key) => tier.claimed(key).catch((): ClaimState => 'free'),
  };
}
