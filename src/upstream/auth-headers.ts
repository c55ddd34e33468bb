import { signRequest } from './aksk-signer.js';
import type { Credentials } from './client.js';

/** The headers an attempt sends: the token, or a fresh signature (a new `X-Sdk-Date` each attempt). */
export function authHeaders(credentials: Credentials, url: URL): Record<string, string> {
  if ('token' in credentials) return { accept: 'application/json', 'x-auth-token': credentials.token };
  const signed: Record<string, string> = {};
  if (credentials.domainId) signed['X-Domain-Id'] = credentials.domainId;
  if (credentials.projectId) signed['X-Project-Id'] = credentials.projectId;
  return { accept: 'application/json', ...signed, ...signRequest(credentials.aksk, { method: 'GET', url, headers: signed }, new Date()) };
}

/** Keeps a caller's token out of text the upstream sent back (an echo must not reach our errors). */
export function redactor(credentials: Credentials): (text: string) => string {
  return 'token' in credentials ? (text) => text.split(credentials.token).join('[redacted]') : (text) => text;
}
