import { z } from 'zod';

export const Operator = z.enum([
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'startsWith',
  'endsWith',
  'greaterThan',
  'greaterThanOrEqual',
  'lessThan',
  'lessThanOrEqual',
  'isEmpty',
  'isNotEmpty',
  'isTrue',
  'isFalse',
  'exists',
  'notExists',
]);
export type Operator = z.infer<typeof Operator>;

/** Operators that look at the left value only; a rule using them has no right-hand side. */
export const UNARY_OPERATORS: ReadonlySet<Operator> = new Set([
  'isEmpty',
  'isNotEmpty',
  'isTrue',
  'isFalse',
  'exists',
  'notExists',
]);

/** A comparison as analysts mean it: "5" equals 5, "true" is true. Regexes are left out on purpose:
 * a user-written pattern run in the host realm could hang the worker (ReDoS). */
export function compare(left: unknown, operator: Operator, right?: unknown): boolean {
  switch (operator) {
    case 'equals':
      return looseEquals(left, right);
    case 'notEquals':
      return !looseEquals(left, right);
    case 'contains':
      return contains(left, right);
    case 'notContains':
      return !contains(left, right);
    case 'startsWith':
      return typeof left === 'string' && left.startsWith(String(right ?? ''));
    case 'endsWith':
      return typeof left === 'string' && left.endsWith(String(right ?? ''));
    case 'greaterThan':
      return order(left, right) > 0;
    case 'greaterThanOrEqual':
      return order(left, right) >= 0;
    case 'lessThan':
      return order(left, right) < 0;
    case 'lessThanOrEqual':
      return order(left, right) <= 0;
    case 'isEmpty':
      return isEmpty(left);
    case 'isNotEmpty':
      return !isEmpty(left);
    case 'isTrue':
      return left === true || left === 'true';
    case 'isFalse':
      return left === false || left === 'false';
    case 'exists':
      return left !== undefined && left !== null;
    case 'notExists':
      return left === undefined || left === null;
  }
}

/** A number, or a text holding one (`"12.5"`); anything else is not a number. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

export function looseEquals(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (typeof left === 'number' || typeof right === 'number') {
    const l = asNumber(left);
    const r = asNumber(right);
    return l !== undefined && r !== undefined && l === r;
  }
  if (typeof left === 'boolean' || typeof right === 'boolean') {
    const l = asBoolean(left);
    return l !== undefined && l === asBoolean(right);
  }
  if (typeof left === 'object' && typeof right === 'object' && left !== null && right !== null) {
    return deepEquals(left, right);
  }
  return false;
}

function deepEquals(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every((key) => Object.hasOwn(right, key) && deepEquals((left as never)[key], (right as never)[key]));
}

function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') return item !== undefined && item !== null && container.includes(String(item));
  if (Array.isArray(container)) return container.some((element) => looseEquals(element, item));
  return false;
}

/** Negative, zero or positive like a comparator; NaN when the two cannot be ordered. */
function order(left: unknown, right: unknown): number {
  const l = asNumber(left);
  const r = asNumber(right);
  if (l !== undefined && r !== undefined) return l - r;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  return Number.NaN;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}
