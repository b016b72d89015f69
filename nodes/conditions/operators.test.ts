import { describe, expect, it } from 'vitest';
import { compare, looseEquals, Operator, UNARY_OPERATORS } from './operators.ts';

describe('looseEquals', () => {
  it('treats numeric strings and numbers as equal, as analysts mean it', () => {
    expect(looseEquals('5', 5)).toBe(true);
    expect(looseEquals(5, '5')).toBe(true);
    expect(looseEquals(' 5 ', 5)).toBe(true);
    expect(looseEquals('5.0', 5)).toBe(true);
    expect(looseEquals('6', 5)).toBe(false);
  });

  it('does not use JavaScript == coercions for empty or non-numeric values', () => {
    expect(looseEquals('', 0)).toBe(false);
    expect(looseEquals(' ', 0)).toBe(false);
    expect(looseEquals(null, 0)).toBe(false);
    expect(looseEquals('abc', Number.NaN)).toBe(false);
    expect(looseEquals(1, true)).toBe(false);
    expect(looseEquals(null, undefined)).toBe(false);
    expect(looseEquals([5], 5)).toBe(false);
  });

  it('treats "true"/"false" and booleans as equal, and nothing else', () => {
    expect(looseEquals('true', true)).toBe(true);
    expect(looseEquals(false, 'false')).toBe(true);
    expect(looseEquals('true', false)).toBe(false);
    expect(looseEquals('TRUE', true)).toBe(false);
    expect(looseEquals('yes', true)).toBe(false);
  });

  it('compares strings exactly', () => {
    expect(looseEquals('abc', 'abc')).toBe(true);
    expect(looseEquals('abc', 'ABC')).toBe(false);
  });

  it('compares objects and arrays deeply', () => {
    expect(looseEquals({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(looseEquals({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [2, 1] } })).toBe(false);
    expect(looseEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(looseEquals({ a: undefined }, { b: undefined })).toBe(false);
    expect(looseEquals([1, 2], [1, 2])).toBe(true);
    expect(looseEquals([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(looseEquals({}, null)).toBe(false);
  });
});

describe('compare', () => {
  it('equals and notEquals use loose equality', () => {
    expect(compare('5', 'equals', 5)).toBe(true);
    expect(compare('5', 'notEquals', 5)).toBe(false);
    expect(compare('a', 'notEquals', 'b')).toBe(true);
    expect(compare({ a: [1] }, 'equals', { a: [1] })).toBe(true);
  });

  it('contains looks into strings and (loosely) into arrays', () => {
    expect(compare('hello world', 'contains', 'lo w')).toBe(true);
    expect(compare('order 42', 'contains', 42)).toBe(true);
    expect(compare('hello', 'contains', 'bye')).toBe(false);
    expect(compare(['a', 'b'], 'contains', 'b')).toBe(true);
    expect(compare([1, 2, 3], 'contains', '2')).toBe(true);
    expect(compare([{ id: 1 }], 'contains', { id: 1 })).toBe(true);
    expect(compare([1, 2, 3], 'contains', 4)).toBe(false);
    expect(compare('null', 'contains', null)).toBe(false);
    expect(compare({ a: 1 }, 'contains', 'a')).toBe(false);
    expect(compare(undefined, 'contains', 'a')).toBe(false);
  });

  it('notContains is the negation of contains', () => {
    expect(compare('hello', 'notContains', 'bye')).toBe(true);
    expect(compare('hello', 'notContains', 'ell')).toBe(false);
    expect(compare([1, 2], 'notContains', '2')).toBe(false);
    expect(compare([1, 2], 'notContains', 3)).toBe(true);
  });

  it('startsWith and endsWith work on strings only', () => {
    expect(compare('invoice-17', 'startsWith', 'invoice')).toBe(true);
    expect(compare('invoice-17', 'startsWith', '17')).toBe(false);
    expect(compare('invoice-17', 'endsWith', '17')).toBe(true);
    expect(compare('invoice-17', 'endsWith', 'invoice')).toBe(false);
    expect(compare(null, 'startsWith', '')).toBe(false);
    expect(compare(undefined, 'endsWith', '')).toBe(false);
    expect(compare(['invoice'], 'startsWith', 'invoice')).toBe(false);
  });

  it('orders numbers, and numeric strings as numbers rather than text', () => {
    expect(compare('10', 'greaterThan', '9')).toBe(true);
    expect(compare('10', 'lessThan', 9)).toBe(false);
    expect(compare(3, 'greaterThan', 3)).toBe(false);
    expect(compare(3, 'greaterThanOrEqual', '3')).toBe(true);
    expect(compare('2.5', 'lessThan', 10)).toBe(true);
    expect(compare(3, 'lessThanOrEqual', 3)).toBe(true);
    expect(compare(4, 'lessThanOrEqual', 3)).toBe(false);
  });

  it('orders non-numeric strings as text (so ISO dates order by time)', () => {
    expect(compare('banana', 'greaterThan', 'apple')).toBe(true);
    expect(compare('apple', 'lessThan', 'banana')).toBe(true);
    expect(compare('2024-03-01', 'greaterThan', '2024-02-28')).toBe(true);
    expect(compare('same', 'greaterThanOrEqual', 'same')).toBe(true);
    expect(compare('same', 'lessThanOrEqual', 'same')).toBe(true);
  });

  it('answers false for every ordering when the two cannot be ordered', () => {
    const orderings = ['greaterThan', 'greaterThanOrEqual', 'lessThan', 'lessThanOrEqual'] as const;
    for (const [left, right] of [
      ['abc', 5],
      [null, 0],
      [undefined, 1],
      [{}, {}],
      [true, false],
    ] as const) {
      for (const operator of orderings)
        expect(compare(left, operator, right), `${left} ${operator} ${right}`).toBe(false);
    }
  });

  it('isEmpty holds for undefined, null, "", [] and {} only', () => {
    for (const value of [undefined, null, '', [], {}]) expect(compare(value, 'isEmpty'), String(value)).toBe(true);
    for (const value of [' ', 'x', 0, false, [0], { a: undefined }]) {
      expect(compare(value, 'isEmpty'), JSON.stringify(value)).toBe(false);
    }
    expect(compare('', 'isNotEmpty')).toBe(false);
    expect(compare([1], 'isNotEmpty')).toBe(true);
    expect(compare(0, 'isNotEmpty')).toBe(true);
  });

  it('isTrue and isFalse accept booleans and their string forms', () => {
    expect(compare(true, 'isTrue')).toBe(true);
    expect(compare('true', 'isTrue')).toBe(true);
    expect(compare(1, 'isTrue')).toBe(false);
    expect(compare('yes', 'isTrue')).toBe(false);
    expect(compare(false, 'isTrue')).toBe(false);
    expect(compare(false, 'isFalse')).toBe(true);
    expect(compare('false', 'isFalse')).toBe(true);
    expect(compare(0, 'isFalse')).toBe(false);
    expect(compare('', 'isFalse')).toBe(false);
    expect(compare(undefined, 'isFalse')).toBe(false);
  });

  it('exists holds for everything but undefined and null, notExists the opposite', () => {
    for (const value of [0, '', false, [], {}]) {
      expect(compare(value, 'exists')).toBe(true);
      expect(compare(value, 'notExists')).toBe(false);
    }
    for (const value of [undefined, null]) {
      expect(compare(value, 'exists')).toBe(false);
      expect(compare(value, 'notExists')).toBe(true);
    }
  });

  it('unary operators ignore the right-hand value', () => {
    for (const operator of UNARY_OPERATORS) {
      expect(compare('true', operator, 'ignored'), operator).toBe(compare('true', operator));
      expect(compare(null, operator, 'ignored'), operator).toBe(compare(null, operator));
    }
  });

  it('knows the unary operators exactly', () => {
    expect([...UNARY_OPERATORS].sort()).toEqual(
      ['exists', 'isEmpty', 'isFalse', 'isNotEmpty', 'isTrue', 'notExists'].sort(),
    );
    for (const operator of UNARY_OPERATORS) expect(Operator.options).toContain(operator);
  });
});
