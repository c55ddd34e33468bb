import { Repeater } from '@repeaterjs/repeater';
import { createHash } from 'node:crypto';
import type { Credentials } from '../upstream/client.js';
import { ClientGone, CloudImagesError, ErrorCode } from '../upstream/errors.js';
import type { ImageInfo } from '../upstream/wire.js';
import { KeyedDigest } from './caller-digest.js';

/**
 * Live image status (issue 21): the process-wide registry of watched images. The upstream has no
 * push, so the server polls, once for all watchers: one poller per (caller, region, image id),
 * whatever the number of watchers, started by the first and stopped when the last leaves. Callers
 * are told apart by a keyed digest of their credentials (caller-digest.ts): no map key holds a
 * credential, and two callers never share a poll.
 *
 * Each poll is a `?id=` lookup through an image source for the watch's credentials (so the client's
 * retries, breaker, budget and metrics apply); with REDIS_URL the image source reads through a
 * listing cache shared by the instances, so they share each poll's result. Polls of one image run at
 * the same phase of WATCH_INTERVAL_MS in every instance (a phase from the region and image id, on
 * the wall clock): whichever instance claims the lookup makes it, the others read its answer.
 *
 * A watcher gets the image when first seen (at once when its poller already knows it), then again
 * each time its status or `updated_at` changes. It ends after a terminal status (ACTIVE, KILLED,
 * DELETED) was sent, or when the image is gone (a last `gone` event), or when the caller's
 * credentials or the request are refused (UNAUTHENTICATED, BAD_USER_INPUT: the failure, then the
 * end). Other failures are sent once per run of failures (again when the code changes), and the
 * watch goes on: the next poll may succeed, and then the image is sent even if unchanged. A watch
 * lasts at most WATCH_MAX_MS (a last `ended: expired` event), and `close()` ends every watch with
 * a last `ended: shutdown` event.
 */

/** What the configuration decides of watches (src/config/live-status.ts). */
export interface WatchSettings {
  /** How often a watched image is polled (WATCH_INTERVAL_MS). */
  intervalMs: number;
  /** Most time one watch lasts (WATCH_MAX_MS). */
  maxWatchMs: number;
}

export type WatchEnd = 'expired' | 'shutdown';

/** What a watcher is sent. */
export type WatchEvent =
  | { kind: 'image'; image: ImageInfo }
  | { kind: 'gone' }
  /** A poll failed: a CloudImagesError (or a bug). */
  | { kind: 'failed'; error: unknown }
  /** The last event of a watch the server ended; `afterMs` is WATCH_MAX_MS for `expired`. */
  | { kind: 'ended'; reason: WatchEnd; afterMs?: number };

/** One image by id, as the caller sees it (an image source). */
export interface ImageLookup {
  image(region: string, imageId: string): Promise<ImageInfo | null>;
}

export interface ImageWatchOptions extends WatchSettings {
  /** An image source for one poll with `credentials`; `signal` fires when no watcher waits for the poll any more. */
  lookup: (credentials: Credentials, signal: AbortSignal) => ImageLookup;
  /** Keys pollers by caller (default: a random key of this process). */
  digest?: KeyedDigest;
  /** The wall clock polls are phased on (shared by the instances). */
  now?: () => number;
}

/** A watch of one caller's view of one image (src/graphql's subscription reads it). */
export interface LiveImages {
  watch(region: string, imageId: string): AsyncIterableIterator<WatchEvent>;
}

/** Statuses after which an image no longer changes (wire spelling). */
const TERMINAL = new Set(['active', 'killed', 'deleted']);
/** Failures the next poll cannot cure: the watch ends with them. */
const FINAL_FAILURES = new Set<string>([ErrorCode.UNAUTHENTICATED, ErrorCode.BAD_USER_INPUT]);

interface Watcher {
  send(event: WatchEvent): void;
  end(): void;
}

/** The poll outcomes counted: `ok`, `gone`, or the failure's code (`INTERNAL_SERVER_ERROR` for a bug). */
export type PollOutcome = 'ok' | 'gone' | string;

export class ImageWatch {
  private readonly pollers = new Map<string, Poller>();
  private readonly watchers = new Set<Watcher>();
  private readonly digest: KeyedDigest;
  private closed = false;
  /** Polls made, by outcome (for metrics). */
  readonly polls = new Map<PollOutcome, number>();

  constructor(readonly options: ImageWatchOptions) {
    this.digest = options.digest ?? new KeyedDigest();
  }

  /** Watches now open, and the images (per caller) polled for them. */
  get counts(): { watchers: number; polled: number } {
    return { watchers: this.watchers.size, polled: this.pollers.size };
  }

  /** The watches of one caller. */
  for(credentials: Credentials): LiveImages {
    return { watch: (region, imageId) => this.watch(credentials, region, imageId) };
  }

  /** Events until the watch ends; `return()` leaves it (the last watcher of an image stops its poller). */
  watch(credentials: Credentials, region: string, imageId: string): AsyncIterableIterator<WatchEvent> {
    return new Repeater<WatchEvent>(async (push, stop) => {
      // A push that fails (the consumer left meanwhile) has nowhere to go.
      const watcher: Watcher = { send: (event) => void push(event).catch(() => undefined), end: () => stop() };
      if (this.closed) {
        watcher.send({ kind: 'ended', reason: 'shutdown' });
        return stop();
      }
      const key = `${this.digest.ofCredentials(credentials)}\n${region}\n${imageId}`;
      let poller = this.pollers.get(key);
      const starting = poller === undefined;
      if (!poller) {
        poller = new Poller(this, credentials, region, imageId, () => this.pollers.delete(key));
        this.pollers.set(key, poller);
      }
      this.watchers.add(watcher);
      poller.join(watcher);
      if (starting) poller.start();
      const expiry = setTimeout(() => {
        watcher.send({ kind: 'ended', reason: 'expired', afterMs: this.options.maxWatchMs });
        watcher.end();
      }, this.options.maxWatchMs);
      expiry.unref();
      await stop;
      clearTimeout(expiry);
      this.watchers.delete(watcher);
      poller.leave(watcher);
    });
  }

  /** Ends every watch with a last `ended: shutdown` event; a watch asked for later gets only that. */
  close(): void {
    this.closed = true;
    for (const watcher of [...this.watchers]) {
      watcher.send({ kind: 'ended', reason: 'shutdown' });
      watcher.end();
    }
  }

  /** @internal */
  counted(outcome: PollOutcome): void {
    this.polls.set(outcome, (this.polls.get(outcome) ?? 0) + 1);
  }

  /** @internal When the next poll of an image is due: the next time at its phase, at least half an interval away. */
  nextPollIn(region: string, imageId: string): number {
    const { intervalMs } = this.options;
    const phase = createHash('sha256').update(`${region}\n${imageId}`).digest().readUInt32BE(0) % intervalMs;
    const now = (this.options.now ?? Date.now)();
    let wait = (((phase - now) % intervalMs) + intervalMs) % intervalMs;
    if (wait < intervalMs / 2) wait += intervalMs;
    return wait;
  }
}

/** The poller of one caller's image: its watchers, what they were last sent, its timer. */
class Poller {
  private readonly watchers = new Set<Watcher>();
  /** The image last sent. */
  private last: ImageInfo | undefined;
  /** The failure of the run of failed polls under way, sent once. */
  private failure: { code: string; error: unknown } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: AbortController | undefined;
  private done = false;

  constructor(
    private readonly owner: ImageWatch,
    private readonly credentials: Credentials,
    private readonly region: string,
    private readonly imageId: string,
    private readonly forget: () => void,
  ) {}

  start(): void {
    void this.poll();
  }

  /** A new watcher gets what the others were last told. */
  join(watcher: Watcher): void {
    this.watchers.add(watcher);
    if (this.last) watcher.send({ kind: 'image', image: this.last });
    if (this.failure) watcher.send({ kind: 'failed', error: this.failure.error });
  }

  leave(watcher: Watcher): void {
    this.watchers.delete(watcher);
    if (this.watchers.size === 0) this.stop();
  }

  private stop(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    // A lookup in flight is left: it stops unless another instance's watch waits for it too.
    this.polling?.abort(new ClientGone());
    this.forget();
  }

  /** Sends a last event to every watcher and ends their watches. */
  private finish(event: WatchEvent): void {
    this.stop();
    for (const watcher of this.watchers) {
      watcher.send(event);
      watcher.end();
    }
  }

  private broadcast(event: WatchEvent): void {
    for (const watcher of this.watchers) watcher.send(event);
  }

  private async poll(): Promise<void> {
    const polling = (this.polling = new AbortController());
    try {
      const image = await this.owner.options.lookup(this.credentials, polling.signal).image(this.region, this.imageId);
      if (this.done) return;
      this.owner.counted(image ? 'ok' : 'gone');
      if (!image) return this.finish({ kind: 'gone' });
      this.seen(image);
    } catch (error) {
      if (this.done) return;
      const code = error instanceof CloudImagesError ? error.code : 'INTERNAL_SERVER_ERROR';
      this.owner.counted(code);
      if (FINAL_FAILURES.has(code)) return this.finish({ kind: 'failed', error });
      if (this.failure?.code !== code) this.broadcast({ kind: 'failed', error });
      this.failure = { code, error };
    } finally {
      if (this.polling === polling) this.polling = undefined;
    }
    if (this.done) return;
    this.timer = setTimeout(() => void this.poll(), this.owner.nextPollIn(this.region, this.imageId));
    this.timer.unref();
  }

  private seen(image: ImageInfo): void {
    const recovered = this.failure !== undefined;
    this.failure = undefined;
    const changed = !this.last || this.last.status !== image.status || this.last.updated_at !== image.updated_at;
    if (!changed && !recovered) return;
    this.last = image;
    if (TERMINAL.has(String(image.status).toLowerCase())) return this.finish({ kind: 'image', image });
    this.broadcast({ kind: 'image', image });
  }
}
