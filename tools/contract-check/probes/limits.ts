import { MAX_LIMIT } from '../../../src/upstream/wire.js';
import { fact, unknown } from '../facts.js';
import { refusalFact } from './answers.js';
import type { Probe } from './probe.js';

/** Page sizes the upstream is given or not given: none (its default) and 0. Sizes it refuses are in refusals.ts. */

/** Without `limit`: how many rows (documented: 500). */
export const defaultLimit: Probe = {
  id: 'default limit',
  checks: 'no limit: how many rows a page holds (documented: 500)',
  async run(ctx) {
    const page = await ctx.list({});
    if (!page.ok) return [refusalFact('', page)];
    const n = page.images.length;
    if (n === MAX_LIMIT) return [fact('', `${MAX_LIMIT} rows`)];
    if (n > MAX_LIMIT) return [fact('', `more than ${MAX_LIMIT} rows`, `${n} rows`)];
    const full = await ctx.list({ sort_key: 'created_at', sort_dir: 'desc', limit: MAX_LIMIT });
    if (full.ok && full.images.length > n) return [fact('', `${n} rows`, `limit=${MAX_LIMIT} gives ${full.images.length}`)];
    return [unknown('', `only ${n} images in ${ctx.region}: a page of fewer than ${MAX_LIMIT} cannot show the default`)];
  },
};

export const limitZero: Probe = {
  id: 'limit=0',
  checks: 'limit=0: 200 with no rows',
  async run(ctx) {
    const answer = await ctx.list({ limit: 0 });
    if (!answer.ok) return [refusalFact('', answer)];
    return [fact('', answer.images.length === 0 ? '200, no rows' : '200 with rows', `${answer.images.length} rows`)];
  },
};
