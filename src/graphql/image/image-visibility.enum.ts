import { registerWireEnum } from './wire-enum.js';

export enum ImageVisibility {
  PUBLIC = 'PUBLIC',
  PRIVATE = 'PRIVATE',
  SHARED = 'SHARED',
  UNKNOWN = 'UNKNOWN',
}

export const IMAGE_VISIBILITY_WIRE = registerWireEnum(ImageVisibility, 'ImageVisibility', 'Whether other tenants can see the image (upstream `visibility`).', {
  [ImageVisibility.PUBLIC]: 'public',
  [ImageVisibility.PRIVATE]: 'private',
  [ImageVisibility.SHARED]: 'shared',
});
