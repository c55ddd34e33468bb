import { LRUCache } from 'lru-cache';
import { setTimeout as delay } from 'node:timers/promises';
import { ClientGone } from '../upstream/errors.js';
import type { ImageInfo } from '../upstream/wire.js';

/**
 * Listings kept for a while: snapshots of whole listings (for what the upstream cannot answer:
 * derived filters, counts, facets, the latest image) and, with CACHE_TTL_MS, single pages of
 * pass-through listings. Process-wide, but every key starts with a digest of the caller's
 * credentials, so no caller ever reads another's. A listing lives `ttlMs`; together they hold at
 * most `maxBytes` (their upstream bytes plus ENTRY_OVERHEAD each; the least recently used go
 * first, expired ones are swept; walks in progress count toward the bound too); concurrent reads of
 * one key share one walk, which stops when every reader waiting for it has left.
 * With a shared tier (Redis, REDIS_URL) a miss looks there before walking, a walk is written there
 * before its readers get it, and an instance that finds another one walking the same key (its
 * claim, renewed while it walks) waits for that result instead, as long as the claim is held (at
 * most `maxWaitMs`); when that walk ends with nothing shared (it failed, or its listing was too
 * large for the tier), the waiters walk at once, in parallel, not one after another. The bounded
 * store is lru-cache's; the coalescing of walks and the protocol between instances are this file's.
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

/** A listing with what is left of its TTL (from a walk here, or from the shared tier). */
export interface Loaded extends Walked {
  ttlMs: number;
}

/** What a walk is given: a signal that fires when every reader waiting for it has left, and where it reports the bytes it holds so far. */
export interface WalkJob {
  signal: AbortSignal;
  /** The walk holds `bytes` more (a page read): walks in progress count toward the memory bound. */
  grew(bytes: number): void;
}

/** One walk in progress: its readers, its result, and what it holds so far. */
interface Walking {
  result: Promise<ImageInfo[]>;
  readers: number;
  bytes: number;
  controller: AbortController;
}

export class ListingCache {
  /** Kept listings, least recently used first out, each for its TTL, together at most `maxBytes` (lru-cache). */
  private readonly entries: LRUCache<string, Walked>;
  private readonly walking = new Map<string, Walking>();
  /** Walks that failed in a way worth remembering (a listing too large), until the TTL passes. */
  private readonly refused: LRUCache<string, { error: unknown }>;
  /** Bytes the walks in progress hold. */
  private walkingBytes = 0;
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
    // ttlResolution 0: the clock is read at each check (lru-cache would otherwise keep one reading for a millisecond by a timer).
    const perf = { now };
    this.entries = new LRUCache<string, Walked>({
      // lru-cache needs a positive bound; a cache of 0 bytes keeps nothing (every listing is larger).
      maxSize: Math.max(1, options.maxBytes),
      sizeCalculation: (walked, key) => walked.bytes + ENTRY_OVERHEAD + 2 * key.length,
      perf,
      ttlResolution: 0,
    });
    this.refused = new LRUCache({ max: MAX_REFUSALS, perf, ttlResolution: 0 });
  }

  /**
   * The listing under `key`, walked by `walk` when there is none fresh (one walk for concurrent
   * readers). A walk that fails with an error `remember` accepts fails every read for the TTL. A
   * reader with a `signal` leaves when it fires (rejecting with its reason); when every reader has
   * left, the walk's own signal fires, and it stops.
   */
  read(key: string, walk: (job: WalkJob) => Promise<Walked>, remember: (error: unknown) => boolean = () => false, signal?: AbortSignal): Promise<ImageInfo[]> {
    const refusal = this.refused.get(key);
    if (refusal) return Promise.reject(refusal.error);
    const entry = this.entries.get(key);
    if (entry) {
      this.counts.hits++;
      return Promise.resolve(entry.images);
    }
    this.counts.misses++;
    const walking = this.walking.get(key) ?? this.start(key, walk, remember);
    return this.join(walking, signal);
  }

  get size(): { snapshots: number; bytes: number } {
    this.purgeExpired();
    return { snapshots: this.entries.size, bytes: this.entries.calculatedSize + this.walkingBytes };
  }

  private start(key: string, walk: (job: WalkJob) => Promise<Walked>, remember: (error: unknown) => boolean): Walking {
    const controller = new AbortController();
    const walking: Walking = { readers: 0, bytes: 0, controller, result: Promise.resolve([]) };
    const job: WalkJob = {
      signal: controller.signal,
      grew: (bytes) => {
        walking.bytes += bytes;
        this.walkingBytes += bytes;
        this.makeRoom();
      },
    };
    const done = (): void => {
      this.walking.delete(key);
      this.walkingBytes -= walking.bytes;
    };
    walking.result = this.load(key, () => walk(job)).then(
      (loaded) => {
        done();
        this.keep(key, loaded);
        return loaded.images;
      },
      (error: unknown) => {
        done();
        if (remember(error) && this.options.ttlMs > 0) this.refused.set(key, { error }, { ttl: this.options.ttlMs });
        throw error;
      },
    );
    this.walking.set(key, walking);
    return walking;
  }

  /** One more reader of a walk, who leaves at its signal; the last to leave stops the walk. */
  private join(walking: Walking, signal: AbortSignal | undefined): Promise<ImageInfo[]> {
    if (!signal) {
      // A reader that cannot leave keeps the walk wanted to its end.
      walking.readers = Infinity;
      return walking.result;
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    walking.readers++;
    return new Promise<ImageInfo[]>((resolve, reject) => {
      const leave = (): void => {
        reject(signal.reason);
        // No one waits any more: stopped like a call whose client went away (no upstream outage).
        if (--walking.readers === 0) walking.controller.abort(new ClientGone());
      };
      signal.addEventListener('abort', leave, { once: true });
      walking.result.then(
        (images) => {
          signal.removeEventListener('abort', leave);
          resolve(images);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error);
        },
      );
    });
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
    this.purgeExpired();
    // One listing larger than the whole bound is served to its readers but not kept (lru-cache does not store it).
    if (loaded.ttlMs <= 0 || loaded.bytes + ENTRY_OVERHEAD + 2 * key.length > this.options.maxBytes) {
      this.entries.delete(key);
      return;
    }
    this.entries.set(key, { images: loaded.images, bytes: loaded.bytes }, { ttl: loaded.ttlMs });
    this.makeRoom();
  }

  /** The least recently used listings go while the kept ones and the walks in progress hold more than the bound. */
  private makeRoom(): void {
    while (this.entries.size > 0 && this.entries.calculatedSize + this.walkingBytes > this.options.maxBytes) this.entries.pop();
  }

  /** Drops expired listings at most once per SWEEP_EVERY_MS (a key read again drops its own; this catches the ones never read again). */
  private purgeExpired(): void {
    const now = this.now();
    if (now - this.swept < SWEEP_EVERY_MS) return;
    this.swept = now;
    this.entries.purgeStale();
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
