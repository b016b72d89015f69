import { z } from 'zod';

/** Keys that would let a field mapping reach an object's prototype. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** A dot path into a JSON object, e.g. `customer.address.city`. */
export const fieldPath = z
  .string()
  .min(1)
  .max(500)
  .regex(/^[^.\s][^.]*(\.[^.\s][^.]*)*$/, 'must be a dot path such as customer.email (no empty segments)')
  .refine((path) => path.split('.').every((key) => !FORBIDDEN_KEYS.has(key)), {
    message: 'must not use __proto__, prototype or constructor',
  });

type JsonObject = Record<string, unknown>;

const isPlainObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Returns a copy of `target` with `value` at `path`, creating objects on the way. */
export function setAtPath(target: JsonObject, path: string, value: unknown): JsonObject {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (FORBIDDEN_KEYS.has(head)) throw new Error(`refusing to write "${head}"`);
  const copy: JsonObject = { ...target };
  if (rest.length === 0) {
    copy[head] = value;
  } else {
    const child = copy[head];
    copy[head] = setAtPath(isPlainObject(child) ? child : {}, rest.join('.'), value);
  }
  return copy;
}

/**
 * The value at a dot path, or undefined when any step of the way is missing. Only own keys are read
 * (`toString` is not a field of `{}`); a numeric segment indexes a list (`lines.0.sku`).
 */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(key)) return undefined;
      current = current[Number(key)];
    } else if (isPlainObject(current) && Object.hasOwn(current, key)) {
      current = current[key];
    } else {
      return undefined;
    }
  }
  return current;
}

export { isPlainObject };
