import type { ChangeEvent, ReactElement } from 'react';

export interface FacetOption {
  value: string;
  label: string;
  /** Images the other choices leave with this value (`imageFacets`); undefined: no count to show. */
  count?: number;
}

/** A dropdown of one facet: "Any", then each value with its count, most common first. */
export function FacetSelect({ label, value, options, onChange }: { label: string; value: string; options: readonly FacetOption[]; onChange: (value: string) => void }): ReactElement {
  // A value picked earlier that the current counts no longer list (another region, say) stays shown, at 0.
  const shown = value && !options.some((option) => option.value === value) ? [...options, { value, label: value, count: 0 }] : options;
  return (
    <label className="control">
      {label}
      <select value={value} onChange={(event: ChangeEvent<HTMLSelectElement>) => onChange(event.target.value)}>
        <option value="">Any</option>
        {shown.map((option) => (
          <option key={option.value} value={option.value}>
            {option.count === undefined ? option.label : `${option.label} (${option.count})`}
          </option>
        ))}
      </select>
    </label>
  );
}
