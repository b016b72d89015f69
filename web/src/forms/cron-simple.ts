import { Cron } from 'croner';

/**
 * The schedule form's simple mode, "every N minutes / hours / days at HH:MM", as the cron it
 * writes, and back: a cron of one of these shapes opens in the simple mode, any other in raw cron.
 */
export type Every =
  | { readonly unit: 'minutes'; readonly n: number }
  | { readonly unit: 'hours'; readonly n: number; readonly minute: number }
  | { readonly unit: 'days'; readonly n: number; readonly hour: number; readonly minute: number };

const step = (n: number) => (n === 1 ? '*' : `*/${n}`);

export function everyToCron(every: Every): string {
  switch (every.unit) {
    case 'minutes':
      return `${step(every.n)} * * * *`;
    case 'hours':
      return `${every.minute} ${step(every.n)} * * *`;
    case 'days':
      return `${every.minute} ${every.hour} ${step(every.n)} * *`;
  }
}

const MAX = { minutes: 59, hours: 23, days: 31 } as const;

/** The simple form a cron expression has, or undefined when it says more than "every N …". */
export function cronToEvery(cron: string): Every | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  if (month !== '*' || weekday !== '*') return undefined;
  const stepOf = (field: string) => (field === '*' ? 1 : /^\*\/(\d+)$/.test(field) ? Number(field.slice(2)) : NaN);
  const number = (field: string, max: number) => (/^\d+$/.test(field) && Number(field) <= max ? Number(field) : NaN);
  const valid = (every: Every) => (every.n >= 1 && every.n <= MAX[every.unit] ? every : undefined);
  if (day === '*' && hour === '*' && minute.startsWith('*')) {
    const n = stepOf(minute);
    return Number.isNaN(n) ? undefined : valid({ unit: 'minutes', n });
  }
  if (day === '*' && hour.startsWith('*')) {
    const n = stepOf(hour);
    const at = number(minute, 59);
    return Number.isNaN(n) || Number.isNaN(at) ? undefined : valid({ unit: 'hours', n, minute: at });
  }
  const n = stepOf(day);
  const h = number(hour, 23);
  const m = number(minute, 59);
  return Number.isNaN(n) || Number.isNaN(h) || Number.isNaN(m)
    ? undefined
    : valid({ unit: 'days', n, hour: h, minute: m });
}

/** The next `count` fires of a cron read in `timezone` (ISO strings), or an empty list when it is unusable. */
export function nextFires(cron: string, timezone: string, count: number, from = new Date()): string[] {
  try {
    const job = new Cron(cron, { timezone, paused: true });
    const runs = job.nextRuns(count, from).map((date) => date.toISOString());
    job.stop();
    return runs;
  } catch {
    return [];
  }
}

/** Every IANA time zone this browser knows, UTC first. */
export function timeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((zone) => zone !== 'UTC')];
}
