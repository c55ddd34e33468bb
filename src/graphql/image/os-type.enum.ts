import { registerWireEnum } from './wire-enum.js';

export enum OsType {
  LINUX = 'LINUX',
  WINDOWS = 'WINDOWS',
  OTHER = 'OTHER',
  UNKNOWN = 'UNKNOWN',
}

export const OS_TYPE_WIRE = registerWireEnum(OsType, 'OsType', 'Operating system family (upstream `__os_type`).', {
  [OsType.LINUX]: 'Linux',
  [OsType.WINDOWS]: 'Windows',
  [OsType.OTHER]: 'Other',
});
