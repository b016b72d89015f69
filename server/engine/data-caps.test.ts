import { describe, expect, it } from 'vitest';
import { capError, capErrorText, checkOutput, DISPLAY_CAP_BYTES, forDisplay, MAX_OUTPUT_BYTES } from './data-caps.ts';

describe('data caps', () => {
  it('leaves values within the cap alone and normalises outputs to plain JSON', () => {
    expect(forDisplay({ a: 1 })).toEqual({ value: { a: 1 }, truncated: false });
    expect(forDisplay(undefined)).toEqual({ value: null, truncated: false });
    const when = new Date('2026-01-02T03:04:05.000Z');
    expect(checkOutput({ when, skip: undefined })).toEqual({ output: { when: '2026-01-02T03:04:05.000Z' } });
  });

  it('measures the cap in UTF-8 bytes, not characters', () => {
    // Under the cap in characters, over it in bytes (three bytes each).
    const text = '中'.repeat(Math.floor(DISPLAY_CAP_BYTES / 2));
    const { output, truncated } = checkOutput({ text });
    expect(output).toEqual({ text });
    expect(truncated).toEqual({
      $truncated: true,
      originalBytes: Buffer.byteLength(JSON.stringify({ text })),
      preview: JSON.stringify({ text }).slice(0, 2000),
    });
    expect(forDisplay({ text }).truncated).toBe(true);
    expect(forDisplay({ text: 'x'.repeat(DISPLAY_CAP_BYTES - 100) }).truncated).toBe(false);
  });

  it('fails an output beyond the hard cap with its size in the message', () => {
    expect(() => checkOutput({ text: 'x'.repeat(MAX_OUTPUT_BYTES) })).toThrow(
      `output is ${MAX_OUTPUT_BYTES + '{"text":""}'.length} bytes, more than the ${MAX_OUTPUT_BYTES}-byte limit for a step`,
    );
  });

  it('caps error text like outputs, keeping the other fields of the error and the size of the original', () => {
    expect(capError({ name: 'E', message: 'short' })).toEqual({ name: 'E', message: 'short' });
    expect(capError(undefined)).toBeNull();
    const message = 'y'.repeat(3_900_000);
    const capped = capError({ name: 'E', message, retryable: false }) as Record<string, unknown>;
    expect(capped).toMatchObject({ name: 'E', retryable: false, $truncated: true });
    expect(capped.originalBytes).toBe(Buffer.byteLength(JSON.stringify({ name: 'E', message, retryable: false })));
    expect(capped.message).toBe(`${'y'.repeat(2000)}… (cut: 3900000 bytes in all)`);
    // Something else huge besides the message: the whole error becomes the marker.
    const other = capError({ message: 'm', stack: 'z'.repeat(DISPLAY_CAP_BYTES) }) as Record<string, unknown>;
    expect(other).toMatchObject({
      $truncated: true,
      originalBytes: DISPLAY_CAP_BYTES + '{"message":"m","stack":""}'.length,
    });
    expect(capErrorText('fine')).toBe('fine');
    expect(capErrorText('中'.repeat(DISPLAY_CAP_BYTES / 2))).toMatch(/… \(cut: 393216 bytes in all\)$/);
  });
});
