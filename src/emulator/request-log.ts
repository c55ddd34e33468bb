import type { AuthScheme } from './auth.js';
import type { FaultKind } from './faults.js';

/**
 * One request as the emulator saw it, logged when it was answered or abandoned; credentials (tokens,
 * access keys, signatures) are never recorded, only the way they came and the project they map to.
 */
export interface RecordedRequest {
  /** Order of logging (answer or abandonment), from 1. */
  seq: number;
  method: string;
  path: string;
  /** Set when the path is the image-listing API (`''` for an empty region). */
  region?: string;
  query: Record<string, string>;
  /** The caller's project, once authenticated; on an aborted entry, the project its credentials map to (if any). */
  projectId?: string;
  /**
   * Which credentials the caller presented on the API path: `token` (X-Auth-Token, which wins when
   * both are sent) or `aksk` (an SDK-HMAC-SHA256 signature); set whether or not they were accepted
   * (`projectId` says that). Absent when there were none.
   */
  auth?: AuthScheme;
  /** The status sent; 0 on an aborted entry (nothing was sent). */
  status: number;
  /** Sent as `X-Request-Id` (never sent on an aborted entry). */
  requestId: string;
  /** The fault played, if one was already decided. */
  fault?: FaultKind;
  /**
   * The caller's connection closed before the emulator answered (a client that gave up, e.g. during
   * the added latency): the emulator stopped work on it and sent nothing. Absent on answered requests.
   */
  aborted?: boolean;
  /** The caller's TCP port: equal across requests that reused one keep-alive connection. */
  remotePort: number;
  /** When the request arrived, in ms since the epoch (fractional: sub-millisecond precision). */
  receivedAt: number;
}

/** The request log keeps the newest entries only, so a long-running emulator does not grow. */
const DEFAULT_LOG_CAPACITY = 10_000;

/** The emulator's request log, for tests: the newest `capacity` entries, numbered as they are logged. */
export class RequestLog {
  private readonly entries: RecordedRequest[] = [];
  private logged = 0;

  constructor(private readonly capacity: number = DEFAULT_LOG_CAPACITY) {}

  /** Oldest first. */
  get all(): readonly RecordedRequest[] {
    return [...this.entries];
  }

  /** Only the image-listing calls (those that reached the API path). */
  get api(): readonly RecordedRequest[] {
    return this.entries.filter((r) => r.region !== undefined);
  }

  /** Numbered when logged: requests overlap (latency), so numbering on arrival would repeat numbers. */
  record(entry: RecordedRequest): void {
    entry.seq = ++this.logged;
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Empties the log; numbering (`seq`) starts again at 1. */
  clear(): void {
    this.entries.length = 0;
    this.logged = 0;
  }
}
