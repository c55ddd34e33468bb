import { registerWireEnum } from './wire-enum.js';

export enum VirtualEnvType {
  FUSION_COMPUTE = 'FUSION_COMPUTE',
  IRONIC = 'IRONIC',
  DATA_IMAGE = 'DATA_IMAGE',
  ISO_IMAGE = 'ISO_IMAGE',
  UNKNOWN = 'UNKNOWN',
}

export const VIRTUAL_ENV_TYPE_WIRE = registerWireEnum(VirtualEnvType, 'VirtualEnvType', 'What the image runs on (upstream `virtual_env_type`).', {
  [VirtualEnvType.FUSION_COMPUTE]: 'FusionCompute',
  [VirtualEnvType.IRONIC]: 'Ironic',
  [VirtualEnvType.DATA_IMAGE]: 'DataImage',
  [VirtualEnvType.ISO_IMAGE]: 'IsoImage',
});
