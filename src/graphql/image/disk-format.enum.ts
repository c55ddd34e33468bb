import { registerEnumType } from 'type-graphql';
import { WireEnum } from './wire-enum.js';

export enum DiskFormat {
  VHD = 'VHD',
  ZVHD = 'ZVHD',
  ZVHD2 = 'ZVHD2',
  RAW = 'RAW',
  QCOW2 = 'QCOW2',
  ISO = 'ISO',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(DiskFormat, {
  name: 'DiskFormat',
  description: 'Image file format (upstream `disk_format`).',
  valuesConfig: { UNKNOWN: { description: 'A value this API does not know yet; the image\'s `raw` keeps the original.' } },
});

export const DISK_FORMAT_WIRE = new WireEnum<DiskFormat>(
  {
    [DiskFormat.VHD]: 'vhd',
    [DiskFormat.ZVHD]: 'zvhd',
    [DiskFormat.ZVHD2]: 'zvhd2',
    [DiskFormat.RAW]: 'raw',
    [DiskFormat.QCOW2]: 'qcow2',
    [DiskFormat.ISO]: 'iso',
  },
  DiskFormat.UNKNOWN,
);
