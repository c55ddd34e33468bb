import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { sendError, type Exchange } from './exchange.js';
import { CallerAuthError, CallerAuthUnavailableError } from './jwt-refusals.js';
import { JwtVerifier, type JwtCaller, type JwtOptions } from './jwt-verifier.js';

export { CallerAuthError, CallerAuthUnavailableError } from './jwt-refusals.js';
export { ACCEPTED_ALGORITHMS, type JwtOptions } from './jwt-verifier.js';

/**
 * Who may call `/graphql` (issue 10). In AK/SK mode the cloud credentials are the server's own, so
 * the server must know its callers before anything reaches the upstream: a JWT from the company's
 * OpenID Connect provider (`Authorization: Bearer`, AUTH_JWKS_URL / AUTH_ISSUER / AUTH_AUDIENCE) or
 * an API key for machine clients (`X-Api-Key`, AUTH_API_KEYS). It is decided once, when the request
 * arrives (the middleware runs before Apollo), so a refused request costs no upstream call.
 *
 * Rules, mode 'required':
 * - every credential the request presents must be valid: an invalid one refuses the request even
 *   when the other kind is valid; a kind the server is not configured for counts as invalid
 *   (a Bearer token with no JWT settings, an `X-Api-Key` with no keys); a header sent empty counts as
 *   presented;
 * - at least one valid credential is needed; `X-Auth-Token` is no caller credential here (ignored);
 * - with both valid, the caller is the JWT's (a person outranks a key);
 * - the API key is checked first: a request with a bad key never costs a key-set fetch.
 * Mode 'none' (AUTH_MODE=none): everyone is 'anonymous' and credentials are not even looked at.
 *
 * Refusals are `CallerAuthError` (HTTP 401, UNAUTHENTICATED) with a message that says what is wrong
 * and never echoes the token or key. The identity provider's key set being unreachable is not the
 * caller's fault: `CallerAuthUnavailableError` (HTTP 503, UPSTREAM_UNAVAILABLE, `Retry-After`).
 * A JWT is checked by jwt-verifier.ts, against the key set of jwt-key-set.ts (cache, rotation,
 * stale-if-error, back-off); jwt-refusals.ts says what a refused caller is told.
 */

export interface CallerAuthOptions {
  jwt?: JwtOptions;
  apiKeys: readonly string[];
  /** 'none': everyone is let in (AUTH_MODE=none), credentials are ignored. */
  mode: 'required' | 'none';
}

export type Caller = JwtCaller | { kind: 'api-key'; keyIndex: number } | { kind: 'anonymous' };

export interface CallerAuth {
  authenticate(headers: IncomingHttpHeaders): Promise<Caller>;
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function createCallerAuth(options: CallerAuthOptions): CallerAuth {
  if (options.mode === 'none') {
    return { authenticate: async () => ({ kind: 'anonymous' }) };
  }
  if (options.apiKeys.some((key) => key === '')) throw new TypeError('An API key must not be empty.');
  if (options.jwt === undefined && options.apiKeys.length === 0) {
    throw new TypeError('Caller authentication is required but neither a JWT issuer nor an API key is configured.');
  }
  const keyDigests = options.apiKeys.map(sha256);
  const verifier = options.jwt && new JwtVerifier(options.jwt);
  const accepted = [verifier && 'Authorization: Bearer <token> from the identity provider', keyDigests.length > 0 && 'an API key in X-Api-Key'].filter(Boolean).join(' or ');

  function checkApiKey(header: string | string[]): Caller {
    if (keyDigests.length === 0) throw new CallerAuthError('This server does not accept API keys (X-Api-Key).');
    if (Array.isArray(header) || header.includes(',')) throw new CallerAuthError('Send one X-Api-Key header with one key.');
    if (header === '') throw new CallerAuthError('The X-Api-Key header is empty.');
    // Digests have one length whatever was sent, and every key is compared: no timing says how much matched, or which.
    const digest = sha256(header);
    let keyIndex = -1;
    keyDigests.forEach((known, index) => {
      if (timingSafeEqual(known, digest) && keyIndex === -1) keyIndex = index;
    });
    if (keyIndex === -1) throw new CallerAuthError('The API key is not valid.');
    return { kind: 'api-key', keyIndex };
  }

  return {
    async authenticate(headers) {
      const apiKeyHeader = headers['x-api-key'];
      const authorization = headers.authorization;
      const byKey = apiKeyHeader === undefined ? undefined : checkApiKey(apiKeyHeader);
      if (authorization === undefined) {
        if (byKey) return byKey;
        throw new CallerAuthError(`Authentication required: send ${accepted}.`);
      }
      const token = /^Bearer +(\S+)$/i.exec(authorization)?.[1];
      if (token === undefined) throw new CallerAuthError('The Authorization header must be "Bearer <token>".', true);
      if (!verifier) throw new CallerAuthError(`This server does not accept bearer tokens; send ${accepted}.`, true);
      return verifier.verify(token);
    },
  };
}

/** Why a caller was refused, as an HTTP answer (status, `extensions.code`, message, headers). */
export interface CallerRefusal {
  status: number;
  code: string;
  message: string;
  headers: Record<string, string>;
}

/**
 * The caller of a request with these headers, or its refusal: 401 `UNAUTHENTICATED` with
 * `WWW-Authenticate: Bearer`, or 503 `UPSTREAM_UNAVAILABLE` with `Retry-After` when the identity
 * provider's keys cannot be had. Other errors are thrown. (The WebSocket transport reads a
 * connection's parameters as such headers.)
 */
export async function authenticateCaller(auth: CallerAuth, headers: IncomingHttpHeaders, requestId: string, log?: Logger): Promise<Caller | CallerRefusal> {
  try {
    return await auth.authenticate(headers);
  } catch (error) {
    const answer: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (error instanceof CallerAuthError) {
      log?.info({ requestId, reason: error.message }, 'caller refused');
      answer['WWW-Authenticate'] = error.invalidToken ? 'Bearer error="invalid_token"' : 'Bearer';
    } else if (error instanceof CallerAuthUnavailableError) {
      log?.error({ err: error.cause, requestId }, 'identity provider key set unavailable');
      answer['Retry-After'] = String(error.retryAfterSeconds);
    } else {
      throw error;
    }
    return { status: error.status, code: error.code, message: error.message, headers: answer };
  }
}

/** Whether `authenticateCaller` refused. */
export function isRefusal(outcome: Caller | CallerRefusal): outcome is CallerRefusal {
  return 'status' in outcome;
}

/**
 * For `/graphql`, after CORS (a preflight `OPTIONS` passes untouched): true when the request may go
 * on, with its caller in `exchange.caller`; false when it was refused and answered here,
 * GraphQL-shaped (see `authenticateCaller`).
 */
export function useCallerAuth(auth: CallerAuth, log?: Logger): (exchange: Exchange) => Promise<boolean> {
  return async (exchange) => {
    const { req, res, requestId } = exchange;
    if (req.method === 'OPTIONS') return true;
    const outcome = await authenticateCaller(auth, req.headers, requestId, log);
    if (isRefusal(outcome)) {
      sendError(res, outcome.status, outcome.message, outcome.code, outcome.headers);
      return false;
    }
    exchange.caller = outcome;
    return true;
  };
}
