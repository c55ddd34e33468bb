import { registerEnumType } from 'type-graphql';
import { WireEnum } from './wire-enum.js';

export enum VirtualEnvType {
  FUSION_COMPUTE = 'FUSION_COMPUTE',
  IRONIC = 'IRONIC',
  DATA_IMAGE = 'DATA_IMAGE',
  ISO_IMAGE = 'ISO_IMAGE',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(VirtualEnvType, {
  name: 'VirtualEnvType',
  description: 'What the image runs on (upstream `virtual_env_type`).',
  valuesConfig: { UNKNOWN: { description: 'A value this API does not know yet; the image\'s `raw` keeps the original.' } },
});

export const VIRTUAL_ENV_TYPE_WIRE = new WireEnum<VirtualEnvType>(
  {
    [VirtualEnvType.FUSION_COMPUTE]: 'FusionCompute',
    [VirtualEnvType.IRONIC]: 'Ironic',
    [VirtualEnvType.DATA_IMAGE]: 'DataImage',
    [VirtualEnvType.ISO_IMAGE]: 'IsoImage',
  },
  VirtualEnvType.UNKNOWN,
);
