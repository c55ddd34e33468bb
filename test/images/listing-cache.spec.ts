import { describe, expect, it, vi } from 'vitest';
import { ListingCache, type Claim, type ClaimState, type SharedTier, type Walked } from '../../src/images/listing-cache.js';
import type { ImageInfo } from '../../src/upstream/wire.js';

/**
 * ListingCache with a shared tier (what SharedListings does over Redis), here a fake one in memory
 * that records what it was asked: a miss looks there first, a walk is written there before its
 * readers get it, a failing tier is as good as an empty one, and a claim held by another instance
 * means waiting for its result instead of walking.
 */

const image = (id: string): ImageInfo => ({ id, name: `image ${id}` }) as ImageInfo;
const KEY = 'caller-digest\nhttps://upstream.example/v1/cloudimages/cn-north-4?limit=500';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback and I/O callback run (no timers). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A shared tier in memory: what is stored, who holds which claim, and every call made to it, in order. */
class FakeTier implements SharedTier {
  readonly stored = new Map<string, { images: ImageInfo[]; bytes: number; ttlMs: number }>();
  /** Keys claimed (by this instance or, set by a test, by another one). */
  readonly claims = new Set<string>();
  /** Keys whose walk (by another instance) just ended with nothing stored. */
  readonly unshared = new Set<string>();
  readonly calls: string[] = [];
  /** Set by a test: the next `put` resolves only when this does. */
  putGate: Promise<void> | undefined;
  /**
   * Down, as SharedListings is when Redis fails (every method catches and answers as the contract
   * says): nothing found, nothing stored, every claim granted, no claim held by anyone.
   */
  down = false;

  async get(key: string) {
    this.calls.push(`get ${key}`);
    if (this.down) return undefined;
    return this.stored.get(key);
  }

  async put(key: string, images: readonly ImageInfo[], ttlMs: number) {
    this.calls.push(`put ${key}`);
    if (this.down) return false;
    await this.putGate;
    this.stored.set(key, { images: [...images], bytes: JSON.stringify(images).length, ttlMs });
    return true;
  }

  async claim(key: string): Promise<Claim | undefined> {
    this.calls.push(`claim ${key}`);
    const claim: Claim = {
      renew: async () => {
        this.calls.push(`renew ${key}`);
      },
      release: async (shared) => {
        this.calls.push(`release ${key}${shared ? '' : ' unshared'}`);
        if (!this.down) this.claims.delete(key);
      },
    };
    if (this.down) return claim;
    if (this.claims.has(key) || this.unshared.has(key)) return undefined;
    this.claims.add(key);
    return claim;
  }

  async claimed(key: string): Promise<ClaimState> {
    this.calls.push(`claimed ${key}`);
    if (this.down) return 'free';
    return this.claims.has(key) ? 'held' : this.unshared.has(key) ? 'unshared' : 'free';
  }

  /** The calls of one method. */
  callsOf(method: 'get' | 'put' | 'claim' | 'claimed' | 'release' | 'renew'): string[] {
    return this.calls.filter((call) => call.startsWith(`${method} `));
  }
}

/** A walk that counts its calls and answers `images` (or fails with `error`). */
function walker(images: ImageInfo[], error?: Error) {
  const walk = vi.fn(async (): Promise<Walked> => {
    if (error) throw error;
    return { images, bytes: 100 };
  });
  return walk;
}

describe('ListingCache with a shared tier', () => {
  it('a miss reads the shared tier first and serves what it holds, without walking; then from memory', async () => {
    let now = 1_000_000;
    const tier = new FakeTier();
    const theirs = [image('a'), image('b')];
    tier.stored.set(KEY, { images: theirs, bytes: 50, ttlMs: 5_000 });
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier }, () => now);
    const walk = walker([image('mine')]);

    expect(await cache.read(KEY, walk)).toEqual(theirs);
    expect(walk).not.toHaveBeenCalled();
    expect(tier.calls[0]).toBe(`get ${KEY}`);
    expect(tier.callsOf('claim')).toEqual([]);
    expect(cache.counts).toEqual({ hits: 0, misses: 1, sharedHits: 1, walks: 0 });

    // Kept here as long as it had left in the tier (5 s), not the whole TTL.
    expect(await cache.read(KEY, walk)).toEqual(theirs);
    expect(tier.callsOf('get')).toHaveLength(1);
    expect(cache.counts).toEqual({ hits: 1, misses: 1, sharedHits: 1, walks: 0 });
    tier.stored.delete(KEY);
    now += 5_001;
    expect(await cache.read(KEY, walk)).toEqual([image('mine')]);
    expect(walk).toHaveBeenCalledTimes(1);
    expect(cache.counts).toEqual({ hits: 1, misses: 2, sharedHits: 1, walks: 1 });
  });

  it('a walk is put in the tier before any of its readers gets it, one walk for concurrent readers, then the claim is released', async () => {
    const tier = new FakeTier();
    const gate = deferred<void>();
    tier.putGate = gate.promise;
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier });
    const walked = [image('x'), image('y')];
    const walk = walker(walked);
    const resolved: number[] = [];
    const first = cache.read(KEY, walk).then((images) => (resolved.push(1), images));
    const second = cache.read(KEY, walk).then((images) => (resolved.push(2), images));

    await vi.waitFor(() => expect(tier.callsOf('put')).toHaveLength(1));
    await settle();
    // The walk is done and being written: no reader has it yet.
    expect(walk).toHaveBeenCalledTimes(1);
    expect(resolved).toEqual([]);
    gate.resolve();
    expect(await first).toEqual(walked);
    expect(await second).toEqual(walked);
    expect(tier.stored.get(KEY)?.images).toEqual(walked);
    expect(tier.stored.get(KEY)?.ttlMs).toBe(60_000);
    // Looked in the tier, claimed the walk, looked again (a walk may have ended meanwhile), walked, wrote, released.
    await vi.waitFor(() => expect(tier.callsOf('release')).toHaveLength(1));
    expect(tier.calls).toEqual([`get ${KEY}`, `claim ${KEY}`, `get ${KEY}`, `put ${KEY}`, `release ${KEY}`]);
    expect(tier.claims.size).toBe(0);
    expect(cache.counts).toEqual({ hits: 0, misses: 2, sharedHits: 0, walks: 1 });
  });

  it('a tier that answers nothing (undefined) is a miss: walked here', async () => {
    const tier = new FakeTier();
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier });
    const walk = walker([image('z')]);
    expect(await cache.read(KEY, walk)).toEqual([image('z')]);
    expect(walk).toHaveBeenCalledTimes(1);
    // The first look, and the look after claiming.
    expect(tier.callsOf('get')).toHaveLength(2);
    expect(cache.counts).toEqual({ hits: 0, misses: 1, sharedHits: 0, walks: 1 });
  });

  it('a walk that ended between the first look and the claim is used, not walked again', async () => {
    const tier = new FakeTier();
    const theirs = [image('just-written')];
    // Their walk writes and releases right after this instance's first look.
    const get = tier.get.bind(tier);
    let looks = 0;
    tier.get = async (key: string) => {
      const found = await get(key);
      if (++looks === 1) tier.stored.set(KEY, { images: theirs, bytes: 10, ttlMs: 30_000 });
      return found;
    };
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier });
    const walk = walker([image('mine')]);
    expect(await cache.read(KEY, walk)).toEqual(theirs);
    expect(walk).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(tier.callsOf('release')).toHaveLength(1));
    expect(tier.claims.size).toBe(0);
    expect(cache.counts).toEqual({ hits: 0, misses: 1, sharedHits: 1, walks: 0 });
  });

  it('renews its claim while a long walk runs', async () => {
    const tier = new FakeTier();
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier, claimMs: 30 });
    const done = deferred<Walked>();
    const read = cache.read(KEY, () => done.promise);
    await vi.waitFor(() => expect(tier.callsOf('renew').length).toBeGreaterThanOrEqual(2));
    done.resolve({ images: [image('slow')], bytes: 10 });
    expect(await read).toEqual([image('slow')]);
    const renewed = tier.callsOf('renew').length;
    await vi.waitFor(() => expect(tier.callsOf('release')).toHaveLength(1));
    // No renewal after the walk ended.
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(tier.callsOf('renew')).toHaveLength(renewed);
  });

  it('a tier that is down (answers nothing, grants every claim, stores nothing) degrades to walking here', async () => {
    const tier = new FakeTier();
    tier.down = true;
    tier.stored.set(KEY, { images: [image('unreachable')], bytes: 10, ttlMs: 60_000 });
    tier.claims.add(KEY);
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier });
    const walk = walker([image('w')]);
    expect(await cache.read(KEY, walk)).toEqual([image('w')]);
    expect(walk).toHaveBeenCalledTimes(1);
    expect(cache.counts).toEqual({ hits: 0, misses: 1, sharedHits: 0, walks: 1 });
    // Kept in memory all the same: the next read asks neither the tier nor the upstream.
    expect(await cache.read(KEY, walk)).toEqual([image('w')]);
    expect(walk).toHaveBeenCalledTimes(1);
    expect(tier.calls).toEqual([`get ${KEY}`, `claim ${KEY}`, `get ${KEY}`, `put ${KEY}`, `release ${KEY} unshared`]);
    expect(cache.counts).toEqual({ hits: 1, misses: 1, sharedHits: 0, walks: 1 });
  });

  it('while another instance holds the claim, waits for its result (polling the tier) and uses it without walking', async () => {
    const tier = new FakeTier();
    tier.claims.add(KEY); // another instance is walking KEY
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier, claimMs: 10_000 });
    const walk = walker([image('mine')]);
    const read = cache.read(KEY, walk);

    // It polls: more than the first look.
    await vi.waitFor(() => expect(tier.callsOf('get').length).toBeGreaterThanOrEqual(2));
    expect(walk).not.toHaveBeenCalled();
    const theirs = [image('theirs')];
    tier.stored.set(KEY, { images: theirs, bytes: 20, ttlMs: 30_000 });
    tier.claims.delete(KEY);
    expect(await read).toEqual(theirs);
    expect(walk).not.toHaveBeenCalled();
    expect(tier.callsOf('put')).toEqual([]);
    // Not its claim: it releases nothing.
    expect(tier.callsOf('release')).toEqual([]);
    expect(cache.counts).toEqual({ hits: 0, misses: 1, sharedHits: 1, walks: 0 });
  });

  it('when the other instance gives up its claim without a result, claims the walk itself', async () => {
    const tier = new FakeTier();
    tier.claims.add(KEY);
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier, claimMs: 10_000 });
    const walk = walker([image('mine')]);
    const read = cache.read(KEY, walk);
    await vi.waitFor(() => expect(tier.callsOf('get').length).toBeGreaterThanOrEqual(2));
    tier.claims.delete(KEY); // their walk failed
    expect(await read).toEqual([image('mine')]);
    expect(walk).toHaveBeenCalledTimes(1);
    expect(tier.callsOf('claim')).toHaveLength(2);
    expect(tier.stored.get(KEY)?.images).toEqual([image('mine')]);
    expect(cache.counts).toEqual({ hits: 0, misses: 1, sharedHits: 0, walks: 1 });
  });

  it("when the other instance's walk ends with nothing shared, walks at once without claiming", async () => {
    const tier = new FakeTier();
    tier.claims.add(KEY);
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier, claimMs: 10_000 });
    const walk = walker([image('mine')]);
    const read = cache.read(KEY, walk);
    await vi.waitFor(() => expect(tier.callsOf('get').length).toBeGreaterThanOrEqual(2));
    // Their walk failed (or its listing was too large for the tier): the claim becomes `unshared`.
    tier.claims.delete(KEY);
    tier.unshared.add(KEY);
    expect(await read).toEqual([image('mine')]);
    expect(walk).toHaveBeenCalledTimes(1);
    expect(tier.callsOf('claim')).toHaveLength(1);
  });

  it('keeps waiting while the other instance holds its claim, however long, up to maxWaitMs', async () => {
    let now = 0;
    const tier = new FakeTier();
    tier.claims.add(KEY);
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier, claimMs: 30, maxWaitMs: 100_000 }, () => now);
    const walk = walker([image('mine')]);
    const read = cache.read(KEY, walk);
    await vi.waitFor(() => expect(tier.callsOf('claimed').length).toBeGreaterThanOrEqual(2));
    // Far past the claim's own lifetime (it is renewed): still waiting, no walk.
    now = 50_000;
    const polls = tier.callsOf('claimed').length;
    await vi.waitFor(() => expect(tier.callsOf('claimed').length).toBeGreaterThan(polls));
    expect(walk).not.toHaveBeenCalled();
    // Past maxWaitMs: it walks on its own.
    now = 100_001;
    expect(await read).toEqual([image('mine')]);
    expect(walk).toHaveBeenCalledTimes(1);
  });

  it('releases its claim after a failed walk, stores nothing, and the next read walks again', async () => {
    const tier = new FakeTier();
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier });
    const failing = walker([], new Error('upstream down'));
    await expect(cache.read(KEY, failing)).rejects.toThrow('upstream down');
    // Released as unshared: waiting instances walk at once rather than claim one after another.
    await vi.waitFor(() => expect(tier.callsOf('release')).toEqual([`release ${KEY} unshared`]));
    expect(tier.claims.size).toBe(0);
    expect(tier.callsOf('put')).toEqual([]);
    expect(tier.stored.size).toBe(0);

    const walk = walker([image('ok')]);
    expect(await cache.read(KEY, walk)).toEqual([image('ok')]);
    expect(walk).toHaveBeenCalledTimes(1);
    expect(tier.callsOf('claim')).toHaveLength(2);
    expect(cache.counts).toEqual({ hits: 0, misses: 2, sharedHits: 0, walks: 2 });
  });

  it('counts hits, misses, shared hits and walks per read, per key', async () => {
    const tier = new FakeTier();
    const other = 'caller-digest\nhttps://upstream.example/v1/cloudimages/cn-east-3?limit=500';
    tier.stored.set(other, { images: [image('s')], bytes: 10, ttlMs: 60_000 });
    const cache = new ListingCache({ ttlMs: 60_000, maxBytes: 10_000, shared: tier });
    const walk = walker([image('k')]);
    await Promise.all([cache.read(KEY, walk), cache.read(KEY, walk), cache.read(other, walk)]);
    await cache.read(KEY, walk);
    await cache.read(other, walk);
    await cache.read(other, walk);
    // 3 misses (two sharing one walk, one served by the tier), then 3 hits from memory.
    expect(cache.counts).toEqual({ hits: 3, misses: 3, sharedHits: 1, walks: 1 });
    expect(walk).toHaveBeenCalledTimes(1);
  });

  it('without a TTL the shared tier is not used at all', async () => {
    const tier = new FakeTier();
    tier.stored.set(KEY, { images: [image('s')], bytes: 10, ttlMs: 60_000 });
    const cache = new ListingCache({ ttlMs: 0, maxBytes: 10_000, shared: tier });
    const walk = walker([image('k')]);
    expect(await cache.read(KEY, walk)).toEqual([image('k')]);
    expect(tier.calls).toEqual([]);
  });
});

describe('a shared tier that throws instead of answering as empty', () => {
  it('is treated as empty: the read walks, and nothing is left unhandled', async () => {
    const broken = new Error('tier broke');
    const tier = {
      get: () => Promise.reject(broken),
      put: () => Promise.reject(broken),
      claim: () => Promise.reject(broken),
      claimed: () => Promise.reject(broken),
      release: () => Promise.reject(broken),
    };
    const cache = new ListingCache({ ttlMs: 1000, maxBytes: 1 << 20, shared: tier });
    let walks = 0;
    const images = await cache.read('caller\nhttp://x/v1/cloudimages/r', async () => {
      walks++;
      return { images: [{ id: 'a' } as never], bytes: 10 };
    });
    expect(images).toEqual([{ id: 'a' }]);
    expect(walks).toBe(1);
    expect(cache.counts).toMatchObject({ misses: 1, walks: 1, sharedHits: 0 });
  });
});
