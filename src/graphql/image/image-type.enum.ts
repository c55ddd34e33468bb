import { registerFilterEnum, registerWireEnum, type ValueDescriptions } from './wire-enum.js';

export enum ImageType {
  GOLD = 'GOLD',
  PRIVATE = 'PRIVATE',
  SHARED = 'SHARED',
  MARKET = 'MARKET',
  UNKNOWN = 'UNKNOWN',
}

const VALUES: ValueDescriptions<ImageType> = {
  [ImageType.GOLD]: '`gold`: a public image, provided by the cloud.',
  [ImageType.PRIVATE]: "`private`: an image of the caller's own project.",
  [ImageType.SHARED]: "`shared`: another project's image, shared with the caller.",
  [ImageType.MARKET]: '`market`: a KooGallery (marketplace) image.',
};

export const IMAGE_TYPE_WIRE = registerWireEnum(
  ImageType,
  'ImageType',
  'Where an image comes from (upstream `__imagetype`): public (gold), private, shared or market.',
  {
    [ImageType.GOLD]: 'gold',
    [ImageType.PRIVATE]: 'private',
    [ImageType.SHARED]: 'shared',
    [ImageType.MARKET]: 'market',
  },
  VALUES,
);

export const ImageTypeFilter = registerFilterEnum(
  ImageType,
  ['GOLD', 'PRIVATE'],
  'ImageTypeFilter',
  'The `ImageType`s a filter accepts (upstream `__imagetype`): the upstream filters on GOLD and PRIVATE only. SHARED and MARKET images are listed, but cannot be filtered on.',
  VALUES,
);
export type ImageTypeFilter = (typeof ImageTypeFilter)[keyof typeof ImageTypeFilter];
