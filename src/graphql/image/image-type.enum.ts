import { registerWireEnum } from './wire-enum.js';

export enum ImageType {
  GOLD = 'GOLD',
  PRIVATE = 'PRIVATE',
  SHARED = 'SHARED',
  MARKET = 'MARKET',
  UNKNOWN = 'UNKNOWN',
}

export const IMAGE_TYPE_WIRE = registerWireEnum(ImageType, 'ImageType', 'Where an image comes from (upstream `__imagetype`): public (gold), private, shared or market.', {
  [ImageType.GOLD]: 'gold',
  [ImageType.PRIVATE]: 'private',
  [ImageType.SHARED]: 'shared',
  [ImageType.MARKET]: 'market',
});
