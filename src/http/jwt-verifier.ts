import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  errors,
  type CryptoKey,
  jwtVerify,
  type FetchImplementation,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTVerifyOptions,
  type RemoteJWKSet,
} from 'jose';
import { ErrorCode } from '../upstream/errors.js';

/**
 * Verifies callers' JWTs for caller-auth.ts: jose against the identity provider's remote key set,
 * with the rules and the key-set resilience described there, and the two errors a caller can get.
 */

/** Asymmetric signatures only: no `none`, no HMAC (an HS256 token "signed" with the public key is refused). */
export const ACCEPTED_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** A caller a valid JWT stands for. */
export interface JwtCaller {
  kind: 'jwt';
  subject: string | undefined;
}

export interface JwtOptions {
  /** The identity provider's JSON Web Key Set: https, or http on a loopback host (tests, a local provider). */
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Leeway for `exp` and `nbf`, in seconds. Default 30. */
  clockToleranceSec?: number;
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

/** The caller's credential is missing or invalid: HTTP 401. The message is safe to return to the client. */
export class CallerAuthError extends Error {
  readonly code = ErrorCode.UNAUTHENTICATED;
  readonly status = 401;
  constructor(
    message: string,
    /** A bearer token was presented and refused (`WWW-Authenticate: Bearer error="invalid_token"`). */
    readonly invalidToken = false,
  ) {
    super(message);
    this.name = 'CallerAuthError';
  }
}

/** The identity provider's key set could not be fetched: the server's problem, HTTP 503. The message is safe to return. */
export class CallerAuthUnavailableError extends Error {
  readonly code = ErrorCode.UPSTREAM_UNAVAILABLE;
  readonly status = 503;
  constructor(
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super("The identity provider's signing keys could not be fetched, so the bearer token cannot be checked; try again shortly.", options);
    this.name = 'CallerAuthUnavailableError';
  }
}

/** A compact JWS: three base64url parts (the signature may be empty, as in `alg: none`). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 16 * 1024;
/** An `alg` header value worth naming in a message; anything else is not repeated back. */
const PRINTABLE_ALG = /^[A-Za-z0-9+_-]{1,16}$/;

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

export class JwtVerifier {
  private readonly remote: RemoteJWKSet;
  private readonly verifyOptions: JWTVerifyOptions;
  private readonly staleIfErrorMs: number;
  private readonly failureBackoffMs: number;
  /** When the key-set endpoint last answered a usable set, and last failed to. */
  private lastOkAt = Number.NEGATIVE_INFINITY;
  private lastFailedAt = Number.NEGATIVE_INFINITY;
  private stale: { fetchedAt: number; resolve: KeyResolver } | undefined;

  constructor(options: JwtOptions) {
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
    this.verifyOptions = {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: [...ACCEPTED_ALGORITHMS],
      clockTolerance: options.clockToleranceSec ?? 30,
      requiredClaims: ['exp'],
    };
  }

  async verify(token: string): Promise<JwtCaller> {
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
      throw new CallerAuthError('The bearer token is not a JWT (three base64url parts, at most 16 KB).', true);
    }
    try {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, this.resolveKey, this.verifyOptions));
      } catch (error) {
        if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
        // No key id, several keys of the algorithm's type: the token is good if one of them verifies it.
        payload = await this.verifyWithAny(token, error);
      }
      return { kind: 'jwt', subject: typeof payload.sub === 'string' ? payload.sub : undefined };
    } catch (error) {
      throw refusal(error, token);
    }
  }

  private async verifyWithAny(token: string, candidates: errors.JWKSMultipleMatchingKeys): Promise<{ sub?: unknown }> {
    for await (const key of candidates) {
      try {
        return (await jwtVerify(token, key, this.verifyOptions)).payload;
      } catch (error) {
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }

  private readonly resolveKey: KeyResolver = async (header, token) => {
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

/** What a failed verification tells the caller: what is wrong, never the token. Errors that are no refusal pass through. */
function refusal(error: unknown, token: string): unknown {
  if (error instanceof CallerAuthUnavailableError || error instanceof CallerAuthError) return error;
  const refuse = (message: string): CallerAuthError => new CallerAuthError(message, true);
  if (error instanceof errors.JWTExpired) return refuse('The bearer token has expired.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return refuse(error.reason === 'missing' ? 'The bearer token has no issuer (iss).' : 'The bearer token was issued by an issuer this server does not trust (iss).');
      case 'aud':
        return refuse(error.reason === 'missing' ? 'The bearer token has no audience (aud).' : 'The bearer token is meant for another audience (aud), not this API.');
      case 'nbf':
        return refuse(error.reason === 'check_failed' ? 'The bearer token is not valid yet (nbf is in the future).' : 'The bearer token has an invalid "nbf" claim.');
      case 'exp':
        return refuse(error.reason === 'missing' ? 'The bearer token has no expiry (exp); tokens that never expire are not accepted.' : 'The bearer token has an invalid "exp" claim.');
      case 'iat':
        return refuse('The bearer token has an invalid "iat" claim.');
      default:
        return refuse('The bearer token has an invalid claim.');
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    const alg = headerAlg(token);
    const named = alg === 'none' ? 'The bearer token is unsigned (alg "none")' : `The bearer token is signed with ${alg && PRINTABLE_ALG.test(alg) ? alg : 'an algorithm'}, which is not accepted`;
    return refuse(`${named}; accepted: ${ACCEPTED_ALGORITHMS.join(', ')}.`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return refuse("The bearer token's signing key is unknown: the identity provider publishes no key with its key id (kid) for its algorithm.");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse("The bearer token's signature is invalid.");
  if (error instanceof errors.JOSENotSupported) return refuse('The bearer token uses a feature this server does not support.');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return refuse('The bearer token is malformed.');
  return error;
}

function isKeySet(body: string): boolean {
  try {
    const keys = (JSON.parse(body) as { keys?: unknown } | null)?.keys;
    return Array.isArray(keys) && keys.every((key) => key !== null && typeof key === 'object' && !Array.isArray(key));
  } catch {
    return false;
  }
}

function headerAlg(token: string): string | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
    const alg = (header as { alg?: unknown } | null)?.alg;
    return typeof alg === 'string' ? alg : undefined;
  } catch {
    return undefined;
  }
}
