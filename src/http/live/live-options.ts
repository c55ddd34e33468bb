import type { Logger } from 'pino';
import type { TrustedDocumentList, TrustedDocumentsMode } from '../../apollo/trusted-documents.js';
import type { Context } from '../../graphql/context.js';
import type { KeyedDigest } from '../../images/caller-digest.js';
import type { Credentials } from '../../upstream/client.js';
import type { Caller } from '../caller-auth.js';
import type { CorsPolicy } from '../cors.js';
import type { CredentialMode } from '../credentials.js';
import type { SubscriptionOperations } from './subscription-operation.js';
import type { SubscriptionSlots } from './subscription-slots.js';

/** What both subscription transports are built from (src/http/live/live-transports.ts). */
export interface LiveTransportOptions {
  operations: SubscriptionOperations;
  slots: SubscriptionSlots;
  credentials: CredentialMode;
  /** The GraphQL context of one subscription: its caller's image catalog and live image watches; `signal` fires when it ends. */
  context: (subscription: { credentials: Credentials; requestId: string; signal: AbortSignal }) => Context;
  cors: CorsPolicy;
  /** Keys callers for the per-caller limit (a keyed digest: no credential in the map). */
  digest: KeyedDigest;
  /** TRUSTED_DOCUMENTS(_MODE): subscriptions run by the same rule as /graphql's requests (src/http/trusted-documents.ts). */
  trusted: { mode: TrustedDocumentsMode; list: TrustedDocumentList | undefined };
  log: Logger;
}

/** Who a subscription counts against for MAX_SUBSCRIPTIONS_PER_CALLER: the AK/SK-mode caller, else the token's holder. */
export function callerKeyOf(digest: KeyedDigest, credentials: Credentials, caller: Caller | undefined): string {
  if (!caller) return digest.ofCredentials(credentials);
  switch (caller.kind) {
    case 'jwt':
      return digest.of(`jwt:${caller.subject ?? ''}`);
    case 'api-key':
      return digest.of(`api-key:${caller.keyIndex}`);
    case 'anonymous':
      return digest.of('anonymous');
  }
}

/** How a client of either transport is told that it sent no credentials. */
export const NO_TOKEN = 'Subscriptions need credentials: send the IAM token as X-Auth-Token (or Authorization: Bearer <token>).';
