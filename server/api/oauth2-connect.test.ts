import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../testing/api.ts';
import { testOAuth2Provider } from '../testing/oauth2-provider.ts';
import { storeFile } from '../testing/store.ts';
import { type WorkerBackedApi, workerBackedApi } from '../testing/worker-api.ts';

/*
 * Connecting an OAuth 2 credential through the API routes, against a real authorization server on
 * 127.0.0.1 (oauth2-mock-server): Connect answers the provider's URL, fetching it follows the
 * provider's consent to its redirect, the callback checks the state and has a real worker exchange
 * the code (with the PKCE verifier) over a real PostgreSQL.
 */

/** Where users reach Stepwise: the callback must be built on it, not on the address a request came to. */
const PUBLIC_URL = 'https://stepwise.example.test/base';

let engine: WorkerBackedApi['engine'];
let backed: WorkerBackedApi;
let api: TestApi;
let provider: Awaited<ReturnType<typeof testOAuth2Provider>>;

beforeAll(async () => {
  backed = await workerBackedApi({ publicUrl: PUBLIC_URL });
  ({ engine, api } = backed);
  provider = await testOAuth2Provider();
});
afterAll(async () => {
  await provider?.close();
  await backed?.close();
});

async function credential(name: string, extra: Record<string, unknown> = {}) {
  const created = await api.call('POST', '/api/v1/credentials', {
    name,
    type: 'oauth2',
    secret: provider.settings(extra),
    allowedTargets: ['https://api.example.com'],
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; connection: unknown };
}

/** Clicks Connect: the authorization URL and the state cookie the browser got. */
async function startConnect(id: string) {
  const started = await api.call('POST', `/api/v1/credentials/${id}/connect`);
  expect(started.status).toBe(200);
  const cookie = (started.headers.get('set-cookie') ?? '').split(';')[0] as string;
  expect(cookie).toMatch(/^stepwise_oauth2_state=.+/);
  return { authorizationUrl: started.body.authorizationUrl as string, cookie };
}

/** The browser at the provider: consent is given, and the provider redirects back to Stepwise. */
async function consent(authorizationUrl: string): Promise<URL> {
  const answer = await fetch(authorizationUrl, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location') as string);
}

/** The browser back at Stepwise's callback (no session cookie: it comes from another site). */
async function callback(back: URL, cookie: string | undefined) {
  const path = back.href.slice(PUBLIC_URL.length);
  const answer = await api.call('GET', path, undefined, { as: 'anonymous', headers: cookie ? { cookie } : {} });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location') as string);
}

const connectionOf = async (id: string) =>
  (await api.call('GET', '/api/v1/credentials')).body.items.find((item: { id: string }) => item.id === id).connection;

describe('connecting an OAuth 2 credential (authorization code with PKCE)', () => {
  it('goes to the provider with PKCE (S256), comes back to PUBLIC_URL, and stores the tokens sealed', async () => {
    const types = (await api.call('GET', '/api/v1/credential-types')).body.items;
    const byType = Object.fromEntries(
      types.map((type: { type: string; redirectUri: string | null }) => [type.type, type]),
    );
    expect(byType.oauth2).toMatchObject({ connects: true, testable: true, testNeedsUrl: false });
    expect(byType.oauth2.redirectUri).toBe(`${PUBLIC_URL}/api/v1/oauth2/callback`);
    expect(byType.bearer.redirectUri).toBeNull();
    const created = await credential('Provider API', { authorizationParams: { access_type: 'offline' } });
    expect(created.connection).toMatchObject({ status: 'not_connected', interactive: true, scopes: ['read', 'write'] });
    const { authorizationUrl, cookie } = await startConnect(created.id);
    const asked = new URL(authorizationUrl);
    expect(asked.origin + asked.pathname).toBe(`${provider.url}/authorize`);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'stepwise-tests',
      redirect_uri: `${PUBLIC_URL}/api/v1/oauth2/callback`,
      scope: 'read write',
      code_challenge_method: 'S256',
      access_type: 'offline',
    });

    const back = await consent(authorizationUrl);
    expect(back.href.startsWith(`${PUBLIC_URL}/api/v1/oauth2/callback?`)).toBe(true);
    const before = provider.tokenRequests.length;
    const page = await callback(back, cookie);
    expect(page.href).toBe(`${PUBLIC_URL}/admin/credentials?credential=${created.id}&oauth2=connected`);

    // The one token request: the code with the verifier whose S256 challenge went to /authorize.
    const exchange = provider.tokenRequests.slice(before);
    expect(exchange).toHaveLength(1);
    const sent = exchange[0]?.body ?? {};
    expect(sent).toMatchObject({
      grant_type: 'authorization_code',
      redirect_uri: `${PUBLIC_URL}/api/v1/oauth2/callback`,
    });
    const challenge = createHash('sha256').update(String(sent.code_verifier)).digest('base64url');
    expect(asked.searchParams.get('code_challenge')).toBe(challenge);
    expect(sent.client_secret).toBe('client-secret-0a1b2c3d4e');

    const connection = await connectionOf(created.id);
    expect(connection).toMatchObject({ status: 'connected', scopes: ['read', 'write'], problem: null });
    expect(Date.parse(connection.expiresAt) - Date.now()).toBeGreaterThan(50 * 60_000);
    // The tokens never reach an answer, nor the SQLite file in the clear.
    const token = provider.issued.at(-1) as string;
    expect(JSON.stringify((await api.call('GET', '/api/v1/credentials')).body)).not.toContain(token);
    storeFile(engine.store).pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(engine.store.file).toString('latin1')).not.toContain(token.slice(0, 40));
    const audit = await api.call('GET', '/api/v1/audit?action=credential.connected');
    expect(audit.body.items[0]).toMatchObject({
      objectId: created.id,
      actorId: api.users.admin.id,
      details: { ok: true, scopes: ['read', 'write'] },
    });
  });

  it('refuses a callback whose state is unknown, used once already, or started in another browser', async () => {
    const created = await credential('State checks');
    const before = provider.tokenRequests.length;
    // A forged answer: the state was never handed out.
    const { authorizationUrl, cookie } = await startConnect(created.id);
    const back = await consent(authorizationUrl);
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged-state');
    const refused = await callback(forged, 'stepwise_oauth2_state=forged-state');
    expect(refused.searchParams.get('oauth2')).toBe('error');
    expect(refused.searchParams.get('message')).toContain('unknown, was already used');

    // The real answer works once, and only once.
    expect((await callback(back, cookie)).searchParams.get('oauth2')).toBe('connected');
    const replayed = await callback(back, cookie);
    expect(replayed.searchParams.get('message')).toContain('already used');

    // Another browser (without the state cookie) cannot finish an admin's authorization.
    const second = await startConnect(created.id);
    const elsewhere = await callback(await consent(second.authorizationUrl), undefined);
    expect(elsewhere.searchParams.get('message')).toContain('started in another browser');
    expect(provider.tokenRequests.length - before).toBe(1);
  });

  it('says so when the admin declines at the provider, and leaves the credential not connected', async () => {
    const created = await credential('Declined');
    const { authorizationUrl, cookie } = await startConnect(created.id);
    const back = await consent(authorizationUrl);
    back.searchParams.delete('code');
    back.searchParams.set('error', 'access_denied');
    back.searchParams.set('error_description', 'The user said no');
    const page = await callback(back, cookie);
    expect(page.searchParams.get('message')).toBe('the provider refused: access_denied (The user said no)');
    expect(page.searchParams.get('credential')).toBe(created.id);
    expect((await connectionOf(created.id)).status).toBe('not_connected');
  });

  it('tests a connected credential with a refresh, and forgets its tokens when disconnected', async () => {
    const created = await credential('Refresh test');
    const { authorizationUrl, cookie } = await startConnect(created.id);
    await callback(await consent(authorizationUrl), cookie);
    const refreshes = provider.count('refresh_token');
    const tested = await api.call('POST', `/api/v1/credentials/${created.id}/test`, {});
    expect(tested.body).toMatchObject({
      ok: true,
      message: expect.stringMatching(
        /^the provider refreshed the access token \(expires in \d+ min; scopes: read write\)$/,
      ),
    });
    expect(provider.count('refresh_token')).toBe(refreshes + 1);

    expect((await api.call('POST', `/api/v1/credentials/${created.id}/disconnect`)).status).toBe(204);
    expect(await connectionOf(created.id)).toMatchObject({
      status: 'not_connected',
      expiresAt: null,
      connectedAt: null,
    });
    const untested = await api.call('POST', `/api/v1/credentials/${created.id}/test`, {});
    expect(untested.body).toEqual({
      ok: false,
      message: 'credential "Refresh test" is not connected: an admin must connect it on the credentials page',
    });
    const audit = await api.call('GET', '/api/v1/audit?action=credential.disconnected');
    expect(audit.body.items[0]).toMatchObject({ objectId: created.id });
  });
});

describe('an OAuth 2 credential with client credentials', () => {
  it('needs no browser: Connect refuses it, and Test fetches a token', async () => {
    const created = await credential('Machine to machine', {
      grantType: 'clientCredentials',
      authorizationUrl: undefined,
      audience: 'https://api.example.com',
    });
    expect(created.connection).toMatchObject({ status: 'not_connected', interactive: false });
    const connect = await api.call('POST', `/api/v1/credentials/${created.id}/connect`);
    expect(connect.status).toBe(422);
    expect(connect.body.error.code).toBe('not_interactive');

    const before = provider.tokenRequests.length;
    const tested = await api.call('POST', `/api/v1/credentials/${created.id}/test`, {});
    expect(tested.body).toMatchObject({
      ok: true,
      message: expect.stringMatching(
        /^the provider issued an access token \(expires in \d+ min; scopes: read write\)$/,
      ),
    });
    expect(provider.tokenRequests.slice(before).map((request) => request.body)).toEqual([
      expect.objectContaining({
        grant_type: 'client_credentials',
        scope: 'read write',
        audience: 'https://api.example.com',
      }),
    ]);
    expect(await connectionOf(created.id)).toMatchObject({ status: 'connected', scopes: ['read', 'write'] });
  });

  it('sends the client secret in a basic auth header when its settings say so', async () => {
    const created = await credential('Basic client', {
      grantType: 'clientCredentials',
      authorizationUrl: undefined,
      clientAuthentication: 'basicAuth',
    });
    await api.call('POST', `/api/v1/credentials/${created.id}/test`, {});
    const sent = provider.tokenRequests.at(-1);
    // RFC 6749 2.3.1: each part form-URL-encoded before base64.
    const [scheme, encoded] = (sent?.authorization ?? '').split(' ');
    expect(scheme).toBe('Basic');
    const parts = Buffer.from(String(encoded), 'base64').toString().split(':').map(decodeURIComponent);
    expect(parts).toEqual(['stepwise-tests', 'client-secret-0a1b2c3d4e']);
    expect(sent?.body.client_secret).toBeUndefined();
  });
});
