import { MAX_LIMIT, type ListImagesQuery } from '../../../src/upstream/wire.js';
import { refusalOrAccepted } from './answers.js';
import type { Probe } from './probe.js';

/** Calls the upstream should refuse (a bad parameter, a region no cloud has): with which status and code. */

/** An id no account has: a marker that names no image. */
const UNKNOWN_MARKER = '00000000-0000-4000-8000-00000c0ffee0';
/** A well-formed region id no cloud has. */
const UNKNOWN_REGION = 'xx-nowhere-9';

/** A value outside the types, for the probes that send what the client never would. */
function illegal<K extends keyof ListImagesQuery>(key: K, value: string | number): ListImagesQuery {
  return { [key]: value } as unknown as ListImagesQuery;
}

/** A call with one bad parameter: which status and code refuse it (documented: 400 IEC.000006 + error_msg). */
function refusalProbe(id: string, checks: string, query: ListImagesQuery): Probe {
  return {
    id,
    checks,
    async run(ctx) {
      return [refusalOrAccepted('', await ctx.list(query))];
    },
  };
}

export const unknownRegion: Probe = {
  id: 'unknown region',
  checks: `a well-formed region no cloud has (${UNKNOWN_REGION}): status and code`,
  async run(ctx) {
    return [refusalOrAccepted('', await ctx.list({ limit: 1 }, UNKNOWN_REGION))];
  },
};

/** One bad parameter each (documented: 400 IEC.000006 + error_msg). */
export const BAD_PARAMETERS: readonly Probe[] = [
  refusalProbe('limit=501', 'limit=501 (documented maximum 500): refused with 400 IEC.000006', { limit: MAX_LIMIT + 1 }),
  refusalProbe('limit=-1', 'limit=-1: refused with 400 IEC.000006', { limit: -1 }),
  refusalProbe('sort_key=bogus', 'an unknown sort_key: refused with 400 IEC.000006', illegal('sort_key', 'bogus')),
  refusalProbe('sort_dir=bogus', 'an unknown sort_dir: refused with 400 IEC.000006', illegal('sort_dir', 'bogus')),
  refusalProbe('status=bogus', 'an unknown status: refused with 400 IEC.000006', illegal('status', 'bogus')),
  refusalProbe('protected=yes', 'a boolean parameter that is not true/false: refused with 400 IEC.000006', illegal('protected', 'yes')),
  refusalProbe('unknown marker', 'a marker naming no image: refused with 400 IEC.000006', { marker: UNKNOWN_MARKER, limit: 1 }),
];
