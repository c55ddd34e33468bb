import type { ImageInfo } from '../../../src/upstream/wire.js';
import type { Refusal } from './answers.js';
import type { ProbeContext } from './probe.js';

/** The images the shape probes (encodings, types, key names) look at. */

/** The run's sample of images: the default page and the gold and private listings (the first two are cached by then). */
export async function sample(ctx: ProbeContext): Promise<ImageInfo[] | Refusal> {
  const pages = [await ctx.list({}), await ctx.list({ __imagetype: 'gold' }), await ctx.list({ __imagetype: 'private' })];
  const byId = new Map<string, ImageInfo>();
  for (const page of pages) if (page.ok) for (const image of page.images) if (!byId.has(image.id)) byId.set(image.id, image);
  const refused = pages.find((page): page is Refusal => !page.ok);
  return byId.size === 0 && refused ? refused : [...byId.values()];
}

export function valuesOf(images: readonly ImageInfo[], key: string): unknown[] {
  return images.filter((image) => Object.hasOwn(image, key)).map((image) => image[key]);
}
