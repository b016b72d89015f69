import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoginLimiter } from '../../auth/login-limiter.ts';
import { SESSION_COOKIE } from '../../auth/sessions.ts';
import { type TestApi, testApi } from '../../testing/api.ts';
import { storeFile, tempStore } from '../../testing/store.ts';

let api: TestApi;
beforeEach(() => {
  api = testApi();
});
afterEach(() => {
  vi.useRealTimers();
  api.cleanup();
});

const anonymous = { as: 'anonymous' } as const;
const PASSWORD = 'correct horse battery';

/** Creates a user through the admin API and signs them in; answers their cookie header. */
async function userWithSession(role: 'analyst' | 'operator' | 'admin', email = `${role}.person@example.com`) {
  const created = await api.call('POST', '/api/v1/users', { email, name: `A ${role}`, role, password: PASSWORD });
  expect(created.status).toBe(201);
  return { id: created.body.id as string, cookie: await signIn(email, PASSWORD) };
}

async function signIn(email: string, password: string): Promise<string> {
  const answer = await api.call('POST', '/api/v1/auth/login', { email, password }, anonymous);
  expect(answer.status).toBe(200);
  return cookieOf(answer.headers);
}

const cookieOf = (headers: Headers) => (headers.get('set-cookie') ?? '').split(';')[0] ?? '';
const as = (cookie: string) => ({ as: { cookie } });

describe('first start: setup', () => {
  it('creates the first admin once, signs them in, and then answers 409', async () => {
    const fresh = testApi({ store: tempStore() });
    // testApi seeds users; a store without any is what a fresh install has.
    storeFile(fresh.store).exec('delete from api_keys; delete from users;');
    try {
      expect((await fresh.call('GET', '/api/v1/auth/state', undefined, anonymous)).body).toEqual({
        setupRequired: true,
      });
      const setup = await fresh.call(
        'POST',
        '/api/v1/auth/setup',
        { email: ' Boss@Example.com ', name: 'Boss', password: PASSWORD },
        anonymous,
      );
      expect(setup.status).toBe(201);
      expect(setup.body.user).toMatchObject({ email: 'boss@example.com', role: 'admin', active: true });
      const me = await fresh.call('GET', '/api/v1/auth/me', undefined, { as: { cookie: cookieOf(setup.headers) } });
      expect(me.body).toMatchObject({ user: { email: 'boss@example.com' }, authenticatedWith: 'session' });
      expect((await fresh.call('GET', '/api/v1/auth/state', undefined, anonymous)).body.setupRequired).toBe(false);

      const again = await fresh.call(
        'POST',
        '/api/v1/auth/setup',
        { email: 'intruder@example.com', name: 'Intruder', password: PASSWORD },
        anonymous,
      );
      expect(again.status).toBe(409);
      const users = await fresh.call('GET', '/api/v1/users', undefined, { as: { cookie: cookieOf(setup.headers) } });
      expect(users.body.items.map((user: { email: string }) => user.email)).toEqual(['boss@example.com']);
    } finally {
      fresh.store.cleanup();
    }
  });

  it('refuses a short password', async () => {
    const answer = await api.call(
      'POST',
      '/api/v1/auth/setup',
      { email: 'a@example.com', name: 'A', password: 'short' },
      anonymous,
    );
    expect(answer.status).toBe(400);
  });
});

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict, expiring cookie holding a token stored only as a hash', async () => {
    await api.call('POST', '/api/v1/users', {
      email: 'ann@example.com',
      name: 'Ann',
      role: 'analyst',
      password: PASSWORD,
    });
    const answer = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'ANN@example.com', password: PASSWORD },
      anonymous,
    );
    expect(answer.status).toBe(200);
    const header = answer.headers.get('set-cookie') ?? '';
    expect(header).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    expect(header).toContain('Path=/');
    expect(header).toContain(`Max-Age=${12 * 3600}`);
    expect(header).not.toContain('Secure'); // plain HTTP here
    const token = cookieOf(answer.headers).split('=')[1] ?? '';
    const stored = storeFile(api.store).all('select token_hash as hash from sessions') as Array<{ hash: string }>;
    expect(stored.map((row) => row.hash)).not.toContain(token);
    expect(stored).toHaveLength(1);
  });

  it('marks the cookie Secure on HTTPS, or always when configured', async () => {
    await api.call('POST', '/api/v1/users', {
      email: 'ann@example.com',
      name: 'Ann',
      role: 'analyst',
      password: PASSWORD,
    });
    const body = JSON.stringify({ email: 'ann@example.com', password: PASSWORD });
    const https = await api.app.request('https://stepwise.example/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(https.headers.get('set-cookie')).toContain('Secure');
    const always = testApi({ cookieSecure: 'always', store: api.store });
    const plain = await always.app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(plain.headers.get('set-cookie')).toContain('Secure');
  });

  it('answers a wrong password and an unknown email alike', async () => {
    await api.call('POST', '/api/v1/users', {
      email: 'ann@example.com',
      name: 'Ann',
      role: 'analyst',
      password: PASSWORD,
    });
    const wrong = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'ann@example.com', password: 'nope nope nope' },
      anonymous,
    );
    const unknown = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'bob@example.com', password: 'nope nope nope' },
      anonymous,
    );
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('spends a password hash on an unknown email too, so timing does not tell it apart', async () => {
    // Measured as the CPU time this process spends (the hash runs on its thread pool), which other
    // processes on the machine do not change the way they change wall-clock time.
    await api.call('POST', '/api/v1/users', {
      email: 'ann@example.com',
      name: 'Ann',
      role: 'analyst',
      password: PASSWORD,
    });
    const time = async (email: string) => {
      const started = process.cpuUsage();
      await api.call('POST', '/api/v1/auth/login', { email, password: 'nope nope nope' }, anonymous);
      const spent = process.cpuUsage(started);
      return spent.user + spent.system;
    };
    await time('warm-up@example.com');
    const known = Math.min(await time('ann@example.com'), await time('ann@example.com'));
    const unknown = Math.min(await time('bob@example.com'), await time('carl@example.com'));
    // Argon2id takes milliseconds of CPU; skipping it would make unknown emails many times cheaper.
    expect(unknown).toBeGreaterThan(known / 3);
  });

  describe('lockout', () => {
    const ATTACKER = '198.51.100.66';
    const ADMIN_DESK = '203.0.113.10';
    let clock: number;
    let limited: TestApi;
    beforeEach(async () => {
      clock = Date.parse('2026-03-01T12:00:00.000Z');
      limited = testApi({
        store: api.store,
        loginLimiter: new LoginLimiter(api.repos, { freeFailures: 3 }, () => clock),
      });
      for (const name of ['boss', 'ann', 'bob', 'carl']) {
        const role = name === 'boss' ? 'admin' : 'analyst';
        await limited.call('POST', '/api/v1/users', { email: `${name}@example.com`, name, role, password: PASSWORD });
      }
    });
    const login = (email: string, password: string, from: string) =>
      limited.call('POST', '/api/v1/auth/login', { email, password }, { as: 'anonymous', from });

    it('refuses the attacking address, growing delays, even for the right password', async () => {
      for (let i = 0; i < 3; i++)
        expect((await login('boss@example.com', 'wrong password!', ATTACKER)).status).toBe(401);
      // The 3rd failure locked the pair for 30 s; each failure after a wait locks it twice as long.
      const delays: number[] = [];
      for (let i = 0; i < 4; i++) {
        const locked = await login('boss@example.com', PASSWORD, ATTACKER);
        expect(locked.status).toBe(429);
        expect(locked.body.error.code).toBe('too_many_attempts');
        const delay = Number(locked.headers.get('retry-after'));
        delays.push(delay);
        clock += delay * 1000; // waits it out exactly
        expect((await login('boss@example.com', 'wrong password!', ATTACKER)).status).toBe(401);
      }
      expect(delays).toEqual([30, 60, 120, 240]);
      clock += 480_000;
      // After the wait, the right password signs in and the pair's count starts again.
      expect((await login('boss@example.com', PASSWORD, ATTACKER)).status).toBe(200);
      expect((await login('boss@example.com', 'wrong password!', ATTACKER)).status).toBe(401);
      expect((await login('boss@example.com', PASSWORD, ATTACKER)).status).toBe(200);
    });

    it('forgets failures after a quiet hour, and retention deletes them', async () => {
      await login('ann@example.com', 'wrong password!', ATTACKER);
      await login('ann@example.com', 'wrong password!', ATTACKER);
      const failures = () =>
        storeFile(api.store).column('select failures from login_failures where email = ?', 'ann@example.com');
      expect(failures()).toEqual([2]);
      clock += 61 * 60_000;
      // Two more failures after the quiet hour count from zero: no lock yet.
      await login('ann@example.com', 'wrong password!', ATTACKER);
      expect((await login('ann@example.com', 'wrong password!', ATTACKER)).status).toBe(401);
      expect(failures()).toEqual([2]);
      const later = new Date(clock + 61 * 60_000);
      expect(await api.repos.loginFailures.prune(new Date(later.getTime() - 60 * 60_000).toISOString(), later)).toBe(1);
      expect(failures()).toEqual([]);
    });

    it('is no weapon: an attacker locking out the admin leaves the admin signing in from elsewhere', async () => {
      for (let i = 0; i < 20; i++) await login('boss@example.com', 'wrong password!', ATTACKER);
      expect((await login('boss@example.com', PASSWORD, ATTACKER)).status).toBe(429);
      const boss = await login('boss@example.com', PASSWORD, ADMIN_DESK);
      expect(boss.status).toBe(200);
      expect(boss.body.user.email).toBe('boss@example.com');
      // Kept in the store: another API process (a restart) sees the same counts.
      const restarted = testApi({
        store: api.store,
        loginLimiter: new LoginLimiter(api.repos, { freeFailures: 3 }, () => clock),
      });
      const again = (from: string) =>
        restarted.call(
          'POST',
          '/api/v1/auth/login',
          { email: 'boss@example.com', password: PASSWORD },
          { as: 'anonymous', from },
        );
      expect((await again(ATTACKER)).status).toBe(429);
      expect((await again(ADMIN_DESK)).status).toBe(200);
    });

    it('locks nobody else out when one address (a shared proxy) fails on many accounts', async () => {
      const PROXY = '192.0.2.1';
      for (const name of ['ann', 'bob', 'carl']) {
        for (let i = 0; i < 5; i++) await login(`${name}@example.com`, 'wrong password!', PROXY);
        expect((await login(`${name}@example.com`, PASSWORD, PROXY)).status).toBe(429);
        // The same people from their own addresses are not affected.
        expect((await login(`${name}@example.com`, PASSWORD, '203.0.113.20')).status).toBe(200);
      }
      // Nor is an account with no failures from the proxy: it signs in from the proxy too.
      expect((await login('boss@example.com', PASSWORD, PROXY)).status).toBe(200);
      // And unknown emails count the same way, telling nothing about which emails exist.
      for (let i = 0; i < 4; i++) await login('nobody@example.com', 'wrong password!', PROXY);
      expect((await login('nobody@example.com', 'wrong password!', PROXY)).status).toBe(429);
    });
  });

  it('refuses a deactivated user with the same answer as a wrong password', async () => {
    const { id } = await userWithSession('analyst');
    await api.call('PATCH', `/api/v1/users/${id}`, { active: false });
    const answer = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'analyst.person@example.com', password: PASSWORD },
      anonymous,
    );
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('invalid_credentials');
  });
});

describe('sessions', () => {
  it('expire SESSION_TTL_HOURS after sign-in', async () => {
    const { cookie } = await userWithSession('analyst');
    expect((await api.call('GET', '/api/v1/auth/me', undefined, as(cookie))).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 12 * 3_600_000 - 60_000);
    expect((await api.call('GET', '/api/v1/auth/me', undefined, as(cookie))).status).toBe(200);
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect((await api.call('GET', '/api/v1/auth/me', undefined, as(cookie))).status).toBe(401);
  });

  it('end at logout: the same cookie no longer works, and the browser is told to drop it', async () => {
    const { cookie } = await userWithSession('analyst');
    const out = await api.call('POST', '/api/v1/auth/logout', undefined, as(cookie));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    expect((await api.call('GET', '/api/v1/auth/me', undefined, as(cookie))).status).toBe(401);
  });

  it('other sessions end when the password changes; the one changing it stays', async () => {
    const { cookie: laptop } = await userWithSession('analyst');
    const phone = await signIn('analyst.person@example.com', PASSWORD);
    const wrong = await api.call(
      'POST',
      '/api/v1/auth/password',
      { currentPassword: 'not it at all', newPassword: 'a new long password' },
      as(laptop),
    );
    expect(wrong.status).toBe(400);
    expect((await api.call('GET', '/api/v1/auth/me', undefined, as(phone))).status).toBe(200);
    const changed = await api.call(
      'POST',
      '/api/v1/auth/password',
      { currentPassword: PASSWORD, newPassword: 'a new long password' },
      as(laptop),
    );
    expect(changed.status).toBe(204);
    expect((await api.call('GET', '/api/v1/auth/me', undefined, as(laptop))).status).toBe(200);
    expect((await api.call('GET', '/api/v1/auth/me', undefined, as(phone))).status).toBe(401);
    expect(
      (
        await api.call(
          'POST',
          '/api/v1/auth/login',
          { email: 'analyst.person@example.com', password: PASSWORD },
          anonymous,
        )
      ).status,
    ).toBe(401);
    await signIn('analyst.person@example.com', 'a new long password');
  });

  it('of a deactivated user stop at once, and so do their API keys, for good: reactivation revives neither (issue 13)', async () => {
    const { id, cookie } = await userWithSession('operator');
    const key = await api.call('POST', '/api/v1/api-keys', { name: 'cron job' }, as(cookie));
    expect(key.status).toBe(201);
    const bearer = { as: { authorization: `Bearer ${key.body.secret}` } };
    expect((await api.call('GET', '/api/v1/workflows', undefined, bearer)).status).toBe(200);
    await api.call('PATCH', `/api/v1/users/${id}`, { active: false });
    expect((await api.call('GET', '/api/v1/workflows', undefined, as(cookie))).status).toBe(401);
    expect((await api.call('GET', '/api/v1/workflows', undefined, bearer)).status).toBe(401);
    await api.call('PATCH', `/api/v1/users/${id}`, { active: true });
    expect((await api.call('GET', '/api/v1/workflows', undefined, bearer)).status).toBe(401); // revoked for good
    expect((await api.call('GET', '/api/v1/workflows', undefined, as(cookie))).status).toBe(401); // revoked for good
  });
});

describe('cross-site requests', () => {
  it('are refused for cookie-authenticated changes, by Origin or Sec-Fetch-Site', async () => {
    const { cookie } = await userWithSession('analyst');
    const create = (headers: Record<string, string>) =>
      api.call('POST', '/api/v1/workflows', { name: 'CSRF' }, { as: { cookie }, headers });
    expect((await create({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await create({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await create({ origin: 'not a url' })).status).toBe(403);
    expect((await create({ origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    // Same host, other scheme: another origin (this server answers on http://localhost).
    expect((await create({ origin: 'https://localhost' })).status).toBe(403);
    expect((await create({ origin: 'http://localhost' })).status).toBe(201);
    expect((await create({})).status).toBe(201);
    // Reading stays possible (SameSite already keeps the cookie off cross-site requests).
    const read = await api.call('GET', '/api/v1/workflows', undefined, {
      as: { cookie },
      headers: { origin: 'https://evil.example' },
    });
    expect(read.status).toBe(200);
    // A sign-in form on another site cannot sign a browser in either.
    const login = await api.call(
      'POST',
      '/api/v1/auth/login',
      { email: 'x@example.com', password: 'y' },
      {
        as: 'anonymous',
        headers: { 'sec-fetch-site': 'cross-site' },
      },
    );
    expect(login.status).toBe(403);
  });

  it('do not concern API keys, which browsers never send by themselves', async () => {
    const answer = await api.call(
      'POST',
      '/api/v1/workflows',
      { name: 'From a script' },
      { headers: { origin: 'https://ci.example' } },
    );
    expect(answer.status).toBe(201);
  });
});
