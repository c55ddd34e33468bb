import { createHash } from 'node:crypto';
import { userInputError } from '../errors.js';

/**
 * Opaque cursors: base64url JSON carrying the upstream marker (an image id) and a digest of the
 * arguments the page was listed with, so a cursor replayed against another region, filter or sort
 * is refused instead of silently paging through the wrong listing.
 */

interface CursorBody {
  v: 1;
  /** The upstream marker: the id of the image at this position. */
  m: string;
  /** Digest of the listing (region, filter, sort). */
  b: string;
}

/** A short digest of everything that defines a listing's order and content. */
export function listingBinding(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodeCursor(marker: string, binding: string): string {
  // JSON.stringify of { v: 1, m: marker, b: binding }, written out (a page of 500 makes 500): the binding is base64url, no escaping needed.
  return Buffer.from(`{"v":1,"m":${JSON.stringify(marker)},"b":"${binding}"}`, 'utf8').toString('base64url');
}

/** The marker inside a cursor; a corrupt cursor or one from another listing is BAD_USER_INPUT. */
export function decodeCursor(cursor: string, binding: string, argument: 'after' | 'before'): string {
  let body: Partial<CursorBody> | null = null;
  if (/^[A-Za-z0-9_-]{1,4096}$/.test(cursor)) {
    try {
      body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
    } catch {
      body = null;
    }
  }
  if (!body || body.v !== 1 || typeof body.m !== 'string' || body.m === '' || typeof body.b !== 'string') {
    throw userInputError(`\`${argument}\` is not a cursor of this API: pass a cursor from an edge or pageInfo.`, { argument });
  }
  if (body.b !== binding) {
    throw userInputError(`\`${argument}\` belongs to a listing with another region, filter or sort; cursors only work with the arguments they came from.`, {
      argument,
    });
  }
  return body.m;
}
