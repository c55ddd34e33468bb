import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Credentials } from '../upstream/client.js';

/**
 * Whose view of the upstream something is, without holding a credential: the text that identifies
 * credentials (the token, or the server's access key with its domain and project), and the digests
 * of it that key what is kept per caller.
 */

/** What makes two sets of credentials see the same images. */
export function credentialIdentity(credentials: Credentials): string {
  return 'token' in credentials ? `token:${credentials.token}` : `aksk:${credentials.aksk.ak}:${credentials.domainId ?? ''}:${credentials.projectId ?? ''}`;
}

/**
 * A SHA-256 digest of the credentials: the same in every instance, so instances sharing Redis find
 * each other's listings under it (listing caches; never the credentials themselves).
 */
export function sharedCallerKey(credentials: Credentials | undefined): string {
  if (!credentials) return 'none';
  return createHash('sha256').update(credentialIdentity(credentials)).digest('base64url');
}

/**
 * HMAC-SHA256 under a key of this process (random unless given): what keys in-process maps of
 * callers (watches, subscription counts). A key of such a map is no credential, and without the
 * process's key not even a way to test a guessed one.
 */
export class KeyedDigest {
  constructor(private readonly key: Buffer = randomBytes(32)) {}

  of(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }

  ofCredentials(credentials: Credentials): string {
    return this.of(credentialIdentity(credentials));
  }
}
