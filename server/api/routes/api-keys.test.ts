import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type TestApi, testApi } from '../../testing/api.ts';
import { storeFile } from '../../testing/store.ts';

let api: TestApi;
beforeEach(() => {
  api = testApi();
});
afterEach(() => {
  vi.useRealTimers();
  api.cleanup();
});

const bearer = (secret: string) => ({ as: { authorization: `Bearer ${secret}` } });

async function createKey(as: 'analyst' | 'operator' | 'admin', body: Record<string, unknown>) {
  const answer = await api.call('POST', '/api/v1/api-keys', body, { as });
  expect(answer.status).toBe(201);
  return answer.body as { key: { id: string; role: string; prefix: string }; secret: string };
}

describe('API keys', () => {
  it('are shown once, listed without their secret, and stored only as a hash', async () => {
    const { key, secret } = await createKey('analyst', { name: 'laptop script' });
    expect(secret).toMatch(/^sw_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(key.prefix)).toBe(true);
    expect(key.role).toBe('analyst'); // defaults to the creator's role
    const listed = await api.call('GET', '/api/v1/api-keys', undefined, { as: 'analyst' });
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([
      key.id,
      ...listed.body.items.slice(1).map((item: { id: string }) => item.id),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    storeFile(api.store).pragma('wal_checkpoint(TRUNCATE)');
    for (const file of [api.store.file, `${api.store.file}-wal`]) {
      const bytes = (() => {
        try {
          return readFileSync(file);
        } catch {
          return Buffer.alloc(0);
        }
      })();
      expect(bytes.includes(Buffer.from(secret)), file).toBe(false);
      expect(bytes.includes(Buffer.from(secret.slice(3))), file).toBe(false);
    }
    expect((await api.call('GET', '/api/v1/auth/me', undefined, bearer(secret))).body).toMatchObject({
      authenticatedWith: 'api_key',
      keyRole: 'analyst',
    });
  });

  it('act with their role only: an operator key cannot edit, an analyst key cannot operate', async () => {
    const operatorKey = (await createKey('admin', { name: 'ops bot', role: 'operator' })).secret;
    const created = await api.call('POST', '/api/v1/workflows', { name: 'Nope' }, bearer(operatorKey));
    expect(created.status).toBe(403);
    expect(created.body.error.message).toContain('through an operator key');
    const workflow = await api.call('POST', '/api/v1/workflows', { name: 'Orders' });
    const analystKey = (await createKey('admin', { name: 'editor bot', role: 'analyst' })).secret;
    expect(
      (await api.call('PATCH', `/api/v1/workflows/${workflow.body.id}`, { name: 'x' }, bearer(analystKey))).status,
    ).toBe(200);
    expect(
      (await api.call('POST', `/api/v1/workflows/${workflow.body.id}/activate`, undefined, bearer(analystKey))).status,
    ).toBe(403);
  });

  it('may not exceed their creator: an analyst cannot make an operator or admin key', async () => {
    for (const role of ['operator', 'admin']) {
      const answer = await api.call('POST', '/api/v1/api-keys', { name: 'x', role }, { as: 'analyst' });
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('role_too_high');
    }
    // Nor can a narrow key mint a wider one for its admin creator.
    const narrow = (await createKey('admin', { name: 'narrow', role: 'operator' })).secret;
    expect((await api.call('POST', '/api/v1/api-keys', { name: 'wide', role: 'admin' }, bearer(narrow))).status).toBe(
      403,
    );
  });

  it('shrink with their creator: an admin demoted to analyst leaves their operator key only viewing', async () => {
    // A second admin, so the seeded one may be demoted.
    const second = await api.call('POST', '/api/v1/users', {
      email: 'second@example.com',
      name: 'Second admin',
      role: 'admin',
      password: 'a long enough password',
    });
    expect(second.status).toBe(201);
    const key = bearer((await createKey('admin', { name: 'ops', role: 'operator' })).secret);
    // Allowed (503: this API runs without an engine) while the creator is an admin.
    expect((await api.call('POST', `/api/v1/executions/${crypto.randomUUID()}/cancel`, undefined, key)).status).toBe(
      503,
    );
    const demote = await api.call('PATCH', `/api/v1/users/${api.users.admin.id}`, { role: 'analyst' });
    expect(demote.status).toBe(200);
    // Operator (the key) and analyst (its creator now) share only viewing.
    expect((await api.call('GET', '/api/v1/workflows', undefined, key)).status).toBe(200);
    expect((await api.call('POST', `/api/v1/executions/${crypto.randomUUID()}/cancel`, undefined, key)).status).toBe(
      403,
    );
    expect((await api.call('POST', '/api/v1/workflows', { name: 'x' }, key)).status).toBe(403);
  });

  it('are revoked by their owner or an admin; someone else’s key looks like no key', async () => {
    const mine = await createKey('analyst', { name: 'mine' });
    const theirs = await createKey('operator', { name: 'theirs' });
    expect((await api.call('DELETE', `/api/v1/api-keys/${theirs.key.id}`, undefined, { as: 'analyst' })).status).toBe(
      404,
    );
    expect(
      (await api.call('GET', '/api/v1/api-keys', undefined, { as: 'analyst' })).body.items.map(
        (k: { id: string }) => k.id,
      ),
    ).not.toContain(theirs.key.id);
    expect((await api.call('DELETE', `/api/v1/api-keys/${mine.key.id}`, undefined, { as: 'analyst' })).status).toBe(
      204,
    );
    expect((await api.call('GET', '/api/v1/workflows', undefined, bearer(mine.secret))).status).toBe(401);
    expect((await api.call('DELETE', `/api/v1/api-keys/${theirs.key.id}`)).status).toBe(204); // the admin
    expect((await api.call('GET', '/api/v1/workflows', undefined, bearer(theirs.secret))).status).toBe(401);
    const all = await api.call('GET', '/api/v1/api-keys');
    expect(all.body.items.find((k: { id: string }) => k.id === theirs.key.id).revokedAt).not.toBeNull();
  });

  it('are revoked for good when their creator is deactivated: reactivation does not revive them', async () => {
    const created = await api.call('POST', '/api/v1/users', {
      email: 'leaver@example.com',
      name: 'Leaver',
      role: 'operator',
      password: 'a long enough password',
    });
    expect(created.status).toBe(201);
    const login = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'leaver@example.com', password: 'a long enough password' },
      { as: 'anonymous' },
    );
    const cookie = { as: { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' } };
    const minted = await api.call('POST', '/api/v1/api-keys', { name: 'cron job' }, cookie);
    expect(minted.status).toBe(201);
    const key = bearer(minted.body.secret);
    expect((await api.call('GET', '/api/v1/workflows', undefined, key)).status).toBe(200);

    expect((await api.call('PATCH', `/api/v1/users/${created.body.id}`, { active: false })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/workflows', undefined, key)).status).toBe(401);
    const listed = await api.call('GET', '/api/v1/api-keys');
    expect(listed.body.items.find((k: { id: string }) => k.id === minted.body.key.id).revokedAt).not.toBeNull();
    const audit = await api.call('GET', '/api/v1/audit?action=user.deactivated');
    expect(JSON.stringify(audit.body)).toContain('"revokedApiKeys":1');

    expect((await api.call('PATCH', `/api/v1/users/${created.body.id}`, { active: true })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/workflows', undefined, key)).status).toBe(401);
    // The seeded keys of other users are untouched.
    expect((await api.call('GET', '/api/v1/workflows', undefined, { as: 'operator' })).status).toBe(200);
  });

  it('refuse anything that is not a live key with 401', async () => {
    for (const authorization of ['Bearer sw_nope', 'Bearer ', 'Basic YTpi', `Bearer ${api.keys.admin}x`, 'Bearer']) {
      expect((await api.call('GET', '/api/v1/workflows', undefined, { as: { authorization } })).status).toBe(401);
    }
  });

  it('record when they were last used, writing at most once a minute', async () => {
    const { key, secret } = await createKey('analyst', { name: 'poller' });
    const lastUsed = async () =>
      (await api.call('GET', '/api/v1/api-keys')).body.items.find((k: { id: string }) => k.id === key.id).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await api.call('GET', '/api/v1/workflows', undefined, bearer(secret));
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await api.call('GET', '/api/v1/workflows', undefined, bearer(secret));
    expect(await lastUsed()).toBe(first);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    await api.call('GET', '/api/v1/workflows', undefined, bearer(secret));
    expect(Date.parse(await lastUsed())).toBeGreaterThan(Date.parse(first));
  });
});
