import { parseWireBoolean, type ListImagesQuery } from '../../../src/upstream/wire.js';
import { fact, unknown } from '../facts.js';
import { ids, refusalFact, refusalValue, sameIds } from './answers.js';
import type { Probe } from './probe.js';

/** Boolean filters whose meaning the reference leaves open: __isregistered beside gold images, a false __support_* flag. */

/** `__isregistered=false` beside `__imagetype=gold` (documented: ignored for public images). */
export const registeredWithGold: Probe = {
  id: '__isregistered with __imagetype=gold',
  checks: '__imagetype=gold&__isregistered=false: ignored (the gold rows) or applied',
  async run(ctx) {
    const gold = await ctx.list({ __imagetype: 'gold' });
    if (!gold.ok) return [fact('', `__imagetype=gold refused: ${refusalValue(gold)}`)];
    const filtered = await ctx.list({ __imagetype: 'gold', __isregistered: false });
    if (!filtered.ok) return [refusalFact('', filtered)];
    const all = ids(gold.images);
    const applied = ids(gold.images.filter((image) => parseWireBoolean(image.__isregistered) === false));
    if (all.length === 0) return [unknown('', `no gold images in ${ctx.region}`)];
    if (sameIds(all, applied)) return [unknown('', 'every gold image is unregistered: ignoring and applying look alike')];
    const got = ids(filtered.images);
    const detail = `${got.length} of ${all.length} gold rows`;
    if (sameIds(got, all)) return [fact('', 'ignored', detail)];
    if (sameIds(got, applied)) return [fact('', 'applied (filters gold images)', detail)];
    return [fact('', 'other rows', detail)];
  },
};

/** `__support_kvm=false`: the flag is documented as "true" or absent, so what does false select? */
export const supportFlagFalse: Probe = {
  id: '__support_kvm=false',
  checks: '__support_kvm=false (documented: the flag is "true" or absent): refused, no rows, or the images without it',
  async run(ctx) {
    const answer = await ctx.list({ __support_kvm: false } as unknown as ListImagesQuery);
    if (!answer.ok) return [refusalFact('', answer)];
    const rows = answer.images;
    if (rows.length === 0) {
      const all = await ctx.list({});
      if (all.ok && !all.images.some((image) => parseWireBoolean(image.__support_kvm) !== true)) {
        return [unknown('', 'every image supports KVM: an empty answer tells nothing')];
      }
      return [fact('', '200, no rows')];
    }
    const without = rows.every((image) => parseWireBoolean(image.__support_kvm) !== true);
    return [fact('', without ? '200, the images without the flag' : '200, images with the flag too', `${rows.length} rows`)];
  },
};
