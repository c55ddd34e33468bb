import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { Credentials, ServerCredentials } from '../upstream/client.js';
import { ErrorCode } from '../upstream/errors.js';
import { authenticateCaller, isRefusal, useCallerAuth, type Caller, type CallerAuth, type CallerRefusal } from './caller-auth.js';
import { sendError, type Exchange } from './exchange.js';

/**
 * The one reader of a /graphql request's credentials, for both modes, decided as the request
 * arrives (after CORS, before its body is read), so a refused request costs no upstream call:
 * - token mode: the caller's own IAM token (`X-Auth-Token`, or `Authorization: Bearer`) goes
 *   upstream as it is; a malformed one is refused here (401 UNAUTHENTICATED); none at all lets the
 *   request go on (`regions` needs none), and each upstream call it would make is refused instead;
 * - AK/SK mode: the caller authenticates with a JWT or an API key (caller-auth.ts), and every
 *   upstream call carries the server's own keys (a caller's `X-Auth-Token` is never forwarded).
 * What is read goes to `exchange.credentials` (and `exchange.caller`), for the GraphQL context.
 */

export type CredentialMode = { kind: 'token' } | { kind: 'aksk'; callers: CallerAuth; server: ServerCredentials };

/** IAM tokens are long (several KB) base64-like strings; anything else is refused before it goes anywhere. */
const TOKEN = /^[A-Za-z0-9+/=_.-]{1,16384}$/;

const MALFORMED = 'The token is malformed: send the IAM token exactly as issued, in X-Auth-Token or Authorization: Bearer.';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The caller's IAM token: `X-Auth-Token: <token>` or `Authorization: Bearer <token>`; null when one was sent malformed. */
export function tokenFrom(headers: IncomingHttpHeaders): string | undefined | null {
  const header = single(headers['x-auth-token'])?.trim();
  const bearer = /^Bearer\s+(.+)$/i.exec(single(headers.authorization)?.trim() ?? '')?.[1]?.trim();
  const token = header || bearer;
  if (!token) return undefined;
  return TOKEN.test(token) ? token : null;
}

/** What a request (or a WebSocket connection's parameters) carries: its credentials and, in AK/SK mode, its caller; or why it was refused. */
export type CredentialsRead = { credentials: Credentials | undefined; caller?: Caller } | { refused: CallerRefusal };

/** The credentials of a request with these headers (see the rules above), or its refusal. */
export async function readCredentials(mode: CredentialMode, headers: IncomingHttpHeaders, requestId: string, log?: Logger): Promise<CredentialsRead> {
  if (mode.kind === 'aksk') {
    const caller = await authenticateCaller(mode.callers, headers, requestId, log);
    return isRefusal(caller) ? { refused: caller } : { credentials: mode.server, caller };
  }
  const token = tokenFrom(headers);
  if (token === null) {
    log?.info({ requestId, reason: MALFORMED }, 'caller refused');
    // Never echoed: the token, malformed or not, may be a real one sent badly.
    return { refused: { status: 401, code: ErrorCode.UNAUTHENTICATED, message: MALFORMED, headers: { 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer error="invalid_token"' } } };
  }
  return { credentials: token === undefined ? undefined : ({ token } satisfies Credentials) };
}

/** True when the request may go on, its credentials on the exchange; false when it was refused and answered. */
export function useCredentials(mode: CredentialMode, log?: Logger): (exchange: Exchange) => Promise<boolean> {
  if (mode.kind === 'aksk') {
    const callers = useCallerAuth(mode.callers, log);
    return async (exchange) => {
      if (!(await callers(exchange))) return false;
      exchange.credentials = mode.server;
      return true;
    };
  }
  return async (exchange) => {
    const read = await readCredentials(mode, exchange.req.headers, exchange.requestId, log);
    if ('refused' in read) {
      sendError(exchange.res, read.refused.status, read.refused.message, read.refused.code, read.refused.headers);
      return false;
    }
    exchange.credentials = read.credentials;
    return true;
  };
}
