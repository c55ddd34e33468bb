import type { ImageInfo } from '../upstream/wire.js';

/**
 * Snapshots of whole listings, for what the upstream cannot answer (derived filters, counts,
 * facets, the latest image). Process-wide, but every key starts with a digest of the caller's
 * credentials, so no caller ever reads another's. A snapshot lives `ttlMs`; together they hold at
 * most `maxBytes` (the least recently used go first); concurrent reads of one key share one walk.
 * Written here because the bound is in bytes of upstream data, which lru-cache would need to be
 * told anyway, and the coalescing of walks in flight is most of the logic.
 */

export interface SnapshotOptions {
  ttlMs: number;
  maxBytes: number;
}

export interface Walked {
  images: ImageInfo[];
  /** Size of the upstream bodies, for the memory bound. */
  bytes: number;
}

const MAX_REFUSALS = 1000;

interface Entry extends Walked {
  expiresAt: number;
}

export class SnapshotStore {
  /** In order of last use: the first is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly walking = new Map<string, Promise<ImageInfo[]>>();
  /** Walks that failed in a way worth remembering (a listing too large), until the TTL passes. */
  private readonly refused = new Map<string, { error: unknown; until: number }>();
  private bytes = 0;
  /** Reads served by a fresh snapshot, reads that had to wait for a walk, and walks made (for metrics). */
  readonly counts = { hits: 0, misses: 0, walks: 0 };

  constructor(
    private readonly options: SnapshotOptions,
    private readonly now: () => number = Date.now,
  ) {}

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
      this.counts.walks++;
      pending = walk().then(
        (walked) => {
          this.walking.delete(key);
          this.keep(key, walked);
          return walked.images;
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

  private keep(key: string, walked: Walked): void {
    // One snapshot larger than the whole bound is served to its readers but not kept.
    if (this.options.ttlMs <= 0 || walked.bytes > this.options.maxBytes) return;
    this.entries.set(key, { ...walked, expiresAt: this.now() + this.options.ttlMs });
    this.bytes += walked.bytes;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.options.maxBytes) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
