import { describe, expect, it } from 'vitest';
import { fieldPath, isPlainObject, setAtPath, valueAt } from './paths.ts';

describe('fieldPath', () => {
  it('accepts dot paths', () => {
    for (const path of ['email', 'customer.email', 'customer.address.city', 'line_items.0.sku']) {
      expect(fieldPath.safeParse(path).success, path).toBe(true);
    }
  });

  it('refuses empty paths and empty or blank-led segments', () => {
    for (const path of ['', 'a..b', '.a', 'a.', '.', ' a', 'a. b']) {
      expect(fieldPath.safeParse(path).success, JSON.stringify(path)).toBe(false);
    }
  });

  it('refuses keys that reach a prototype, at any depth', () => {
    for (const path of ['__proto__', '__proto__.x', 'a.__proto__.b', 'constructor.prototype', 'a.prototype']) {
      expect(fieldPath.safeParse(path).success, path).toBe(false);
    }
  });

  it('refuses paths longer than 500 characters', () => {
    expect(fieldPath.safeParse('a'.repeat(501)).success).toBe(false);
    expect(fieldPath.safeParse('a'.repeat(500)).success).toBe(true);
  });
});

describe('setAtPath', () => {
  it('sets a top-level key, keeping the others', () => {
    expect(setAtPath({ a: 1, b: 2 }, 'b', 3)).toEqual({ a: 1, b: 3 });
  });

  it('creates nested objects on the way', () => {
    expect(setAtPath({}, 'customer.address.city', 'Lyon')).toEqual({ customer: { address: { city: 'Lyon' } } });
  });

  it('keeps siblings inside existing nested objects', () => {
    const target = { customer: { name: 'Ada', address: { zip: '69001' } } };
    expect(setAtPath(target, 'customer.address.city', 'Lyon')).toEqual({
      customer: { name: 'Ada', address: { zip: '69001', city: 'Lyon' } },
    });
  });

  it('replaces a non-object on the way with an object', () => {
    expect(setAtPath({ customer: 'Ada' }, 'customer.name', 'Ada')).toEqual({ customer: { name: 'Ada' } });
    expect(setAtPath({ customer: null }, 'customer.name', 'Ada')).toEqual({ customer: { name: 'Ada' } });
  });

  it('does not mutate its input at any depth', () => {
    const target = { customer: { address: { zip: '69001' } }, other: { kept: true } };
    const before = structuredClone(target);
    const result = setAtPath(target, 'customer.address.city', 'Lyon');
    expect(target).toEqual(before);
    expect(result.customer).not.toBe(target.customer);
    // Untouched branches may be shared; they were not written to.
    expect(result.other).toBe(target.other);
  });

  it('works on frozen input', () => {
    const target = Object.freeze({ a: Object.freeze({ b: 1 }) });
    expect(setAtPath(target, 'a.c', 2)).toEqual({ a: { b: 1, c: 2 } });
  });

  it('refuses to write prototype keys, even when called without fieldPath', () => {
    expect(() => setAtPath({}, '__proto__.polluted', true)).toThrow(/__proto__/);
    expect(() => setAtPath({}, 'a.constructor.prototype', true)).toThrow();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('isPlainObject', () => {
  it('is true for objects only, not arrays or null', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject('x')).toBe(false);
  });
});

describe('valueAt', () => {
  const order = { id: 7, customer: { email: 'ada@example.com', tags: ['vip'] }, lines: [{ sku: 'A' }, { sku: 'B' }] };

  it('reads top-level and nested fields', () => {
    expect(valueAt(order, 'id')).toBe(7);
    expect(valueAt(order, 'customer.email')).toBe('ada@example.com');
    expect(valueAt(order, 'customer')).toBe(order.customer);
  });

  it('indexes lists with numeric segments', () => {
    expect(valueAt(order, 'lines.1.sku')).toBe('B');
    expect(valueAt(order, 'customer.tags.0')).toBe('vip');
    expect(valueAt(order, 'lines.first')).toBeUndefined();
  });

  it('is undefined for anything missing on the way, and for non-objects', () => {
    expect(valueAt(order, 'customer.phone')).toBeUndefined();
    expect(valueAt(order, 'id.value')).toBeUndefined();
    expect(valueAt(order, 'lines.5.sku')).toBeUndefined();
    expect(valueAt(null, 'a')).toBeUndefined();
    expect(valueAt('text', 'length')).toBeUndefined();
  });

  it('keeps null when the field holds null', () => {
    expect(valueAt({ a: null }, 'a')).toBeNull();
  });

  it('reads own keys only, never the prototype', () => {
    expect(valueAt({}, 'toString')).toBeUndefined();
    expect(valueAt({ a: {} }, 'a.hasOwnProperty')).toBeUndefined();
    expect(valueAt([], 'length')).toBeUndefined();
  });
});
