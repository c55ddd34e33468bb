import { registerFilterEnum, registerWireEnum, type ValueDescriptions } from './wire-enum.js';

export enum VirtualEnvType {
  FUSION_COMPUTE = 'FUSION_COMPUTE',
  IRONIC = 'IRONIC',
  DATA_IMAGE = 'DATA_IMAGE',
  ISO_IMAGE = 'ISO_IMAGE',
  UNKNOWN = 'UNKNOWN',
}

const VALUES: ValueDescriptions<VirtualEnvType> = {
  [VirtualEnvType.FUSION_COMPUTE]: '`FusionCompute`: an image for ECS (virtual machine) instances.',
  [VirtualEnvType.IRONIC]: '`Ironic`: an image for BMS (bare metal) servers.',
  [VirtualEnvType.DATA_IMAGE]: '`DataImage`: a data disk image.',
  [VirtualEnvType.ISO_IMAGE]: '`IsoImage`: an ISO image.',
};

export const VIRTUAL_ENV_TYPE_WIRE = registerWireEnum(
  VirtualEnvType,
  'VirtualEnvType',
  'What the image runs on (upstream `virtual_env_type`).',
  {
    [VirtualEnvType.FUSION_COMPUTE]: 'FusionCompute',
    [VirtualEnvType.IRONIC]: 'Ironic',
    [VirtualEnvType.DATA_IMAGE]: 'DataImage',
    [VirtualEnvType.ISO_IMAGE]: 'IsoImage',
  },
  VALUES,
);

export const VirtualEnvTypeFilter = registerFilterEnum(
  VirtualEnvType,
  ['FUSION_COMPUTE'],
  'VirtualEnvTypeFilter',
  'The `VirtualEnvType`s a filter accepts (upstream `virtual_env_type`): the upstream filters on FUSION_COMPUTE only.',
  VALUES,
);
export type VirtualEnvTypeFilter = (typeof VirtualEnvTypeFilter)[keyof typeof VirtualEnvTypeFilter];
