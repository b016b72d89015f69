/**
 * croner's error messages ("CronPattern: Invalid value for hour: 25") in the words the schedule
 * form shows: what is wrong, in which part of the expression, and what the part allows.
 */
const PARTS: Record<string, { name: string; range: string }> = {
  second: { name: 'seconds', range: '0–59' },
  minute: { name: 'minute', range: '0–59' },
  hour: { name: 'hour', range: '0–23' },
  day: { name: 'day of the month', range: '1–31' },
  nearestWeekdays: { name: 'day of the month', range: '1–31' },
  month: { name: 'month', range: '1–12 or JAN–DEC' },
  dayOfWeek: { name: 'day of the week', range: '0–7 or SUN–SAT' },
  year: { name: 'year', range: '1–9999' },
};

/** Positions of the parts, as croner counts them (seconds first, the five-part form padded). */
const ORDER = ['second', 'minute', 'hour', 'day', 'month', 'dayOfWeek', 'year'];

export function cronInWords(message: string, expression: string): string {
  const text = message.replace(/^Cron\w*:\s*/, '').replace(/^Syntax error,\s*/, '');
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  if (/exactly five, six, or seven/.test(text) || /requires exactly/.test(text)) {
    return `it has ${parts.length} part${parts.length === 1 ? '' : 's'}; a schedule needs 5 (minute, hour, day of the month, month, day of the week), or 6 with seconds first`;
  }
  const value = text.match(/Invalid value for (\w+): (.+)$/);
  if (value) {
    const part = PARTS[value[1] as string];
    return part
      ? `${value[2]} is not a valid ${part.name} (it takes ${part.range})`
      : `${value[2]} is not a valid value`;
  }
  const entry = text.match(/configuration entry (\d+) \((.*)\) (is empty|contains illegal characters)/);
  if (entry) {
    const part = PARTS[ORDER[Number(entry[1])] ?? ''];
    const where = part ? `the ${part.name} part` : 'a part';
    return entry[3] === 'is empty' ? `${where} is empty` : `"${entry[2]}" in ${where} is not understood`;
  }
  const notNumber = text.match(/(\w+) is not a number: '(.*)'/);
  if (notNumber) return `"${notNumber[2]}" is not a number`;
  const backwards = text.match(/From value is larger than to value: '(.*)'/);
  if (backwards) return `the range "${backwards[1]}" runs backwards`;
  const step = text.match(/illegal stepping: '?([^']*)'?$/);
  if (step) return `the step "${step[1]}" is not allowed`;
  return text.replace(/\.$/, '').replace(/^./, (first) => first.toLowerCase());
}
