import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  type CryptoKey,
  type FetchImplementation,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type RemoteJWKSet,
} from 'jose';
import { CallerAuthUnavailableError } from './jwt-refusals.js';
import { isLoopbackHost } from './loopback-host.js';

/**
 * The identity provider's signing keys, as the verifier asks for them (one key for a token's
 * header). jose's remote set: fetched on first use, shared by all requests in flight, kept
 * `cacheMaxAgeMs`, refetched when a token names an unknown key id, at most once per `cooldownMs`,
 * so rotation is followed. On top of it: when a refetch fails, the last good set keeps serving for
 * up to `staleIfErrorMs` after it was fetched (an identity provider blip does not lock everyone
 * out), and for `failureBackoffMs` after a failed fetch no new fetch is tried (requests are not held
 * for a timeout each, the provider is not hammered). A token whose key id the stale set does not
 * know is then 503, not 401: the set could not be refreshed, so the key may well be real.
 */

export interface KeySetOptions {
  /** The identity provider's JSON Web Key Set: https, or http on a loopback host (tests, a local provider). */
  jwksUrl: string;
  /** Timeout of one key-set fetch. Default 5000. */
  timeoutMs?: number;
  /** After a fetch, how long an unknown key id does not cause another. Default 30000. */
  cooldownMs?: number;
  /** How long a fetched key set is used before it is fetched again. Default 600000 (10 min). */
  cacheMaxAgeMs?: number;
  /** How long after its fetch the last good key set still serves while refetches fail. Default 3600000 (1 h); 0: never. */
  staleIfErrorMs?: number;
  /** After a failed fetch, how long no new fetch is tried. Default 5000. */
  failureBackoffMs?: number;
}

export type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

export class JwtKeySet {
  private readonly remote: RemoteJWKSet;
  private readonly staleIfErrorMs: number;
  private readonly failureBackoffMs: number;
  /** When the key-set endpoint last answered a usable set, and last failed to. */
  private lastOkAt = Number.NEGATIVE_INFINITY;
  private lastFailedAt = Number.NEGATIVE_INFINITY;
  private stale: { fetchedAt: number; resolve: KeyResolver } | undefined;

  constructor(options: KeySetOptions) {
    const url = new URL(options.jwksUrl);
    if (!(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))) {
      throw new TypeError('The JWKS URL must be https (plain http only on a loopback host).');
    }
    this.staleIfErrorMs = options.staleIfErrorMs ?? 60 * 60_000;
    this.failureBackoffMs = options.failureBackoffMs ?? 5_000;
    const fetchKeySet: FetchImplementation = async (href, init) => {
      let response: Response;
      try {
        response = await fetch(href, init);
      } catch (error) {
        this.lastFailedAt = Date.now();
        throw error;
      }
      // Read here so that only a usable set counts as a success; jose gets a copy (or a plain failure).
      const body = await response.text().catch(() => undefined);
      if (response.status === 200 && body !== undefined && isKeySet(body)) {
        this.lastOkAt = Date.now();
        return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
      }
      this.lastFailedAt = Date.now();
      return new Response(null, { status: 502 });
    };
    this.remote = createRemoteJWKSet(url, {
      timeoutDuration: options.timeoutMs ?? 5_000,
      cooldownDuration: options.cooldownMs ?? 30_000,
      cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
      [customFetch]: fetchKeySet,
    });
  }

  /** The key for a token's header, for jose's `jwtVerify`; jose's JWKS errors pass through for the verifier to tell. */
  readonly resolveKey: KeyResolver = async (header, token) => {
    const started = Date.now();
    if (started - this.lastFailedAt < this.failureBackoffMs && this.lastFailedAt > this.lastOkAt) {
      // The endpoint failed a moment ago: no new fetch yet.
      return this.fromStale(header, token, undefined);
    }
    try {
      return await this.remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      // A fetch failed during this call (or the set it brought is unusable): the last good set, if it is recent enough.
      return this.fromStale(header, token, error);
    }
  };

  private async fromStale(header: JWSHeaderParameters, token: FlattenedJWSInput, cause: unknown): Promise<CryptoKey> {
    const retryAfterSeconds = Math.max(1, Math.ceil(this.failureBackoffMs / 1000));
    const snapshot = Date.now() - this.lastOkAt <= this.staleIfErrorMs ? this.remote.jwks() : undefined;
    if (snapshot === undefined) throw new CallerAuthUnavailableError(retryAfterSeconds, { cause });
    if (this.stale?.fetchedAt !== this.lastOkAt) this.stale = { fetchedAt: this.lastOkAt, resolve: createLocalJWKSet(snapshot) };
    try {
      return await this.stale.resolve(header, token);
    } catch (error) {
      // An unknown key id may be a new key the set could not be refreshed to show.
      if (error instanceof errors.JWKSNoMatchingKey) throw new CallerAuthUnavailableError(retryAfterSeconds, { cause: cause ?? error });
      throw error;
    }
  }
}

function isKeySet(body: string): boolean {
  try {
    const keys = (JSON.parse(body) as { keys?: unknown } | null)?.keys;
    return Array.isArray(keys) && keys.every((key) => key !== null && typeof key === 'object' && !Array.isArray(key));
  } catch {
    return false;
  }
}
