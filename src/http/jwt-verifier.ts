import { errors, jwtVerify, type JWTVerifyOptions } from 'jose';
import { JwtKeySet, type KeySetOptions } from './jwt-key-set.js';
import { CallerAuthError, refusal } from './jwt-refusals.js';

/**
 * Verifies callers' JWTs for caller-auth.ts: a token is accepted when one of the identity
 * provider's keys (jwt-key-set.ts) signed it with an allowed algorithm, its issuer and audience are
 * this server's, and it has an expiry that has not passed; a refusal says which of these failed
 * (jwt-refusals.ts).
 */

/**
 * Asymmetric signatures only: no `none`, no HMAC (an HS256 token "signed" with the public key is refused).
 * `Ed25519` is RFC 9864's fully-specified name for what `EdDSA` names with the key's curve; providers move to it.
 */
export const ACCEPTED_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** A caller a valid JWT stands for. */
export interface JwtCaller {
  kind: 'jwt';
  subject: string | undefined;
}

export interface JwtOptions extends KeySetOptions {
  issuer: string;
  audience: string;
  /** Leeway for `exp` and `nbf`, in seconds. Default 30. */
  clockToleranceSec?: number;
}

/** A compact JWS: three base64url parts (the signature may be empty, as in `alg: none`). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 16 * 1024;

export class JwtVerifier {
  private readonly keySet: JwtKeySet;
  private readonly verifyOptions: JWTVerifyOptions;

  constructor(options: JwtOptions) {
    this.keySet = new JwtKeySet(options);
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
        ({ payload } = await jwtVerify(token, this.keySet.resolveKey, this.verifyOptions));
      } catch (error) {
        if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
        // No key id, several keys of the algorithm's type: the token is good if one of them verifies it.
        payload = await this.verifyWithAny(token, error);
      }
      return { kind: 'jwt', subject: typeof payload.sub === 'string' ? payload.sub : undefined };
    } catch (error) {
      throw refusal(error, token, ACCEPTED_ALGORITHMS);
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
}
