import type { Context } from '../../context.js';
import { userInputError } from '../errors.js';
import { toImage } from './image.mapper.js';
import type { Image } from './image.type.js';

const MAX_IMAGE_ID_LENGTH = 255;

export function checkImageId(imageId: string, argument: string): string {
  if (imageId === '' || imageId.length > MAX_IMAGE_ID_LENGTH) {
    throw userInputError(`\`${argument}\` must be 1 to ${MAX_IMAGE_ID_LENGTH} characters.`, { argument });
  }
  return imageId;
}

/** One image by id through the request's image source, as a GraphQL `Image`; null when not visible. */
export async function loadImage({ images }: Context, region: string, imageId: string): Promise<Image | null> {
  const raw = await images.image(region, imageId);
  return raw ? toImage(raw, region) : null;
}
