import { z } from 'zod';
import type { CallerAuthOptions } from '../http/caller-auth.js';
import { isLoopbackHost } from '../http/loopback-host.js';
import { ConfigError, readVariables, urlOf, type Env } from './values.js';

/** Who may call /graphql in AK/SK mode (in token mode a caller's own IAM token is its credential, and AUTH_* are refused). */

const jwksUrl = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const url = urlOf(value);
    if (!url) {
      ctx.addIssue({ code: 'custom', message: 'AUTH_JWKS_URL must be an absolute URL' });
      return z.NEVER;
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      ctx.addIssue({ code: 'custom', message: 'AUTH_JWKS_URL must use https (plain http only on a loopback address)' });
      return z.NEVER;
    }
    return url.toString();
  });

const apiKeys = z.string().transform((value, ctx) => {
  const keys = value.split(',').map((k) => k.trim()).filter(Boolean);
  if (keys.some((key) => key.length < 16 || !/^[\x21-\x7e]+$/.test(key))) {
    ctx.addIssue({ code: 'custom', message: 'AUTH_API_KEYS must be comma-separated keys of at least 16 printable characters each' });
    return z.NEVER;
  }
  return keys;
});

const variables = {
  AUTH_JWKS_URL: jwksUrl.optional(),
  AUTH_ISSUER: z.string().trim().min(1).optional(),
  AUTH_AUDIENCE: z.string().trim().min(1).optional(),
  AUTH_API_KEYS: apiKeys.optional(),
  AUTH_MODE: z.enum(['required', 'none'], { message: 'AUTH_MODE must be required or none' }).optional(),
};

export interface CallerAuthFacts {
  /** HUAWEICLOUD_SDK_AK/SK are set: the server calls the cloud with its own keys. Undefined when that is not known (the upstream's settings are invalid): the variables are checked, no rule is applied. */
  akskMode: boolean | undefined;
  /** False for tools that serve nothing (npm run contract-check): AK/SK mode needs no AUTH_* then. */
  servesCallers: boolean;
}

/** How callers authenticate in AK/SK mode; undefined in token mode. */
export function callerAuthSettings(env: Env, { akskMode, servesCallers }: CallerAuthFacts): CallerAuthOptions | undefined {
  const e = readVariables(env, variables);
  const configured = Object.values(e).some((v) => v !== undefined);
  if (akskMode === undefined) return undefined;
  if (!akskMode) {
    if (configured) {
      throw new ConfigError(['AUTH_* configure how callers authenticate in AK/SK mode; in token mode (no HUAWEICLOUD_SDK_AK/SK) each caller sends its own IAM token']);
    }
    return undefined;
  }
  const problems: string[] = [];
  if (e.AUTH_JWKS_URL !== undefined || e.AUTH_ISSUER !== undefined || e.AUTH_AUDIENCE !== undefined) {
    const missing = (['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const).filter((name) => e[name] === undefined);
    if (missing.length > 0) problems.push(`AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE go together: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing`);
  }
  const jwt = e.AUTH_JWKS_URL && e.AUTH_ISSUER && e.AUTH_AUDIENCE ? { jwksUrl: e.AUTH_JWKS_URL, issuer: e.AUTH_ISSUER, audience: e.AUTH_AUDIENCE } : undefined;
  const keys = e.AUTH_API_KEYS ?? [];
  const mode = e.AUTH_MODE ?? 'required';
  if (problems.length === 0 && servesCallers && mode === 'required' && !jwt && keys.length === 0) {
    problems.push(
      'With HUAWEICLOUD_SDK_AK/SK the server calls the cloud with its own keys, so it must authenticate its callers: set AUTH_JWKS_URL (with AUTH_ISSUER and AUTH_AUDIENCE) or AUTH_API_KEYS, or AUTH_MODE=none to let anyone in knowingly',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { jwt, apiKeys: keys, mode };
}
