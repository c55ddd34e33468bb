import type { ListImagesQuery } from '../../../src/upstream/wire.js';
import type { Fact } from '../facts.js';
import type { Answer } from '../target.js';

/**
 * What a probe of `npm run contract-check` is: a few read-only listing calls to one target, reduced
 * to facts that hold whatever images the account has, so that the emulator and the real API can be
 * compared although their data differ; and how many calls it and a run may make.
 */

export interface ProbeContext {
  region: string;
  /** One listing call in the run's region, or another (or its repeat from the run's cache); the upstream's errors come back as answers. */
  list(query: ListImagesQuery, region?: string): Promise<Answer>;
}

export interface Probe {
  /** Its name in the report. */
  id: string;
  /** What it checks, in a few words. */
  checks: string;
  run(ctx: ProbeContext): Promise<Fact[]>;
}

/** Calls one probe may make (repeats from the cache are free). */
export const MAX_CALLS_PER_PROBE = 10;
/** Calls one run may make to one target. */
export const MAX_CALLS_PER_RUN = 60;
