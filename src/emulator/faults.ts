import { definedOnly, type EmulatorFaults } from './options.js';
import { Random } from './random.js';

export type FaultKind = 'throttled' | 'server-error' | 'unavailable' | 'failed-id' | 'malformed';

/** Decides, request by request, which fault (if any) the emulator plays; seeded, so runs repeat. */
export class FaultPlan {
  private settings: EmulatorFaults;
  private readonly random: Random;
  private served = 0;

  constructor(settings: EmulatorFaults, seed: number) {
    this.settings = { ...settings, failImageIds: [...settings.failImageIds] };
    this.random = new Random(seed ^ 0x5eed);
  }

  get current(): Readonly<EmulatorFaults> {
    return this.settings;
  }

  /** Knobs given as `undefined` keep their current value (spreading them would erase it). */
  update(changes: Partial<EmulatorFaults>): void {
    const given = definedOnly(changes);
    this.settings = { ...this.settings, ...given, failImageIds: [...(given.failImageIds ?? this.settings.failImageIds)] };
    if (given.throttleEvery !== undefined || given.throttleBurst !== undefined) this.served = 0;
  }

  /** The gateway's view: throttling comes before authentication. */
  beforeAuth(): FaultKind | undefined {
    const { throttleEvery, throttleBurst } = this.settings;
    const position = this.served++;
    if (throttleBurst > 0 && position % (throttleEvery + throttleBurst) >= throttleEvery) return 'throttled';
    return undefined;
  }

  /** The service's view, once the caller is known. */
  afterAuth(query: URLSearchParams): FaultKind | undefined {
    const id = query.get('id');
    if (id !== null && this.settings.failImageIds.includes(id)) return 'failed-id';
    if (this.settings.errorRate > 0 && this.random.next() < this.settings.errorRate) {
      return this.random.chance(0.5) ? 'server-error' : 'unavailable';
    }
    return undefined;
  }

  /** Whether a successful body is sent cut short. */
  malformed(): boolean {
    return this.settings.malformedRate > 0 && this.random.next() < this.settings.malformedRate;
  }
}
