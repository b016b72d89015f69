import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../../testing/api.ts';

let api: TestApi;
beforeEach(() => {
  api = testApi();
});
afterEach(() => api.cleanup());

const PASSWORD = 'a long enough password';
const create = (email: string, role = 'analyst') =>
  api.call('POST', '/api/v1/users', { email, name: email.split('@')[0], role, password: PASSWORD });

describe('users admin', () => {
  it('creates users with emails unique ignoring case, and lists them', async () => {
    const ann = await create('Ann@Example.com');
    expect(ann.status).toBe(201);
    expect(ann.body).toMatchObject({ email: 'ann@example.com', role: 'analyst', active: true });
    expect(ann.body).not.toHaveProperty('passwordHash');
    const dup = await create('ANN@example.COM', 'operator');
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('email_taken');
    const list = await api.call('GET', '/api/v1/users');
    expect(list.body.items.filter((user: { email: string }) => user.email === 'ann@example.com')).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain('argon2');
    expect((await create('not-an-email')).status).toBe(400);
    expect(
      (await api.call('POST', '/api/v1/users', { email: 'b@example.com', name: 'B', role: 'root', password: PASSWORD }))
        .status,
    ).toBe(400);
  });

  it('changes roles, and the new role applies to the user’s next request', async () => {
    const { id } = (await create('ann@example.com')).body;
    const login = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'ann@example.com', password: PASSWORD },
      { as: 'anonymous' },
    );
    const cookie = { as: { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' } };
    expect((await api.call('POST', '/api/v1/workflows', { name: 'x' }, cookie)).status).toBe(201);
    const changed = await api.call('PATCH', `/api/v1/users/${id}`, { role: 'operator' });
    expect(changed.body.role).toBe('operator');
    expect((await api.call('POST', '/api/v1/workflows', { name: 'y' }, cookie)).status).toBe(403);
  });

  it('never demotes or deactivates the last active admin', async () => {
    const only = api.users.admin.id;
    for (const patch of [{ role: 'operator' }, { active: false }]) {
      const answer = await api.call('PATCH', `/api/v1/users/${only}`, patch);
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('last_admin');
    }
    const other = (await create('boss@example.com', 'admin')).body;
    expect((await api.call('PATCH', `/api/v1/users/${only}`, { active: false })).status).toBe(200);
    // Now `other` is the last one; the deactivated admin does not count.
    expect((await api.call('PATCH', `/api/v1/users/${other.id}`, { role: 'analyst' }, { as: 'admin' })).status).toBe(
      401,
    );
    const login = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'boss@example.com', password: PASSWORD },
      { as: 'anonymous' },
    );
    const boss = { as: { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' } };
    expect((await api.call('PATCH', `/api/v1/users/${other.id}`, { role: 'analyst' }, boss)).status).toBe(409);
  });

  it('resets a password: the old one stops working and the user’s sessions end', async () => {
    const { id } = (await create('ann@example.com')).body;
    const login = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'ann@example.com', password: PASSWORD },
      { as: 'anonymous' },
    );
    const cookie = { as: { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '' } };
    expect((await api.call('POST', `/api/v1/users/${id}/password`, { password: 'short' })).status).toBe(400);
    expect((await api.call('POST', `/api/v1/users/${id}/password`, { password: 'a brand new password' })).status).toBe(
      204,
    );
    expect((await api.call('GET', '/api/v1/auth/me', undefined, cookie)).status).toBe(401);
    const old = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'ann@example.com', password: PASSWORD },
      { as: 'anonymous' },
    );
    expect(old.status).toBe(401);
    const fresh = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'ann@example.com', password: 'a brand new password' },
      { as: 'anonymous' },
    );
    expect(fresh.status).toBe(200);
    expect(
      (await api.call('POST', `/api/v1/users/${crypto.randomUUID()}/password`, { password: 'a brand new password' }))
        .status,
    ).toBe(404);
  });
});
