import { CalendarClock } from 'lucide-react';
import { useState } from 'react';
import { cronInWords, fireTime } from '../pages/schedules/cron-words.ts';
import { cronToEvery, type Every, everyToCron, nextFires } from './cron-simple.ts';
import { inputClass } from './input-class.ts';

const UNITS = ['minutes', 'hours', 'days'] as const;
const unitLabel = (unit: Every['unit'], n: number) => (n === 1 ? unit.slice(0, -1) : unit);

const DEFAULT_EVERY: Every = { unit: 'days', n: 1, hour: 9, minute: 0 };
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `every` in another unit, keeping its time of day: "every 15 minutes" becoming "every 15 days"
 * would be a surprise, so the count starts at the unit's usual one (a quarter hour, 1 hour, 1 day).
 */
function withUnit(every: Every, unit: Every['unit']): Every {
  const minute = 'minute' in every ? every.minute : 0;
  const hour = 'hour' in every ? every.hour : 9;
  if (unit === every.unit) return every;
  if (unit === 'minutes') return { unit, n: 15 };
  if (unit === 'hours') return { unit, n: 1, minute };
  return { unit, n: 1, hour, minute };
}

/**
 * A schedule's cron: either "every N minutes / hours / days at HH:MM", which writes the cron, or
 * the cron itself; below either, the schedule in words and its next fires in its own time zone
 * (the schedules page reads them the same way, cron-words.ts).
 */
export function CronField({
  id,
  value,
  timezone,
  invalid,
  onChange,
}: {
  id: string;
  value: string;
  timezone: string;
  invalid: boolean;
  onChange: (cron: string) => void;
}) {
  const simple = cronToEvery(value);
  const [mode, setMode] = useState<'simple' | 'cron'>(simple ? 'simple' : 'cron');
  const every = simple ?? DEFAULT_EVERY;
  const set = (next: Every) => onChange(everyToCron(next));
  const words = value.trim() === '' ? undefined : cronInWords(value);
  const fires = nextFires(value, timezone, 3);
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <div className="flex flex-col gap-2">
      <fieldset className="inline-flex self-start rounded-md bg-slate-100 p-0.5">
        <legend className="sr-only">Cron: how to write it</legend>
        {(['simple', 'cron'] as const).map((option) => (
          <label
            key={option}
            className={`cursor-pointer rounded px-2.5 py-1 text-xs font-medium has-focus-visible:ring-2 has-focus-visible:ring-accent-500 ${mode === option ? 'bg-white text-slate-900 shadow-sm ring-1 ring-slate-200' : 'text-slate-600 hover:text-slate-900'}`}
          >
            <input
              type="radio"
              name={`${id}-mode`}
              className="sr-only"
              checked={mode === option}
              onChange={() => {
                setMode(option);
                // The simple mode shows what it writes: a cron it cannot say becomes its default.
                if (option === 'simple' && !simple) set(DEFAULT_EVERY);
              }}
            />
            {option === 'simple' ? 'Simple' : 'Cron'}
          </label>
        ))}
      </fieldset>

      {mode === 'simple' ? (
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <span>Every</span>
          <div className="w-16">
            <input
              id={id}
              type="number"
              aria-label="Every how many"
              min={1}
              max={{ minutes: 59, hours: 23, days: 31 }[every.unit]}
              className={inputClass(invalid)}
              value={every.n}
              onChange={(event) => {
                const n = Math.trunc(Number(event.target.value));
                if (n >= 1 && n <= { minutes: 59, hours: 23, days: 31 }[every.unit]) set({ ...every, n });
              }}
            />
          </div>
          <div className="w-28">
            <select
              aria-label="Unit"
              className={inputClass(false)}
              value={every.unit}
              onChange={(event) => set(withUnit(every, event.target.value as Every['unit']))}
            >
              {UNITS.map((unit) => (
                <option key={unit} value={unit}>
                  {unitLabel(unit, every.n)}
                </option>
              ))}
            </select>
          </div>
          {every.unit === 'hours' && (
            <>
              <span>at minute</span>
              <div className="w-16">
                <input
                  type="number"
                  aria-label="At minute"
                  min={0}
                  max={59}
                  className={inputClass(false)}
                  value={every.minute}
                  onChange={(event) => {
                    const minute = Math.trunc(Number(event.target.value));
                    if (minute >= 0 && minute <= 59) set({ ...every, minute });
                  }}
                />
              </div>
            </>
          )}
          {every.unit === 'days' && (
            <>
              <span>at</span>
              <div className="w-32">
                <input
                  type="time"
                  aria-label="At time"
                  className={inputClass(false)}
                  value={`${pad(every.hour)}:${pad(every.minute)}`}
                  onChange={(event) => {
                    const [hour, minute] = event.target.value.split(':').map(Number);
                    if (hour !== undefined && minute !== undefined && !Number.isNaN(hour) && !Number.isNaN(minute))
                      set({ ...every, hour, minute });
                  }}
                />
              </div>
            </>
          )}
        </div>
      ) : (
        <input
          id={id}
          aria-label="Cron expression"
          spellCheck={false}
          placeholder="0 9 * * 1-5"
          className={`${inputClass(invalid)} font-mono`}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}

      <div className="rounded-md bg-slate-50 px-3 py-2.5 ring-1 ring-slate-200" data-testid="cron-summary">
        <p className="flex items-start gap-2 text-sm font-medium text-slate-800">
          <CalendarClock className="mt-0.5 size-4 shrink-0 text-slate-400" aria-hidden />
          <span>
            {words ?? (value.trim() === '' ? 'No schedule yet' : 'Not a schedule yet')}
            {words && <span className="font-normal text-slate-500"> ({timezone})</span>}
          </span>
        </p>
        {fires.length > 0 && (
          <div className="mt-1.5 pl-6">
            <p className="text-xs font-medium text-slate-500">Next runs</p>
            <ul className="mt-0.5 flex flex-col gap-0.5" aria-label="Next runs">
              {fires.map((fire) => {
                const shown = fireTime(fire, timezone, localZone);
                return (
                  <li key={fire} className="text-xs text-slate-700 tabular-nums">
                    {shown.local}
                    {shown.inZone && <span className="text-slate-400"> · {shown.inZone}</span>}
                  </li>
                );
              })}
            </ul>
          </div>
        )}
        {mode === 'simple' && (
          <p className="mt-1.5 pl-6 font-mono text-[11px] text-slate-400" data-testid="cron-written">
            {value}
          </p>
        )}
      </div>
    </div>
  );
}
