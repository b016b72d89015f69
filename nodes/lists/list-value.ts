import { NonRetryableError } from '../errors.ts';
import { template } from '../template.ts';

/** The most items a list node works on: more is almost always a mistake upstream, and fails clearly. */
export const MAX_LIST_ITEMS = 100_000;

/** A config field holding the list a node works on; by default the step's input itself. */
export const listField = (description: string) => template(description).default('{{ input }}');

/**
 * The evaluated value of the config field `field` as a list, or a NonRetryableError naming the field
 * and what it held instead: the same list comes back on every attempt, so retrying cannot help.
 */
export function readList(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value))
    throw new NonRetryableError(`config.${field}: expected a list, got ${describeValue(value)}`);
  if (value.length > MAX_LIST_ITEMS) {
    throw new NonRetryableError(
      `config.${field}: the list has ${value.length} items, more than the ${MAX_LIST_ITEMS} a list node takes`,
    );
  }
  return value;
}

/** A short description of a value for an error message: its kind and the start of its JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the expression gave no value)';
  if (value === null) return 'null';
  const json = JSON.stringify(value) ?? String(value);
  const preview = json.length > 60 ? `${json.slice(0, 60)}…` : json;
  const kind = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return `${kind}: ${preview}`;
}
