import type { IncomingMessage } from 'node:http';
import { AkskVerifier, isSignedRequest } from './aksk.js';
import type { AccessKey, Tenant } from './options.js';

/** How a caller authenticated: `X-Auth-Token`, or an AK/SK-signed request (`Authorization: SDK-HMAC-SHA256 ...`). */
export type AuthScheme = 'token' | 'aksk';

export interface Caller {
  /** The credentials presented, if any. */
  scheme?: AuthScheme;
  /** Set when they were accepted. */
  projectId?: string;
  /** Why they were refused: the 401's `error_msg` (never holding a secret). */
  failure?: string;
}

export const NO_CREDENTIALS = 'Incorrect IAM authentication information: x-auth-token not found';

/** The gateway's authentication: a tenant's token, or a signature by one of the access keys. */
export class Authenticator {
  private readonly tokens: ReadonlyMap<string, string>;
  private readonly verifier: AkskVerifier;

  constructor(tenants: readonly Tenant[], accessKeys: readonly AccessKey[]) {
    this.tokens = new Map(tenants.map((t) => [t.token, t.projectId]));
    this.verifier = new AkskVerifier(accessKeys);
  }

  /**
   * Who is calling: X-Auth-Token when sent (as the gateway, a token wins over a signature), else an
   * SDK-HMAC-SHA256 `Authorization`, verified against the request as received; else nobody.
   */
  authenticate(req: IncomingMessage, target: string): Caller {
    const token = req.headers['x-auth-token'];
    if (token !== undefined) {
      const projectId = typeof token === 'string' ? this.tokens.get(token) : undefined;
      return projectId === undefined ? { scheme: 'token', failure: 'Incorrect IAM authentication information: decrypt token fail' } : { scheme: 'token', projectId };
    }
    if (isSignedRequest(req.headers)) {
      const outcome = this.verifier.verify({ method: req.method ?? 'GET', target, headers: req.headers });
      return outcome.ok ? { scheme: 'aksk', projectId: outcome.projectId } : { scheme: 'aksk', failure: outcome.message };
    }
    return { failure: NO_CREDENTIALS };
  }
}
