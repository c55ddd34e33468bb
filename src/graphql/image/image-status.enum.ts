import { registerFilterEnum, registerWireEnum, type ValueDescriptions } from './wire-enum.js';

export enum ImageStatus {
  QUEUED = 'QUEUED',
  SAVING = 'SAVING',
  DELETED = 'DELETED',
  KILLED = 'KILLED',
  ACTIVE = 'ACTIVE',
  UNKNOWN = 'UNKNOWN',
}

const VALUES: ValueDescriptions<ImageStatus> = {
  [ImageStatus.QUEUED]: '`queued`: the image is registered; its file is not uploaded yet.',
  [ImageStatus.SAVING]: '`saving`: the image file is being uploaded.',
  [ImageStatus.DELETED]: '`deleted`: the image was deleted.',
  [ImageStatus.KILLED]: '`killed`: the upload failed.',
  [ImageStatus.ACTIVE]: '`active`: ready to use.',
};

export const IMAGE_STATUS_WIRE = registerWireEnum(
  ImageStatus,
  'ImageStatus',
  'Lifecycle state of an image (upstream `status`).',
  {
    [ImageStatus.QUEUED]: 'queued',
    [ImageStatus.SAVING]: 'saving',
    [ImageStatus.DELETED]: 'deleted',
    [ImageStatus.KILLED]: 'killed',
    [ImageStatus.ACTIVE]: 'active',
  },
  VALUES,
);

export const ImageStatusFilter = registerFilterEnum(
  ImageStatus,
  ['QUEUED', 'SAVING', 'DELETED', 'KILLED', 'ACTIVE'],
  'ImageStatusFilter',
  'The `ImageStatus`es a filter accepts (upstream `status`).',
  VALUES,
);
export type ImageStatusFilter = (typeof ImageStatusFilter)[keyof typeof ImageStatusFilter];
