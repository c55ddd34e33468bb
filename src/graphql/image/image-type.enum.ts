import { registerEnumType } from 'type-graphql';
import { WireEnum } from './wire-enum.js';

export enum ImageType {
  GOLD = 'GOLD',
  PRIVATE = 'PRIVATE',
  SHARED = 'SHARED',
  MARKET = 'MARKET',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(ImageType, {
  name: 'ImageType',
  description: 'Where an image comes from (upstream `__imagetype`): public (gold), private, shared or market.',
  valuesConfig: { UNKNOWN: { description: 'A value this API does not know yet; the image\'s `raw` keeps the original.' } },
});

export const IMAGE_TYPE_WIRE = new WireEnum<ImageType>(
  {
    [ImageType.GOLD]: 'gold',
    [ImageType.PRIVATE]: 'private',
    [ImageType.SHARED]: 'shared',
    [ImageType.MARKET]: 'market',
  },
  ImageType.UNKNOWN,
);
