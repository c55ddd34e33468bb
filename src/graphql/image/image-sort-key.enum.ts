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
  description: 'The image attribute a listing is ordered by (upstream `sort_key`); ties are broken by image id.',
  valuesConfig: {
    CREATED_AT: { description: '`created_at`, the upstream default.' },
    NAME: { description: '`name`.' },
    STATUS: { description: '`status`.' },
    DISK_FORMAT: { description: '`disk_format`.' },
  },
});

export const IMAGE_SORT_KEY_WIRE: Readonly<Record<ImageSortKey, WireSortKey>> = {
  [ImageSortKey.CREATED_AT]: 'created_at',
  [ImageSortKey.NAME]: 'name',
  [ImageSortKey.STATUS]: 'status',
  [ImageSortKey.DISK_FORMAT]: 'disk_format',
};
