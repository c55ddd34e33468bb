import { registerEnumType } from 'type-graphql';
import type { WireSortKey } from '../../upstream/wire.js';

export enum ImageSortKey {
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
  STATUS = 'STATUS',
  DISK_FORMAT = 'DISK_FORMAT',
}

registerEnumType(ImageSortKey, {
  name: 'ImageSortKey',
  description: 'The image attribute a listing is ordered by; ties are broken by image id.',
});

export const IMAGE_SORT_KEY_WIRE: Readonly<Record<ImageSortKey, WireSortKey>> = {
  [ImageSortKey.CREATED_AT]: 'created_at',
  [ImageSortKey.NAME]: 'name',
  [ImageSortKey.STATUS]: 'status',
  [ImageSortKey.DISK_FORMAT]: 'disk_format',
};
