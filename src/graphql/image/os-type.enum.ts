import { registerFilterEnum, registerWireEnum, type ValueDescriptions } from './wire-enum.js';

export enum OsType {
  LINUX = 'LINUX',
  WINDOWS = 'WINDOWS',
  OTHER = 'OTHER',
  UNKNOWN = 'UNKNOWN',
}

const VALUES: ValueDescriptions<OsType> = {
  [OsType.LINUX]: '`Linux`.',
  [OsType.WINDOWS]: '`Windows`.',
  [OsType.OTHER]: '`Other`: neither Linux nor Windows.',
};

export const OS_TYPE_WIRE = registerWireEnum(
  OsType,
  'OsType',
  'Operating system family (upstream `__os_type`).',
  {
    [OsType.LINUX]: 'Linux',
    [OsType.WINDOWS]: 'Windows',
    [OsType.OTHER]: 'Other',
  },
  VALUES,
);

export const OsTypeFilter = registerFilterEnum(OsType, ['LINUX', 'WINDOWS', 'OTHER'], 'OsTypeFilter', 'The `OsType`s a filter accepts (upstream `__os_type`).', VALUES);
export type OsTypeFilter = (typeof OsTypeFilter)[keyof typeof OsTypeFilter];
