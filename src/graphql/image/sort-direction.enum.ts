import { registerEnumType } from 'type-graphql';
import type { WireSortDir } from '../../upstream/wire.js';

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'Ascending or descending order (upstream `sort_dir`).',
  valuesConfig: { ASC: { description: '`asc`.' }, DESC: { description: '`desc`, the upstream default.' } },
});

export const SORT_DIRECTION_WIRE: Readonly<Record<SortDirection, WireSortDir>> = {
  [SortDirection.ASC]: 'asc',
  [SortDirection.DESC]: 'desc',
};
