import { afterEach, describe, expect, it } from 'vitest';
import { LoginLimiter } from '../auth/login-limiter.ts';
import { type TestApi, testApi } from '../testing/api.ts';
import { storeFile } from '../testing/store.ts';

const PASSWORD = 'correct horse battery';
const PROXY = '10.0.0.5';
const OUTSIDER = '203.0.113.9';

const apis: TestApi[] = [];
afterEach(() => {
  for (const api of apis.splice(0)) api.cleanup();
});

async function withUser(options: Parameters<typeof testApi>[0] = {}): Promise<TestApi> {
  const api = testApi(options);
  apis.push(api);
  const created = await api.call('POST', '/api/v1/users', {
    email: 'ann@example.com',
    name: 'Ann',
    role: 'analyst',
    password: PASSWORD,
  });
  expect(created.status).toBe(201);
  return api;
}

/** Signs Ann in from `from` with these headers; answers the cookie's flags and the address her session recorded. */
async function signIn(api: TestApi, from: string, headers: Record<string, string> = {}, host = 'stepwise.test') {
  const answer = await api.call(
    'POST',
    '/api/v1/auth/login',
    { email: 'ann@example.com', password: PASSWORD },
    { as: 'anonymous', from, headers: { host, ...headers } },
  );
  expect(answer.status).toBe(200);
  const cookie = answer.headers.get('set-cookie') ?? '';
  const [ip] = storeFile(api.store).column<string>(
    'select ip from sessions where user_id = (select id from users where email = ?) order by created_at desc limit 1',
    'ann@example.com',
  );
  const me = await api.call('GET', '/api/v1/auth/me', undefined, {
    as: { cookie: cookie.split(';')[0] ?? '' },
    from,
    headers: { host, ...headers },
  });
  return { secure: /;\s*Secure/i.test(cookie), ip, publicUrl: me.body.publicUrl as string };
}

describe('behind a proxy', () => {
  it('believes nobody’s X-Forwarded-Proto and X-Forwarded-For without TRUSTED_PROXIES', async () => {
    const api = await withUser();
    // The attack: an outsider claims HTTPS and another address.
    const forged = await signIn(api, OUTSIDER, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.77' });
    expect(forged).toEqual({ secure: false, ip: OUTSIDER, publicUrl: 'http://stepwise.test' });
  });

  it('believes a trusted proxy’s headers, and only a trusted proxy’s', async () => {
    const api = await withUser({ trustedProxies: ['10.0.0.0/8', '::1'] });
    const viaProxy = await signIn(api, PROXY, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7' });
    expect(viaProxy).toEqual({ secure: true, ip: '198.51.100.7', publicUrl: 'https://stepwise.test' });
    // Straight to the server, the same headers are the client's word alone.
    const direct = await signIn(api, OUTSIDER, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7' });
    expect(direct).toEqual({ secure: false, ip: OUTSIDER, publicUrl: 'http://stepwise.test' });
    // An IPv4 peer of a dual-stack socket is the same address.
    expect((await signIn(api, `::ffff:${PROXY}`, { 'x-forwarded-for': '198.51.100.8' })).ip).toBe('198.51.100.8');
  });

  it('reads X-Forwarded-For from the nearest hop back: what the client wrote before it is not believed', async () => {
    const api = await withUser({ trustedProxies: ['10.0.0.0/8'] });
    // The client sent its own X-Forwarded-For: 192.0.2.1; the proxy appended the real address, then
    // a second trusted proxy appended the first proxy's.
    const chained = await signIn(api, PROXY, { 'x-forwarded-for': '192.0.2.1, 198.51.100.7, 10.0.0.9' });
    expect(chained.ip).toBe('198.51.100.7');
    // Garbage in the header stops the reading: the last address believed is the client.
    expect((await signIn(api, PROXY, { 'x-forwarded-for': 'not-an-ip, 10.0.0.9' })).ip).toBe('10.0.0.9');
    // No header: the proxy itself is the client.
    expect((await signIn(api, PROXY)).ip).toBe(PROXY);
    // The proto the nearest proxy set (the last value) counts.
    expect((await signIn(api, PROXY, { 'x-forwarded-proto': 'https, http' })).secure).toBe(false);
  });

  it('counts sign-in failures per real client behind a trusted proxy, not per proxy', async () => {
    const api = testApi({ trustedProxies: [PROXY] });
    apis.push(api);
    const limited = testApi({
      store: api.store,
      trustedProxies: [PROXY],
      loginLimiter: new LoginLimiter(api.repos, { freeFailures: 2 }),
    });
    await limited.call('POST', '/api/v1/users', {
      email: 'ann@example.com',
      name: 'Ann',
      role: 'analyst',
      password: PASSWORD,
    });
    const login = (password: string, client: string) =>
      limited.call(
        'POST',
        '/api/v1/auth/login',
        { email: 'ann@example.com', password },
        { as: 'anonymous', from: PROXY, headers: { 'x-forwarded-for': client } },
      );
    for (let i = 0; i < 3; i++) await login('wrong password!', '198.51.100.66');
    expect((await login(PASSWORD, '198.51.100.66')).status).toBe(429);
    // Ann, behind the same proxy, is not the attacker.
    expect((await login(PASSWORD, '198.51.100.7')).status).toBe(200);
  });

  it('builds webhook URLs on PUBLIC_URL when it is set', async () => {
    const api = await withUser({ publicUrl: 'https://automation.example.com/stepwise' });
    expect((await signIn(api, OUTSIDER)).publicUrl).toBe('https://automation.example.com/stepwise');
    const me = await api.call('GET', '/api/v1/auth/me');
    expect(me.body.publicUrl).toBe('https://automation.example.com/stepwise');
  });
});
