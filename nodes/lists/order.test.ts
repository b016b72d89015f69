import { describe, expect, it } from 'vitest';
import { compareValues } from './order.ts';

const sorted = (values: unknown[]) => [...values].sort(compareValues);

describe('compareValues', () => {
  it('orders numbers by size, also when written as text', () => {
    expect(sorted([10, 9, -1, 2.5])).toEqual([-1, 2.5, 9, 10]);
    expect(sorted(['10', '9', '100', ' 2.5 '])).toEqual([' 2.5 ', '9', '10', '100']);
    expect(sorted(['10', 9, '8.5'])).toEqual(['8.5', 9, '10']);
  });

  it('orders ISO dates by time, across offsets, and reads a time without zone as UTC', () => {
    expect(
      sorted([
        '2026-03-01T09:30:00+02:00',
        '2026-03-01T08:00:00Z',
        '2026-02-28',
        '2026-03-01T07:45',
        '2026-03-01 07:50',
      ]),
    ).toEqual([
      '2026-02-28',
      '2026-03-01T09:30:00+02:00',
      '2026-03-01T07:45',
      '2026-03-01 07:50',
      '2026-03-01T08:00:00Z',
    ]);
  });

  it('orders texts alphabetically with the numbers inside them in number order', () => {
    expect(sorted(['item 10', 'item 2', 'Banana', 'apple'])).toEqual(['apple', 'Banana', 'item 2', 'item 10']);
  });

  it('puts kinds in a fixed order when mixed: numbers, dates, texts, booleans, objects', () => {
    expect(sorted([{ a: 1 }, true, 'zebra', '2026-01-01', 3, false, [1]])).toEqual([
      3,
      '2026-01-01',
      'zebra',
      false,
      true,
      [1],
      { a: 1 },
    ]);
  });

  it('puts missing values after every present one', () => {
    expect(sorted([null, 2, undefined, 'a', 1])).toEqual([1, 2, 'a', null, undefined]);
    expect(compareValues(null, undefined)).toBe(0);
  });

  it('says equal only for values of the same kind and key', () => {
    expect(compareValues('5', 5)).toBe(0);
    expect(compareValues('x', 'x')).toBe(0);
    expect(compareValues('0', false)).not.toBe(0);
    expect(compareValues('', null)).not.toBe(0);
  });
});
