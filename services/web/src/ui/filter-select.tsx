export interface FilterOption {
  value: string;
  label: string;
}

/**
 * One labelled drop-down of the desk's filter bars. With `anyLabel` the first choice
 * is the empty value ("all"), which the caller reads as "no filter".
 */
export function FilterSelect({
  label,
  value,
  options,
  anyLabel,
  id,
  onChange,
}: {
  label: string;
  value: string | undefined;
  options: readonly FilterOption[];
  anyLabel?: string;
  id?: string;
  onChange(value: string): void;
}) {
  return (
    <label class="filter">
      <span>{label}</span>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {anyLabel !== undefined && <option value="">{anyLabel}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
