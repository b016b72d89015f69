import { asNumber } from '../conditions/operators.ts';

/**
 * How list nodes put values in order (Sort, and the min/max of Aggregate), as analysts expect from
 * a spreadsheet: numbers by size (also when written as text, "10" after "9"), ISO dates by time,
 * texts alphabetically with the numbers inside them in number order ("item 2" before "item 10").
 *
 * Values of different kinds never compare as equal: numbers come first, then dates, texts,
 * true/false, and lists or objects (by their JSON). Every value gets one rank and one key, so the
 * order is total and consistent (a sort never sees a < b < c < a).
 */

/** A value that has no place in an order: sorted after everything else, skipped by min and max. */
export const isMissing = (value: unknown): value is null | undefined => value === undefined || value === null;

/** `2026-03-01`, `2026-03-01T08:30`, `2026-03-01T08:30:00.000Z`, `2026-03-01 08:30:00+02:00`. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const collator = new Intl.Collator('en', { numeric: true });

type OrderKey =
  | { rank: 0; key: number } // a number, or a text holding one
  | { rank: 1; key: number } // an ISO date, as milliseconds
  | { rank: 2; key: string } // other text
  | { rank: 3; key: number } // false, true
  | { rank: 4; key: string }; // lists and objects, by JSON

/** The rank and key a present value is ordered by; computed once per value, not per comparison. */
export function orderKey(value: unknown): OrderKey {
  if (typeof value === 'number') return { rank: 0, key: value };
  if (typeof value === 'string') {
    const number = asNumber(value);
    if (number !== undefined) return { rank: 0, key: number };
    const trimmed = value.trim();
    const date = ISO_DATE.exec(trimmed);
    if (date) {
      // A time without a zone is read as UTC, not as the worker's local time: the same on every machine.
      const zoned = trimmed.length > 10 && date[1] === undefined ? `${trimmed}Z` : trimmed;
      const time = Date.parse(zoned.replace(' ', 'T'));
      if (!Number.isNaN(time)) return { rank: 1, key: time };
    }
    return { rank: 2, key: value };
  }
  if (typeof value === 'boolean') return { rank: 3, key: value ? 1 : 0 };
  return { rank: 4, key: JSON.stringify(value) ?? '' };
}

/** Negative, zero or positive like a comparator; both keys from `orderKey`. */
export function compareKeys(left: OrderKey, right: OrderKey): number {
  if (left.rank !== right.rank) return left.rank - right.rank;
  if (typeof left.key === 'string' && typeof right.key === 'string') {
    return collator.compare(left.key, right.key) || (left.key < right.key ? -1 : left.key > right.key ? 1 : 0);
  }
  return (left.key as number) - (right.key as number);
}

/** Compares two values; a missing one (null, absent) comes after any present one. */
export function compareValues(left: unknown, right: unknown): number {
  if (isMissing(left) || isMissing(right)) return Number(isMissing(left)) - Number(isMissing(right));
  return compareKeys(orderKey(left), orderKey(right));
}
