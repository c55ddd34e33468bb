import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { NO_CLAIM, type Claim, type ClaimState, type Loaded } from '../images/listing-cache.js';
import type { ImageInfo } from '../upstream/wire.js';
import type { RedisLink, SharedOperation } from './redis-link.js';

/**
 * The Redis tier of a listing cache (snapshots or pages): listings stored gzipped under a key that
 * carries digests of the caller's credentials and of the upstream URL (never either itself), with
 * the cache's TTL as Redis's expiry; a claim key (`SET NX PX` of a random token, renewed while the
 * walk runs) lets one instance load what the others wait for. Every method answers as if Redis were empty (or the lock free) when it fails.
 */

const gzipped = promisify(gzip);
const gunzipped = promisify(gunzip);

/** Compare-and-set scripts: a claim is renewed or released only by the instance whose token it holds. */
const RENEW_IF_OURS = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
const RELEASE_IF_OURS = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const UNSHARE_IF_OURS = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return 0";
/** Left in a claim's place when its walk ended with nothing stored, for UNSHARED_MS: waiters walk on their own. */
const UNSHARED = 'unshared';
const UNSHARED_MS = 2000;

const digest = (text: string): string => createHash('sha256').update(text).digest('base64url');

export class SharedListings {
  constructor(
    private readonly link: RedisLink,
    private readonly kind: 'snapshot' | 'page' | 'watch',
  ) {}

  /** `{prefix}{kind}:{caller digest}:{url digest}`, from a local key `{caller digest}\n{url}`. */
  key(localKey: string): string {
    const split = localKey.indexOf('\n');
    return `${this.link.config.keyPrefix}${this.kind}:${localKey.slice(0, split)}:${digest(localKey.slice(split + 1))}`;
  }

  async get(localKey: string): Promise<Loaded | undefined> {
    const key = this.key(localKey);
    const found = await this.link.run(this.operation('read'), (redis) => redis.multi().getBuffer(key).pttl(key).exec());
    // A command of the transaction that failed (e.g. WRONGTYPE) is a fallback too, not a silent miss.
    const failed = found?.find(([error]) => error)?.[0];
    if (failed) this.link.fellBack(this.operation('read'), failed);
    const value = found?.[0]?.[1] as Buffer | null | undefined;
    const ttlMs = found?.[1]?.[1] as number | undefined;
    if (!value || ttlMs === undefined || ttlMs <= 0) return undefined;
    try {
      const json = await gunzipped(value);
      const images: unknown = JSON.parse(json.toString('utf8'));
      if (!Array.isArray(images)) throw new Error(`${key} holds no listing`);
      return { images: images as ImageInfo[], bytes: json.length, ttlMs };
    } catch (error) {
      // Not ours or damaged: as if absent (the next write replaces it).
      this.link.fellBack(this.operation('read'), error);
      return undefined;
    }
  }

  /** Stores a listing for `ttlMs`; one larger than REDIS_MAX_VALUE_MB compressed is not stored. Says whether it was. */
  async put(localKey: string, images: readonly ImageInfo[], ttlMs: number): Promise<boolean> {
    // Redis not in use, or not taking what was already written (slow or hung): keep it local, spare the work.
    if (ttlMs <= 0 || !this.link.ready || this.link.backlog > this.link.config.maxValueBytes) return false;
    const value = await gzipped(JSON.stringify(images), { level: 1 });
    if (value.length > this.link.config.maxValueBytes) return false;
    const key = this.key(localKey);
    return (await this.link.run(this.operation('write'), (redis) => redis.set(key, value, 'PX', ttlMs))) === 'OK';
  }

  /**
   * Claims the walk of `localKey` for `ms` (a random token under `{key}:loading`, `SET NX PX`): the
   * claim, NO_CLAIM when Redis cannot say (this instance walks without one), or undefined when
   * another instance holds it. Renewing and releasing touch the key only while it holds this token;
   * a release with nothing shared leaves UNSHARED there for a moment, so waiters walk at once.
   */
  async claim(localKey: string, ms: number): Promise<Claim | undefined> {
    const key = `${this.key(localKey)}:loading`;
    const token = randomBytes(12).toString('base64url');
    const answer = await this.link.run('lock', (redis) => redis.set(key, token, 'PX', Math.max(1, ms), 'NX'));
    if (answer === undefined) return NO_CLAIM;
    if (answer === null) return undefined;
    return {
      renew: async () => {
        await this.link.run('lock', (redis) => redis.eval(RENEW_IF_OURS, 1, key, token, String(Math.max(1, ms))));
      },
      release: async (shared) => {
        await this.link.run('lock', (redis) => (shared ? redis.eval(RELEASE_IF_OURS, 1, key, token) : redis.eval(UNSHARE_IF_OURS, 1, key, token, UNSHARED, String(UNSHARED_MS))));
      },
    };
  }

  /** Whether another instance walks `localKey` (free when Redis cannot say). */
  async claimed(localKey: string): Promise<ClaimState> {
    const value = await this.link.run('lock', (redis) => redis.get(`${this.key(localKey)}:loading`));
    return value === undefined || value === null ? 'free' : value === UNSHARED ? 'unshared' : 'held';
  }

  private operation(what: 'read' | 'write'): SharedOperation {
    return `${this.kind}_${what}`;
  }
}
