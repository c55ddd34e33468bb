import { registerFilterEnum, registerWireEnum, type ValueDescriptions } from './wire-enum.js';

export enum ImageVisibility {
  PUBLIC = 'PUBLIC',
  PRIVATE = 'PRIVATE',
  SHARED = 'SHARED',
  UNKNOWN = 'UNKNOWN',
}

const VALUES: ValueDescriptions<ImageVisibility> = {
  [ImageVisibility.PUBLIC]: '`public`: every project sees it.',
  [ImageVisibility.PRIVATE]: '`private`: only its owner sees it.',
  [ImageVisibility.SHARED]: '`shared`: its owner shared it with other projects.',
};

export const IMAGE_VISIBILITY_WIRE = registerWireEnum(
  ImageVisibility,
  'ImageVisibility',
  'Whether other tenants can see the image (upstream `visibility`).',
  {
    [ImageVisibility.PUBLIC]: 'public',
    [ImageVisibility.PRIVATE]: 'private',
    [ImageVisibility.SHARED]: 'shared',
  },
  VALUES,
);

export const ImageVisibilityFilter = registerFilterEnum(
  ImageVisibility,
  ['PUBLIC', 'PRIVATE'],
  'ImageVisibilityFilter',
  'The `ImageVisibility` values a filter accepts (upstream `visibility`): the upstream filters on PUBLIC and PRIVATE only.',
  VALUES,
);
export type ImageVisibilityFilter = (typeof ImageVisibilityFilter)[keyof typeof ImageVisibilityFilter];
