import { registerWireEnum, type ValueDescriptions } from './wire-enum.js';

export enum DiskFormat {
  VHD = 'VHD',
  ZVHD = 'ZVHD',
  ZVHD2 = 'ZVHD2',
  RAW = 'RAW',
  QCOW2 = 'QCOW2',
  ISO = 'ISO',
  UNKNOWN = 'UNKNOWN',
}

const VALUES: ValueDescriptions<DiskFormat> = {
  [DiskFormat.VHD]: '`vhd`.',
  [DiskFormat.ZVHD]: "`zvhd`: Huawei Cloud's zlib-compressed VHD.",
  [DiskFormat.ZVHD2]: "`zvhd2`: Huawei Cloud's format with lazy loading (instances start before the whole image is copied).",
  [DiskFormat.RAW]: '`raw`.',
  [DiskFormat.QCOW2]: '`qcow2`.',
  [DiskFormat.ISO]: '`iso`.',
};

export const DISK_FORMAT_WIRE = registerWireEnum(
  DiskFormat,
  'DiskFormat',
  'Image file format (upstream `disk_format`).',
  {
    [DiskFormat.VHD]: 'vhd',
    [DiskFormat.ZVHD]: 'zvhd',
    [DiskFormat.ZVHD2]: 'zvhd2',
    [DiskFormat.RAW]: 'raw',
    [DiskFormat.QCOW2]: 'qcow2',
    [DiskFormat.ISO]: 'iso',
  },
  VALUES,
);
