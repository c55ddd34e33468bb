import { registerEnumType } from 'type-graphql';
import { WireEnum } from './wire-enum.js';

export enum FirmwareType {
  BIOS = 'BIOS',
  UEFI = 'UEFI',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(FirmwareType, {
  name: 'FirmwareType',
  description: 'Boot firmware (upstream `hw_firmware_type`).',
  valuesConfig: { UNKNOWN: { description: 'A value this API does not know yet; the image\'s `raw` keeps the original.' } },
});

export const FIRMWARE_TYPE_WIRE = new WireEnum<FirmwareType>(
  {
    [FirmwareType.BIOS]: 'bios',
    [FirmwareType.UEFI]: 'uefi',
  },
  FirmwareType.UNKNOWN,
);
