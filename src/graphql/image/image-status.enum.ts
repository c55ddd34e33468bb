import { registerEnumType } from 'type-graphql';
import { WireEnum } from './wire-enum.js';

export enum ImageStatus {
  QUEUED = 'QUEUED',
  SAVING = 'SAVING',
  DELETED = 'DELETED',
  KILLED = 'KILLED',
  ACTIVE = 'ACTIVE',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(ImageStatus, {
  name: 'ImageStatus',
  description: 'Lifecycle state of an image (upstream `status`).',
  valuesConfig: { UNKNOWN: { description: 'A value this API does not know yet; the image\'s `raw` keeps the original.' } },
});

export const IMAGE_STATUS_WIRE = new WireEnum<ImageStatus>(
  {
    [ImageStatus.QUEUED]: 'queued',
    [ImageStatus.SAVING]: 'saving',
    [ImageStatus.DELETED]: 'deleted',
    [ImageStatus.KILLED]: 'killed',
    [ImageStatus.ACTIVE]: 'active',
  },
  ImageStatus.UNKNOWN,
);
