import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OperationRecord } from './define-capability.ts';
import signingKey from './signing-key.capability.ts';

const KEY = 'a-signing-key-of-32-characters!!';
const sign = signingKey.operations['signing-key.hmac'];

async function hmac(storedSecret: unknown, request: unknown) {
  const records: OperationRecord[] = [];
  const answer = await sign?.(storedSecret, request, {
    signal: new AbortController().signal,
    record: (done) => records.push(done),
  });
  return { answer, records };
}

describe('signing-key capability', () => {
  it('signs the UTF-8 bytes with the key, recording the algorithm and size but not the key', async () => {
    const { answer, records } = await hmac({ secret: KEY }, { algorithm: 'sha512', data: 'café', encoding: 'hex' });
    expect(answer).toEqual({ signature: createHmac('sha512', KEY).update('café', 'utf8').digest('hex') });
    expect(records).toEqual([
      {
        operation: 'signing-key.hmac',
        title: 'HMAC-SHA512 of 5 bytes',
        details: { algorithm: 'sha512', encoding: 'hex' },
      },
    ]);
    expect(signingKey.secrets({ secret: KEY })).toEqual([KEY]);
  });

  it('refuses a request of the wrong shape, naming the fields, without retrying', async () => {
    const refused = hmac({ secret: KEY }, { algorithm: 'md5', data: 7, encoding: 'hex' });
    await expect(refused).rejects.toMatchObject({ name: 'NonRetryableError' });
    await expect(refused).rejects.toThrow(
      'a signing-key.hmac request needs algorithm, data and encoding (algorithm, data)',
    );
  });

  it('refuses a stored key too short for its type, naming the field and not the value', async () => {
    const refused = hmac({ secret: 'short' }, { algorithm: 'sha256', data: 'x', encoding: 'hex' });
    await expect(refused).rejects.toThrow('the stored signing-key secret does not fit its type (secret)');
  });
});
