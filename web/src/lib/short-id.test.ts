import { describe, expect, it } from 'vitest';
import { shortId } from './short-id.ts';

describe('short execution ids', () => {
  it('tell apart runs started moments apart (UUIDv7 ids share their leading time bits)', () => {
    const first = '01a23078-5cfd-7049-9fb8-b1b2d26fba24';
    const second = '01a23078-6a01-7c2e-8d11-0c9e7f3a5b60';
    expect(first.slice(0, 8)).toBe(second.slice(0, 8));
    expect(shortId(first)).toBe('d26fba24');
    expect(shortId(second)).not.toBe(shortId(first));
  });
});
