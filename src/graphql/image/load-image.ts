import type { Context } from '../context.js';
import { userInputError } from '../errors.js';
import { fromGlobalId } from '../relay/global-id.js';
import { IMAGE_TYPENAME, toImage } from './image.mapper.js';
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

/**
 * The by-id path of `node(id)` and of federation's `_entities`: an image by its global id (`Image.id`);
 * null when the id is another type's or the image is not visible; a malformed id is BAD_USER_INPUT.
 */
export async function loadImageByGlobalId(context: Context, id: string): Promise<Image | null> {
  const { type, scope, localId } = fromGlobalId(id);
  if (type !== IMAGE_TYPENAME) return null;
  return loadImage(context, scope, checkImageId(localId, 'id'));
}
