import { registerWireEnum } from './wire-enum.js';

export enum ImageStatus {
  QUEUED = 'QUEUED',
  SAVING = 'SAVING',
  DELETED = 'DELETED',
  KILLED = 'KILLED',
  ACTIVE = 'ACTIVE',
  UNKNOWN = 'UNKNOWN',
}

export const IMAGE_STATUS_WIRE = registerWireEnum(ImageStatus, 'ImageStatus', 'Lifecycle state of an image (upstream `status`).', {
  [ImageStatus.QUEUED]: 'queued',
  [ImageStatus.SAVING]: 'saving',
  [ImageStatus.DELETED]: 'deleted',
  [ImageStatus.KILLED]: 'killed',
  [ImageStatus.ACTIVE]: 'active',
});
