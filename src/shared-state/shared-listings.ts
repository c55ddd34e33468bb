import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { ImageInfo } from '../upstream/wire.js';
import type { RedisLink, SharedOperation } from './redis-link.js';

/**
 * The Redis tier of a listing cache (snapshots or pages): listings stored gzipped under a key that
 * carries digests of the caller's credentials and of the upstream URL (never either itself), with
 * the cache's TTL as Redis's expiry; a short lock key (`SET NX PX`) lets one instance load what the
 * others wait for. Every method answers as if Redis were empty (or the lock free) when it fails.
 */

const gzipped = promisify(gzip);
const gunzipped = promisify(gunzip);

export interface SharedListing {
  images: ImageInfo[];
  /** Size of the listing as JSON, for the local memory bound. */
  bytes: number;
  /** What is left of its TTL. */
  ttlMs: number;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('base64url');

export class SharedListings {
  constructor(
    private readonly link: RedisLink,
    private readonly kind: 'snapshot' | 'page',
  ) {}

  /** `{prefix}{kind}:{caller digest}:{url digest}`, from a local key `{caller digest}\n{url}`. */
  key(localKey: string): string {
    const split = localKey.indexOf('\n');
    return `${this.link.config.keyPrefix}${this.kind}:${localKey.slice(0, split)}:${digest(localKey.slice(split + 1))}`;
  }

  async get(localKey: string): Promise<SharedListing | undefined> {
    const key = this.key(localKey);
    const found = await this.link.run(this.operation('read'), (redis) => redis.multi().getBuffer(key).pttl(key).exec());
    const value = found?.[0]?.[1] as Buffer | null | undefined;
    const ttlMs = found?.[1]?.[1] as number | undefined;
    if (!value || ttlMs === undefined || ttlMs <= 0) return undefined;
    try {
      const json = await gunzipped(value);
      return { images: JSON.parse(json.toString('utf8')) as ImageInfo[], bytes: json.length, ttlMs };
    } catch (error) {
      // Not ours or damaged: as if absent (the next write replaces it).
      this.link.fellBack(this.operation('read'), error);
      return undefined;
    }
  }

  /** Stores a listing for `ttlMs`; one larger than REDIS_MAX_VALUE_MB compressed is not stored. */
  async put(localKey: string, images: readonly ImageInfo[], ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    const value = await gzipped(JSON.stringify(images), { level: 1 });
    if (value.length > this.link.config.maxValueBytes) return;
    const key = this.key(localKey);
    await this.link.run(this.operation('write'), (redis) => redis.set(key, value, 'PX', ttlMs));
  }

  /**
   * Claims the load of `localKey` for `ms`: true when this instance should load it (the claim is
   * its, or Redis cannot say), false when another instance is loading it now.
   */
  async claim(localKey: string, ms: number): Promise<boolean> {
    const answer = await this.link.run('lock', (redis) => redis.set(`${this.key(localKey)}:loading`, '1', 'PX', Math.max(1, ms), 'NX'));
    return answer !== null;
  }

  /** Whether another instance still holds the claim (false when Redis cannot say). */
  async claimed(localKey: string): Promise<boolean> {
    return (await this.link.run('lock', (redis) => redis.exists(`${this.key(localKey)}:loading`))) === 1;
  }

  async release(localKey: string): Promise<void> {
    await this.link.run('lock', (redis) => redis.del(`${this.key(localKey)}:loading`));
  }

  private operation(what: 'read' | 'write'): SharedOperation {
    return `${this.kind}_${what}`;
  }
}
