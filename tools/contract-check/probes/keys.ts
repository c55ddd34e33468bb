import { DOCUMENTED_KEYS, REQUIRED_KEYS } from '../documented.js';
import { fact, unknown } from '../facts.js';
import { refusalFact } from './answers.js';
import type { Probe } from './probe.js';
import { sample } from './sample.js';

/** Key names: those outside the documented set, and the SDK's required ones some image lacks. */

export const undocumentedKeys: Probe = {
  id: 'undocumented keys',
  checks: 'names of the keys outside the documented ImageInfo set',
  async run(ctx) {
    const images = await sample(ctx);
    if (!Array.isArray(images)) return [refusalFact('', images)];
    const names = [...new Set(images.flatMap((image) => Object.keys(image)))].filter((key) => !DOCUMENTED_KEYS.has(key)).sort();
    return [fact('', names.length === 0 ? 'none' : names.join(', '), `${images.length} images looked at`)];
  },
};

export const requiredKeys: Probe = {
  id: 'required keys',
  checks: 'keys the SDK marks required that some image lacks',
  async run(ctx) {
    const images = await sample(ctx);
    if (!Array.isArray(images)) return [refusalFact('', images)];
    if (images.length === 0) return [unknown('', `no images in ${ctx.region}`)];
    const missing = REQUIRED_KEYS.filter((key) => images.some((image) => !Object.hasOwn(image, key)));
    return [fact('', missing.length === 0 ? 'every image has them all' : `missing on some images: ${missing.join(', ')}`, `${images.length} images looked at`)];
  },
};
