import { describe, expect, it } from 'vitest';
import { coerceError, NonRetryableError, RetryAfterError } from './errors.ts';

describe('error classes', () => {
  it('are Errors with their own names, so they survive being stored and shown', () => {
    const final = new NonRetryableError('bad config');
    expect(final).toBeInstanceOf(Error);
    expect(final.name).toBe('NonRetryableError');
    expect(final.message).toBe('bad config');

    const later = new RetryAfterError('slow down', 7000);
    expect(later).toBeInstanceOf(Error);
    expect(later).not.toBeInstanceOf(NonRetryableError);
    expect(later.name).toBe('RetryAfterError');
    expect(later.retryAfterMs).toBe(7000);
  });
});

describe('coerceError', () => {
  it('returns Errors unchanged', () => {
    const error = new NonRetryableError('x');
    expect(coerceError(error)).toBe(error);
  });

  it('wraps strings as the message', () => {
    const error = coerceError('boom');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('boom');
  });

  it('describes other values as JSON', () => {
    expect(coerceError({ code: 42 }).message).toBe('Non-error thrown: {"code":42}');
    expect(coerceError(undefined)).toBeInstanceOf(Error);
  });

  it('falls back to String() for values JSON cannot write', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(coerceError(circular).message).toBe('Non-error thrown: [object Object]');
    expect(coerceError(10n).message).toBe('Non-error thrown: 10');
  });
});
