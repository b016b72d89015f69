import { isPlainObject, valueAt } from '../paths.ts';

/**
 * A text that is the same for two values exactly when they are equal as JSON, whatever the order
 * of their keys (`{a:1,b:2}` and `{b:2,a:1}` match); a missing value counts as null. Used to tell
 * duplicates apart and to find groups and matches in one pass, instead of comparing every pair.
 */
export function keyText(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? 'null';
}

/** The key of an item by several fields (the whole item when none are named). */
export function itemKey(item: unknown, fields: readonly string[]): string {
  return fields.length === 0 ? keyText(item) : keyText(fields.map((field) => valueAt(item, field)));
}

function canonical(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(canonical);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical(value[key])]),
    );
  }
  return value;
}
