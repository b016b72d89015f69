import { useMemo } from 'react';
import { timeZones } from './cron-simple.ts';
import { inputClass } from './input-class.ts';

/**
 * An IANA time zone picked from the ones this browser knows (so it cannot be mistyped), with this
 * browser's own zone offered at the top; a stored zone the browser does not list stays selectable.
 */
export function TimezoneField({
  id,
  value,
  invalid,
  onChange,
}: {
  id: string;
  value: string;
  invalid: boolean;
  onChange: (zone: string) => void;
}) {
  const zones = useMemo(() => timeZones(), []);
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <select id={id} className={inputClass(invalid)} value={value} onChange={(event) => onChange(event.target.value)}>
      {value !== '' && !zones.includes(value) && <option value={value}>{value}</option>}
      {value === '' && <option value="">Choose…</option>}
      {local && local !== 'UTC' && (
        <optgroup label="This browser">
          <option value={local}>{local}</option>
        </optgroup>
      )}
      <optgroup label="All time zones">
        {zones.map((zone) => (
          <option key={zone} value={zone}>
            {zone.replaceAll('_', ' ')}
          </option>
        ))}
      </optgroup>
    </select>
  );
}
