import type { Architecture, ImageFilter, ImageSort, OsTypeFilter } from './gql/graphql.js';

/** What the person has picked; '' is "any". */
export interface Choices {
  region: string;
  /** The search box's text, once typing paused. */
  search: string;
  osType: OsTypeFilter | '';
  platform: string;
  architecture: Architecture | '';
  gpu: GpuChoice;
  activeOnly: boolean;
  sort: SortChoice;
}

export type GpuChoice = '' | 'with' | 'without';
export type SortChoice = 'name-asc' | 'name-desc' | 'newest' | 'oldest';

export const SORTS: Record<SortChoice, { label: string; sort: ImageSort }> = {
  'name-asc': { label: 'Name, A to Z', sort: { key: 'NAME', direction: 'ASC' } },
  'name-desc': { label: 'Name, Z to A', sort: { key: 'NAME', direction: 'DESC' } },
  newest: { label: 'Newest first', sort: { key: 'CREATED_AT', direction: 'DESC' } },
  oldest: { label: 'Oldest first', sort: { key: 'CREATED_AT', direction: 'ASC' } },
};

/** The OS families the API filters on (`OsTypeFilter`); a facet value outside them is shown nowhere. */
export const OS_TYPES: readonly OsTypeFilter[] = ['LINUX', 'WINDOWS', 'OTHER'];
export const ARCHITECTURES: readonly Architecture[] = ['X86', 'ARM'];

export const INITIAL_CHOICES: Omit<Choices, 'region'> = {
  search: '',
  osType: '',
  platform: '',
  architecture: '',
  gpu: '',
  activeOnly: true,
  sort: 'name-asc',
};

/** The API's filter for these choices: only the fields picked, so equal choices make equal cache keys. */
export function filterOf(choices: Choices): ImageFilter {
  const search = choices.search.trim();
  return {
    ...(choices.activeOnly ? { status: 'ACTIVE' } : {}),
    ...(search ? { nameContains: search } : {}),
    ...(choices.osType ? { osType: choices.osType } : {}),
    ...(choices.platform ? { platform: choices.platform } : {}),
    ...(choices.architecture ? { architecture: choices.architecture } : {}),
    ...(choices.gpu ? { hasGpu: choices.gpu === 'with' } : {}),
  };
}

export function isOsType(value: string): value is OsTypeFilter {
  return (OS_TYPES as readonly string[]).includes(value);
}

export function isArchitecture(value: string): value is Architecture {
  return (ARCHITECTURES as readonly string[]).includes(value);
}
