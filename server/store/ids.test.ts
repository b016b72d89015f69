import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  it('makes valid, unique UUIDv7s carrying the time they were made', () => {
    const at = Date.UTC(2026, 11, 7, 12, 0, 0, 123);
    const id = newId(at + 1_000_000);
    expect(validate(id)).toBe(true);
    expect(version(id)).toBe(7);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at + 1_000_000);
    expect(id[19]).toMatch(/[89ab]/); // the RFC variant
    const many = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(many).size).toBe(many.length);
  });

  it('sorts later ids after earlier ones, within a millisecond and when the clock goes back', () => {
    const at = Date.now() + 10_000_000;
    const ids = [
      ...Array.from({ length: 5000 }, () => newId(at)), // more than the counter holds in one ms
      newId(at - 50), // the clock stepped back
      newId(at + 10),
    ];
    expect([...ids].sort()).toEqual(ids);
  });
});
