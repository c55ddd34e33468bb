import { afterEach, describe, expect, it } from 'vitest';
import { ImageWatch, type ImageLookup, type WatchEvent } from '../../src/images/image-watch.js';
import type { Credentials } from '../../src/upstream/client.js';
import { ClientGone, CloudImagesError, ErrorCode } from '../../src/upstream/errors.js';
import type { ImageInfo } from '../../src/upstream/wire.js';

/**
 * The registry of watched images alone, over a scripted lookup (no server, no upstream): one poller
 * per caller, region and image, what its watchers are sent, and when it stops.
 */

const INTERVAL_MS = 20;
const ALICE: Credentials = { token: 'token-alice' };
const BOB: Credentials = { token: 'token-bob' };

function image(status: string, updatedAt = '2026-12-01T00:00:00Z'): ImageInfo {
  return { id: 'img-1', name: 'web', status, updated_at: updatedAt } as unknown as ImageInfo;
}

/** A lookup that answers from a script the test changes as it goes, and records every poll. */
class ScriptedLookup {
  answer: () => Promise<ImageInfo | null> = () => Promise.resolve(image('saving'));
  readonly polls: { credentials: Credentials; region: string; imageId: string; signal: AbortSignal }[] = [];

  for = (credentials: Credentials, signal: AbortSignal): ImageLookup => ({
    image: (region, imageId) => {
      this.polls.push({ credentials, region, imageId, signal });
      return this.answer();
    },
  });
}

const watches: ImageWatch[] = [];
afterEach(() => {
  for (const watch of watches.splice(0)) watch.close();
});

function registry(lookup: ScriptedLookup, maxWatchMs = 60_000): ImageWatch {
  const watch = new ImageWatch({ intervalMs: INTERVAL_MS, maxWatchMs, lookup: lookup.for });
  watches.push(watch);
  return watch;
}

/** A watcher's events as they come. */
function follow(events: AsyncIterableIterator<WatchEvent>): { got: WatchEvent[]; next(): Promise<WatchEvent>; ended: Promise<void>; leave(): Promise<unknown> } {
  const got: WatchEvent[] = [];
  const queue: WatchEvent[] = [];
  const waiting: ((event: WatchEvent) => void)[] = [];
  const ended = (async () => {
    for await (const event of { [Symbol.asyncIterator]: () => events }) {
      got.push(event);
      const waiter = waiting.shift();
      if (waiter) waiter(event);
      else queue.push(event);
    }
  })();
  return {
    got,
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve))),
    ended,
    leave: () => events.return!(),
  };
}

/** Resolves once `condition` holds, checked every few ms (bounded by the test's timeout). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const statusOf = (event: WatchEvent): string => (event.kind === 'image' ? String(event.image.status) : event.kind);

describe('ImageWatch', () => {
  it('one poller for every watcher of a caller\'s image; a later watcher gets the last image at once', async () => {
    const lookup = new ScriptedLookup();
    const watch = registry(lookup);
    const first = follow(watch.watch(ALICE, 'cn-north-4', 'img-1'));
    expect(statusOf(await first.next())).toBe('saving');
    const watchers = Array.from({ length: 20 }, () => follow(watch.watch(ALICE, 'cn-north-4', 'img-1')));
    for (const watcher of watchers) expect(statusOf(await watcher.next())).toBe('saving');
    await until(() => lookup.polls.length >= 4);
    expect(watch.counts).toEqual({ watchers: 21, polled: 1 });
    // Nothing changed: nobody was sent the same image again.
    expect(first.got).toHaveLength(1);
  });

  it('two callers (or two images) are polled apart, each with its own credentials', async () => {
    const lookup = new ScriptedLookup();
    const watch = registry(lookup);
    const alice = follow(watch.watch(ALICE, 'cn-north-4', 'img-1'));
    const bob = follow(watch.watch(BOB, 'cn-north-4', 'img-1'));
    const other = follow(watch.watch(ALICE, 'cn-north-4', 'img-2'));
    await Promise.all([alice.next(), bob.next(), other.next()]);
    expect(watch.counts.polled).toBe(3);
    expect(new Set(lookup.polls.map((poll) => `${(poll.credentials as { token: string }).token} ${poll.imageId}`))).toEqual(new Set(['token-alice img-1', 'token-bob img-1', 'token-alice img-2']));
  });

  it('sends the image again when its status or updated_at changes, and ends after a terminal status', async () => {
    const lookup = new ScriptedLookup();
    const watch = registry(lookup);
    const watcher = follow(watch.watch(ALICE, 'cn-north-4', 'img-1'));
    expect(statusOf(await watcher.next())).toBe('saving');
    lookup.answer = () => Promise.resolve(image('saving', '2026-12-02T00:00:00Z'));
    const touched = await watcher.next();
    expect(touched.kind === 'image' && touched.image.updated_at).toBe('2026-12-02T00:00:00Z');
    lookup.answer = () => Promise.resolve(image('active', '2026-12-03T00:00:00Z'));
    expect(statusOf(await watcher.next())).toBe('active');
    await watcher.ended;
    expect(watcher.got.map(statusOf)).toEqual(['saving', 'saving', 'active']);
    expect(watch.counts).toEqual({ watchers: 0, polled: 0 });
  });

  it('an image that disappears: a last `gone` event', async () => {
    const lookup = new ScriptedLookup();
    const watch = registry(lookup);
    const watcher = follow(watch.watch(ALICE, 'cn-north-4', 'img-1'));
    await watcher.next();
    lookup.answer = () => Promise.resolve(null);
    await watcher.ended;
    expect(watcher.got.map(statusOf)).toEqual(['saving', 'gone']);
    expect(watch.polls.get('gone')).toBe(1);
  });

  it('a failure is sent once per run of failures and the watch goes on; the poll that succeeds again sends the image', async () => {
    const lookup = new ScriptedLookup();
    const watch = registry(lookup);
    const watcher = follow(watch.watch(ALICE, 'cn-north-4', 'img-1'));
    await watcher.next();
    lookup.answer = () => Promise.reject(new CloudImagesError(ErrorCode.UPSTREAM_UNAVAILABLE, 'down'));
    const failed = await watcher.next();
    expect(failed.kind === 'failed' && (failed.error as CloudImagesError).code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    const pollsAtFailure = lookup.polls.length;
    await until(() => lookup.polls.length >= pollsAtFailure + 3);
    expect(watcher.got).toHaveLength(2);
    // A new watcher joining mid-run hears of the failure too.
    const late = follow(watch.watch(ALICE, 'cn-north-4', 'img-1'));
    expect((await late.next()).kind).toBe('image');
    expect((await late.next()).kind).toBe('failed');
    lookup.answer = () => Promise.resolve(image('saving'));
    expect(statusOf(await watcher.next())).toBe('saving');
    expect(watch.polls.get(ErrorCode.UPSTREAM_UNAVAILABLE)).toBeGreaterThanOrEqual(3);
  });

  it('UNAUTHENTICATED ends the watch with the failure: the next poll cannot cure it', async () => {
    const lookup = new ScriptedLookup();
    lookup.answer = () => Promise.reject(new CloudImagesError(ErrorCode.UNAUTHENTICATED, 'token expired'));
    const watch = registry(lookup);
    const watcher = follow(watch.watch(ALICE, 'cn-north-4', 'img-1'));
    await watcher.ended;
    expect(watcher.got.map((event) => event.kind)).toEqual(['failed']);
    expect(lookup.polls).toHaveLength(1);
  });

  it('a watch lasts at most maxWatchMs: a last `ended: expired` event', async () => {
    const lookup = new ScriptedLookup();
    const watch = registry(lookup, 100);
    const watcher = follow(watch.watch(ALICE, 'cn-north-4', 'img-1'));
    await watcher.ended;
    expect(watcher.got.at(-1)).toEqual({ kind: 'ended', reason: 'expired', afterMs: 100 });
    expect(watch.counts).toEqual({ watchers: 0, polled: 0 });
  });

  it('close() ends every watch with `ended: shutdown`; a watch asked for afterwards gets only that', async () => {
    const lookup = new ScriptedLookup();
    const watch = registry(lookup);
    const watchers = [follow(watch.watch(ALICE, 'cn-north-4', 'img-1')), follow(watch.watch(BOB, 'cn-north-4', 'img-1'))];
    await Promise.all(watchers.map((watcher) => watcher.next()));
    watch.close();
    await Promise.all(watchers.map((watcher) => watcher.ended));
    for (const watcher of watchers) expect(watcher.got.at(-1)).toEqual({ kind: 'ended', reason: 'shutdown' });
    const late = follow(watch.watch(ALICE, 'cn-north-4', 'img-1'));
    await late.ended;
    expect(late.got).toEqual([{ kind: 'ended', reason: 'shutdown' }]);
  });

  it('the last watcher leaving stops the poller, and a poll in flight is told (its signal aborts)', async () => {
    const lookup = new ScriptedLookup();
    const watch = registry(lookup);
    const watchers = [follow(watch.watch(ALICE, 'cn-north-4', 'img-1')), follow(watch.watch(ALICE, 'cn-north-4', 'img-1'))];
    await Promise.all(watchers.map((watcher) => watcher.next()));
    await watchers[0]!.leave();
    const pollsWithOne = lookup.polls.length;
    await until(() => lookup.polls.length >= pollsWithOne + 2);
    // The next poll hangs until its signal says nobody waits for it.
    let hung: AbortSignal | undefined;
    lookup.answer = () =>
      new Promise((_resolve, reject) => {
        hung = lookup.polls.at(-1)!.signal;
        hung.addEventListener('abort', () => reject(hung!.reason));
      });
    await until(() => hung !== undefined);
    await watchers[1]!.leave();
    expect(hung!.aborted).toBe(true);
    expect(hung!.reason).toBeInstanceOf(ClientGone);
    const pollsAtEnd = lookup.polls.length;
    await new Promise((resolve) => setTimeout(resolve, 5 * INTERVAL_MS));
    expect(lookup.polls).toHaveLength(pollsAtEnd);
    expect(watch.counts).toEqual({ watchers: 0, polled: 0 });
  });
});
