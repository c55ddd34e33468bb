import { errors } from 'jose';
import { ErrorCode } from '../upstream/errors.js';

/**
 * What a caller with a bearer token is told when it is not let in: a refusal (401) that says what
 * is wrong with the token, or the identity provider being out of reach (503). No message repeats
 * the token or any part of it: they are returned to the client and logged.
 */

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

/** An `alg` header value worth naming in a message; anything else is not repeated back. */
const PRINTABLE_ALG = /^[A-Za-z0-9+_-]{1,16}$/;

/**
 * What a failed verification of `token` tells the caller: what is wrong, never the token.
 * `accepted` is the algorithm allowlist, named when the token's algorithm is not on it.
 * Errors that are no refusal (a bug, an unreachable key set) pass through.
 */
export function refusal(error: unknown, token: string, accepted: readonly string[]): unknown {
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
    return refuse(`${named}; accepted: ${accepted.join(', ')}.`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return refuse("The bearer token's signing key is unknown: the identity provider publishes no key with its key id (kid) for its algorithm.");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse("The bearer token's signature is invalid.");
  if (error instanceof errors.JOSENotSupported) return refuse('The bearer token uses a feature this server does not support.');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return refuse('The bearer token is malformed.');
  return error;
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
