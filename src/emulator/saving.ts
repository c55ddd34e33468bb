import type { ImageInfo } from '../upstream/wire.js';
import type { Catalog } from './catalog.js';
import { Random } from './random.js';

/**
 * Private images that finish saving while the emulator runs (`savingMs`, EMULATOR_SAVING_MS), so a
 * watch of one sees it go from SAVING to ACTIVE (or KILLED) for real. The data set is not changed:
 * its private images whose status is `saving` are scheduled, per region and tenant in the data
 * set's order, to finish one after another every `savingMs` from the emulator's start (the first
 * after `savingMs`). Which ones end KILLED (about one in four) follows from the seed, the times
 * from the start. A finished image answers with its new status and an `updated_at` of the moment
 * it finished; every other image is answered as it is in the data set.
 */

export type SavingOutcome = 'active' | 'killed';

/** One image of the schedule. */
export interface SavingImage {
  region: string;
  imageId: string;
  /** Its owner: only this tenant sees it. */
  projectId: string;
  outcome: SavingOutcome;
  /** When it finishes, in ms since the epoch. */
  finishesAt: number;
}

const KILLED_SHARE = 0.25;

export class SavingSchedule {
  private readonly byId = new Map<string, SavingImage>();

  /** `savingMs` 0: nothing is scheduled, every image stays as the data set has it. */
  constructor(catalog: Catalog, seed: number, savingMs: number, startedAt: number = Date.now()) {
    if (savingMs <= 0) return;
    [...catalog.keys()].forEach((region, regionIndex) => {
      const random = new Random((seed ^ 0x5a71e5 ^ Math.imul(regionIndex + 1, 0x27d4eb2d)) >>> 0);
      const turns = new Map<string, number>();
      for (const image of catalog.get(region)!) {
        if (image.visibility !== 'private' || image.status !== 'saving') continue;
        const turn = (turns.get(image.owner) ?? 0) + 1;
        turns.set(image.owner, turn);
        const outcome: SavingOutcome = random.chance(KILLED_SHARE) ? 'killed' : 'active';
        this.byId.set(image.id, { region, imageId: image.id, projectId: image.owner, outcome, finishesAt: startedAt + turn * savingMs });
      }
    });
  }

  /** Every scheduled image, soonest first. */
  get images(): SavingImage[] {
    return [...this.byId.values()].sort((a, b) => a.finishesAt - b.finishesAt);
  }

  /** The image as it is at `now`: the data set's, or once its save is over, with its outcome. */
  current(image: ImageInfo, now: number = Date.now()): ImageInfo {
    const scheduled = this.byId.get(image.id);
    if (!scheduled || now < scheduled.finishesAt) return image;
    return { ...image, status: scheduled.outcome, updated_at: new Date(scheduled.finishesAt).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  get active(): boolean {
    return this.byId.size > 0;
  }
}
