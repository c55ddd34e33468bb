import type { ReactElement } from 'react';
import { FacetSelect, type FacetOption } from './FacetSelect.js';
import { isArchitecture, isOsType, SORTS, type Choices, type GpuChoice, type SortChoice } from './filters.js';
import { ARCHITECTURE_LABELS, OS_LABELS } from './format.js';
import type { PickerFacetsQuery } from './gql/graphql.js';

type Facets = PickerFacetsQuery['imageFacets'];
type Facet = Facets['platform'];

function optionsOf(facet: Facet | undefined, keep: (value: string) => boolean = () => true, labels: Record<string, string> = {}): FacetOption[] {
  return (facet ?? []).filter((entry) => keep(entry.value)).map((entry) => ({ value: entry.value, label: labels[entry.value] ?? entry.value, count: entry.count }));
}

/** "With a GPU", with the GPU types (and their counts) the other choices leave. */
function gpuOptions(gpuTypes: Facet | undefined): FacetOption[] {
  const types = (gpuTypes ?? []).map((entry) => `${entry.value} ${entry.count}`).join(', ');
  return [
    { value: 'with', label: types ? `With a GPU (${types})` : 'With a GPU' },
    { value: 'without', label: 'Without a GPU' },
  ];
}

/** Region, search, the facet dropdowns and the status toggle. */
export function Controls({
  regions,
  choices,
  searchText,
  facets,
  onSearch,
  onChange,
}: {
  regions: readonly string[];
  choices: Choices;
  /** What the search box shows now (choices.search follows it once typing pauses). */
  searchText: string;
  facets: Facets | undefined;
  onSearch: (text: string) => void;
  onChange: (change: Partial<Choices>) => void;
}): ReactElement {
  return (
    <form className="controls" role="search" onSubmit={(event) => event.preventDefault()}>
      <label className="control">
        Region
        <select value={choices.region} disabled={regions.length === 0} onChange={(event) => onChange({ region: event.target.value })}>
          {regions.map((region) => (
            <option key={region} value={region}>
              {region}
            </option>
          ))}
        </select>
      </label>
      <label className="control control-wide">
        Search
        <input type="search" placeholder="Part of the name, e.g. ubuntu 22" value={searchText} onChange={(event) => onSearch(event.target.value)} />
      </label>
      <FacetSelect label="OS" value={choices.osType} options={optionsOf(facets?.osType, isOsType, OS_LABELS)} onChange={(value) => onChange({ osType: isOsType(value) ? value : '' })} />
      <FacetSelect label="Platform" value={choices.platform} options={optionsOf(facets?.platform)} onChange={(value) => onChange({ platform: value })} />
      <FacetSelect
        label="Architecture"
        value={choices.architecture}
        options={optionsOf(facets?.architecture, isArchitecture, ARCHITECTURE_LABELS)}
        onChange={(value) => onChange({ architecture: isArchitecture(value) ? value : '' })}
      />
      <FacetSelect label="GPU" value={choices.gpu} options={gpuOptions(facets?.gpuType)} onChange={(value) => onChange({ gpu: value as GpuChoice })} />
      <label className="control control-check">
        <input type="checkbox" checked={choices.activeOnly} onChange={(event) => onChange({ activeOnly: event.target.checked })} />
        Active only
      </label>
    </form>
  );
}

/** The list's order: by name or by date, either way. */
export function SortSelect({ sort, onChange }: { sort: SortChoice; onChange: (sort: SortChoice) => void }): ReactElement {
  return (
    <label className="control control-inline">
      Sort
      <select value={sort} onChange={(event) => onChange(event.target.value as SortChoice)}>
        {Object.entries(SORTS).map(([value, { label }]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
