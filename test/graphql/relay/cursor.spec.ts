import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, listingBinding } from '../../../src/graphql/relay/cursor.js';

/** Cursors alone: their exact bytes, the round trip, and the refusals. */

describe('cursors', () => {
  const binding = listingBinding(['cn-north-4', { sort_key: 'name' }]);

  it('are base64url of the JSON { v: 1, m: marker, b: binding }, whatever the marker holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (marker) => {
        const cursor = encodeCursor(marker, binding);
        expect(cursor).toBe(Buffer.from(JSON.stringify({ v: 1, m: marker, b: binding }), 'utf8').toString('base64url'));
        expect(decodeCursor(cursor, binding, 'after')).toBe(marker);
      }),
      { numRuns: 2000 },
    );
  });

  it('bind to the listing: another binding, a corrupt cursor or an empty marker is BAD_USER_INPUT naming the argument', () => {
    const cursor = encodeCursor('abc', binding);
    const other = listingBinding(['cn-north-4', { sort_key: 'created_at' }]);
    expect(() => decodeCursor(cursor, other, 'before')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'before' }) }));
    for (const bad of ['', 'not a cursor!', Buffer.from('{"v":2,"m":"a","b":"x"}').toString('base64url'), encodeCursor('', binding)]) {
      expect(() => decodeCursor(bad, binding, 'after')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'after' }) }));
    }
  });
});
