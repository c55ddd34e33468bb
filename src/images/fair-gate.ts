/**
 * Bounds the upstream calls in flight: at most `maxInFlight` for the whole process, and at most a
 * lane's own `limit` for each GraphQL request (its lane). When calls queue, lanes are served in
 * turn, one call each, so a request that asks for 500 parents cannot starve the requests behind it.
 * Written here because p-limit and p-queue keep one FIFO queue: fairness needs a queue per request.
 */
export class FairGate {
  private inFlight = 0;
  /** Lanes with a call waiting and room under their own limit, in the order they are served. */
  private readonly turns: Lane[] = [];

  constructor(readonly maxInFlight: number) {}

  /** A new lane for one request, with its own limit. */
  lane(limit: number): Lane {
    return new Lane(this, limit);
  }

  get active(): number {
    return this.inFlight;
  }

  /** @internal Lane → gate: a lane has a call waiting and room for it. */
  ready(lane: Lane): void {
    if (!this.turns.includes(lane)) this.turns.push(lane);
    this.pump();
  }

  /** @internal Lane → gate: a call ended. */
  released(): void {
    this.inFlight--;
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight) {
      const lane = this.turns.shift();
      if (!lane) return;
      if (!lane.startNext()) continue;
      this.inFlight++;
      if (lane.canStart) this.turns.push(lane);
    }
  }
}

interface Waiting {
  start: () => void;
}

export class Lane {
  private running = 0;
  private readonly waiting: Waiting[] = [];

  constructor(
    private readonly gate: FairGate,
    private readonly limit: number,
  ) {}

  /** @internal */
  get canStart(): boolean {
    return this.waiting.length > 0 && this.running < this.limit;
  }

  /**
   * Runs `call` when the gate and the lane have room. A `signal` that fires while the call still
   * waits takes it out of the queue and rejects with the signal's reason.
   */
  run<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      const entry: Waiting = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.running++;
          // The place is given back before the caller hears the outcome.
          const release = (): void => {
            this.running--;
            if (this.canStart) this.gate.ready(this);
            this.gate.released();
          };
          Promise.resolve()
            .then(call)
            .then(
              (value) => {
                release();
                resolve(value);
              },
              (error: unknown) => {
                release();
                reject(error);
              },
            );
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
      if (this.canStart) this.gate.ready(this);
    });
  }

  /** @internal Starts the next waiting call; false when there is none or no room. */
  startNext(): boolean {
    if (!this.canStart) return false;
    this.waiting.shift()!.start();
    return true;
  }
}
