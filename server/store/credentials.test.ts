import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { masterKeyFrom } from '../security/master-key.ts';
import { tempStore } from '../testing/store.ts';
import type { StorePort } from './repositories.ts';
import { sqliteRepositories } from './sqlite-repositories.ts';

// Listing, opening, deleting and rotating are tested through the port in store-suite.ts.
let store: ReturnType<typeof tempStore>;
let repos: StorePort;
beforeEach(() => {
  store = tempStore();
  repos = sqliteRepositories(store);
});
afterEach(() => store.cleanup());

const key = masterKeyFrom(randomBytes(32));
const SECRET = 'never-in-clear-7f3a9c2e51';

describe('credentials store', () => {
  it('keeps secrets encrypted: the SQLite file never holds one in clear', async () => {
    await repos.credentials.insert(key, { name: 'Shop signing', type: 'hmac', secret: { secret: SECRET } });
    await repos.credentials.insert(key, { name: 'CRM', type: 'bearer', secret: { token: `${SECRET}-token` } });
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(store.file).toString('latin1');
    expect(bytes).toContain('Shop signing'); // the name is readable, as intended
    expect(bytes).not.toContain(SECRET);
  });
});
