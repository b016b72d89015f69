import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../nodes/errors.ts';
import { applyCredential } from './authenticated-http.ts';

describe('applyCredential', () => {
  it('applies a type’s declaration, masking its secret fields and what it derives from them', () => {
    expect(applyCredential('header', { header: 'X-Api-Key', value: 'key-123456' })).toEqual({
      headers: { 'x-api-key': 'key-123456' },
      query: {},
      secrets: ['key-123456'],
    });
    const encoded = Buffer.from('ada:pa55word').toString('base64');
    expect(applyCredential('basic', { username: 'ada', password: 'pa55word' }).secrets).toEqual(['pa55word', encoded]);
  });

  it('refuses, without retries, a type that is unknown or is never sent', () => {
    expect(() => applyCredential('ssh', {})).toThrow(
      new NonRetryableError('credential type "ssh" is not known to this version of Stepwise'),
    );
    expect(() => applyCredential('hmac', { secret: 'a shared secret of 32 characters' })).toThrow(
      'a hmac credential cannot authenticate an HTTP request',
    );
  });

  it('parses the stored secret first, and names only the fields that do not fit, never a value', () => {
    const apply = () => applyCredential('bearer', { token: 'tok-abc\r\ndef', extra: 'tok-extra-value' });
    expect(apply).toThrow(NonRetryableError);
    const message = (() => {
      try {
        apply();
        return 'applied';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toBe('the stored bearer secret does not fit its type (token, (whole))');
    expect(message).not.toMatch(/tok-/);
  });
});
