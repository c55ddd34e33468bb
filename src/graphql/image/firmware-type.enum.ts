import { registerWireEnum } from './wire-enum.js';

export enum FirmwareType {
  BIOS = 'BIOS',
  UEFI = 'UEFI',
  UNKNOWN = 'UNKNOWN',
}

export const FIRMWARE_TYPE_WIRE = registerWireEnum(
  FirmwareType,
  'FirmwareType',
  'Boot firmware (upstream `hw_firmware_type`).',
  {
    [FirmwareType.BIOS]: 'bios',
    [FirmwareType.UEFI]: 'uefi',
  },
  { [FirmwareType.BIOS]: '`bios`: legacy BIOS boot.', [FirmwareType.UEFI]: '`uefi`: UEFI boot.' },
);
