import { registerEnumType } from 'type-graphql';
import { WireEnum } from './wire-enum.js';

export enum ImageVisibility {
  PUBLIC = 'PUBLIC',
  PRIVATE = 'PRIVATE',
  SHARED = 'SHARED',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(ImageVisibility, {
  name: 'ImageVisibility',
  description: 'Whether other tenants can see the image (upstream `visibility`).',
  valuesConfig: { UNKNOWN: { description: 'A value this API does not know yet; the image\'s `raw` keeps the original.' } },
});

export const IMAGE_VISIBILITY_WIRE = new WireEnum<ImageVisibility>(
  {
    [ImageVisibility.PUBLIC]: 'public',
    [ImageVisibility.PRIVATE]: 'private',
    [ImageVisibility.SHARED]: 'shared',
  },
  ImageVisibility.UNKNOWN,
);
