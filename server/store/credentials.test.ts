import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { masterKeyFrom } from '../security/master-key.ts';
import { tempStore } from '../testing/store.ts';
import {
  credentialSecret,
  deleteCredential,
  insertCredential,
  listCredentials,
  rotateCredentials,
} from './credentials.ts';

let store: ReturnType<typeof tempStore>;
beforeEach(() => {
  store = tempStore();
});
afterEach(() => store.cleanup());

const key = masterKeyFrom(randomBytes(32));
const SECRET = 'never-in-clear-7f3a9c2e51';

describe('credentials store', () => {
  it('keeps secrets encrypted: the SQLite file never holds one in clear', () => {
    insertCredential(store.sqlite, key, { name: 'Shop signing', type: 'hmac', secret: { secret: SECRET } });
    insertCredential(store.sqlite, key, { name: 'CRM', type: 'bearer', secret: { token: `${SECRET}-token` } });
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(store.file).toString('latin1');
    expect(bytes).toContain('Shop signing'); // the name is readable, as intended
    expect(bytes).not.toContain(SECRET);
  });

  it('lists names and types only, opens a secret by id, deletes', () => {
    const saved = insertCredential(store.sqlite, key, { name: 'Shop', type: 'hmac', secret: { secret: SECRET } });
    expect(listCredentials(store.sqlite)).toEqual([
      expect.objectContaining({ id: saved.id, name: 'Shop', type: 'hmac' }),
    ]);
    expect(JSON.stringify(listCredentials(store.sqlite))).not.toContain(SECRET);
    expect(credentialSecret(store.sqlite, key, saved.id)).toEqual({ type: 'hmac', secret: { secret: SECRET } });
    expect(credentialSecret(store.sqlite, key, 'missing')).toBeUndefined();
    expect(deleteCredential(store.sqlite, saved.id)).toBe(true);
    expect(listCredentials(store.sqlite)).toEqual([]);
  });

  it('re-encrypts every credential when the master key is rotated', () => {
    const ids = ['a', 'b', 'c'].map(
      (name) =>
        insertCredential(store.sqlite, key, { name, type: 'bearer', secret: { token: `${name}-${SECRET}` } }).id,
    );
    const next = masterKeyFrom(randomBytes(32));
    expect(rotateCredentials(store.sqlite, key, next)).toBe(3);
    for (const [index, id] of ids.entries()) {
      expect(credentialSecret(store.sqlite, next, id)?.secret).toEqual({
        token: `${['a', 'b', 'c'][index]}-${SECRET}`,
      });
      expect(() => credentialSecret(store.sqlite, key, id)).toThrow();
    }
  });
});
