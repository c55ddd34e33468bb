import { registerEnumType } from 'type-graphql';
import { WireEnum } from './wire-enum.js';

export enum OsType {
  LINUX = 'LINUX',
  WINDOWS = 'WINDOWS',
  OTHER = 'OTHER',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(OsType, {
  name: 'OsType',
  description: 'Operating system family (upstream `__os_type`).',
  valuesConfig: { UNKNOWN: { description: 'A value this API does not know yet; the image\'s `raw` keeps the original.' } },
});

export const OS_TYPE_WIRE = new WireEnum<OsType>(
  {
    [OsType.LINUX]: 'Linux',
    [OsType.WINDOWS]: 'Windows',
    [OsType.OTHER]: 'Other',
  },
  OsType.UNKNOWN,
);
