import cronstrue from 'cronstrue';

/** "At 09:00, Monday through Friday", or undefined when cronstrue cannot read the expression. */
export function cronInWords(cron: string): string | undefined {
  try {
    return cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false, throwExceptionOnParseError: true });
  } catch {
    return undefined;
  }
}

const zoned = (timeZone: string) =>
  new Intl.DateTimeFormat(undefined, { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false });

/**
 * A fire time in the user's zone ("Mon 22 Nov, 09:00"), and in the schedule's own zone when it is
 * another one ("09:00 in Europe/Paris"): cron slots are defined in the schedule's zone.
 */
export function fireTime(iso: string, scheduleZone: string, localZone: string): { local: string; inZone?: string } {
  const date = new Date(iso);
  const local = new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date);
  if (scheduleZone === localZone) return { local };
  try {
    return { local, inZone: `${zoned(scheduleZone).format(date)} in ${scheduleZone}` };
  } catch {
    return { local };
  }
}
