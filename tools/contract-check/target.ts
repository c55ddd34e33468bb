import { setTimeout as delay } from 'node:timers/promises';
import { CloudImagesClient, type ClientOptions, type Credentials } from '../../src/upstream/client.js';
import { CloudImagesError } from '../../src/upstream/errors.js';
import type { ImageInfo, ListImagesQuery } from '../../src/upstream/wire.js';

/**
 * One side of a contract check: an endpoint of the image API, the credentials to call it with and
 * the region to look at. Every call goes through the product's own client (`listImages`), so the
 * check sees the upstream exactly as the GraphQL API does: same URLs and canonical queries, same
 * token or AK/SK signature, same retries (429 `Retry-After` honoured), same error reading.
 */

/** What one call answered, as the client reads it: the images, or the upstream's error. */
export type Answer =
  | { ok: true; images: ImageInfo[] }
  | {
      ok: false;
      status: number | null;
      /** `error_code` (or IMS `error.code`) as the client reads it, whatever the body's shape. */
      code: string | null;
      message: string | null;
    };

export interface TargetOptions {
  /** How the report names it: `real`, `emulator`, `other`. */
  label: string;
  endpoint: string;
  credentials: Credentials;
  region: string;
  /** Pause between two calls to this target (none before the first). */
  delayMs: number;
  /** Most calls the whole run may make to this target (answers repeated from the cache are free). */
  maxCalls: number;
  /** Timeouts and retries of the client (defaults: the product's own). */
  client?: Partial<Pick<ClientOptions, 'timeoutMs' | 'maxAttempts' | 'retryBaseDelayMs' | 'totalBudgetMs'>>;
}

/** The run's budget of calls to one target is spent: the probe asking for more fails. */
export class CallBudgetExceeded extends Error {
  constructor(label: string, max: number) {
    super(`the budget of ${max} calls to ${label} is spent`);
    this.name = 'CallBudgetExceeded';
  }
}

export const DEFAULT_CLIENT_SETTINGS = { timeoutMs: 15_000, maxAttempts: 4, retryBaseDelayMs: 500, totalBudgetMs: 45_000 } as const;

export class Target {
  readonly label: string;
  readonly endpoint: string;
  readonly region: string;
  private readonly client: CloudImagesClient;
  private readonly credentials: Credentials;
  private readonly delayMs: number;
  private readonly maxCalls: number;
  /** Identical calls (same URL) within a run are made once: probes share the big pages they read. */
  private readonly answers = new Map<string, Promise<Answer>>();
  private made = 0;
  private lastCall: Promise<unknown> = Promise.resolve();
  private called = false;

  constructor(options: TargetOptions) {
    this.label = options.label;
    this.endpoint = options.endpoint;
    this.region = options.region;
    this.credentials = options.credentials;
    this.delayMs = options.delayMs;
    this.maxCalls = options.maxCalls;
    // One call at a time, so a small pool; the breaker must not stop a run that probes errors on purpose (4xx never count).
    this.client = new CloudImagesClient({ ...DEFAULT_CLIENT_SETTINGS, ...options.client, endpoint: options.endpoint, maxInFlight: 2 });
  }

  /** Calls made so far (cached repeats not counted). */
  get calls(): number {
    return this.made;
  }

  /** How the report names this side: `real (https://iecs.myhuaweicloud.com)`. */
  describe(): string {
    return `${this.label} (${this.endpoint})`;
  }

  /**
   * One listing call. `fresh` is true when it reached the upstream (false: repeated from this run's
   * cache). Answers with the upstream's error rather than throwing; throws only when the upstream
   * said nothing (unreachable, timed out) or the budget is spent.
   */
  async list(query: ListImagesQuery, region: string = this.region): Promise<{ answer: Answer; fresh: boolean }> {
    const key = this.client.listUrl(region, query).href;
    const cached = this.answers.get(key);
    if (cached) return { answer: await cached, fresh: false };
    if (this.made >= this.maxCalls) throw new CallBudgetExceeded(this.label, this.maxCalls);
    this.made++;
    const answer = this.call(region, query);
    this.answers.set(key, answer);
    // A failure that is no answer (network) is not cached: a later probe may try again.
    answer.catch(() => this.answers.delete(key));
    return { answer: await answer, fresh: true };
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async call(region: string, query: ListImagesQuery): Promise<Answer> {
    // Calls to one target go one after the other, `delayMs` apart.
    const previous = this.lastCall;
    let done!: () => void;
    this.lastCall = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      if (this.called && this.delayMs > 0) await delay(this.delayMs);
      this.called = true;
      try {
        const { images } = await this.client.listImages(this.credentials, region, query);
        return { ok: true, images };
      } catch (error) {
        if (error instanceof CloudImagesError && error.upstream && error.upstream.status !== null) {
          const { status, code, message } = error.upstream;
          return { ok: false, status, code, message };
        }
        throw error;
      }
    } finally {
      done();
    }
  }
}
