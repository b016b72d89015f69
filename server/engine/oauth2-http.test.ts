import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { edge, node, testEngine, testHttpServer } from '../testing/engine.ts';
import { testOAuth2Provider } from '../testing/oauth2-provider.ts';
import { storeFile } from '../testing/store.ts';

/*
 * HTTP requests with an OAuth 2 credential, on the real engine: a real authorization server on
 * 127.0.0.1 (oauth2-mock-server) issues and refreshes tokens, a real API server accepts only tokens
 * it considers good, and real workers renew tokens before expiry, after a 401, once at a time.
 */

let engine: Awaited<ReturnType<typeof testEngine>>;
let provider: Awaited<ReturnType<typeof testOAuth2Provider>>;
let partner: Awaited<ReturnType<typeof testHttpServer>>;
/** Tokens the partner API refuses (revoked early, as a provider may). */
const revoked = new Set<string>();

beforeAll(async () => {
  engine = await testEngine();
  // Two workers: renewals must be one at a time across workers, not only within one.
  await engine.startWorker();
  await engine.startWorker();
  provider = await testOAuth2Provider();
  // A careless API: it echoes the request's headers and URL back, tokens and all.
  partner = await testHttpServer((request, response) => {
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization))?.[1];
    const ok =
      token !== undefined && !revoked.has(token) && (provider.issued.includes(token) || token.startsWith('seeded-'));
    response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ headers: request.headers, url: request.url }));
  });
});
afterAll(async () => {
  await partner?.close();
  await provider?.close();
  await engine?.close();
});

/**
 *   Start ──▶ Call (http with the credential)
 *         └─▶ Again (http with the credential), when `twice`
 */
function graph(credentialId: string, twice = false): Graph {
  return {
    nodes: [
      node('start', 'trigger.manual', 'Start'),
      node('call', 'action.http', 'Call', { url: `${partner.url}/me`, credentialId }),
      ...(twice ? [node('again', 'action.http', 'Again', { url: `${partner.url}/me`, credentialId })] : []),
    ],
    edges: [edge('start', 'call'), ...(twice ? [edge('start', 'again')] : [])],
  };
}

/** A credential connected in the browser earlier: its tokens as the code exchange stored them. */
async function connected(name: string, tokens: { accessToken: string; refreshToken: string; expiresInMs: number }) {
  const credential = await engine.repos.credentials.insert(engine.masterKey, {
    name,
    type: 'oauth2',
    secret: provider.settings(),
    allowedTargets: [partner.url],
    connecting: { interactive: true, scopes: ['read', 'write'] },
  });
  await engine.repos.credentials.storeTokens(engine.masterKey, credential.id, {
    tokens: {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: new Date(Date.now() + tokens.expiresInMs).toISOString(),
    },
    interactive: true,
    connected: { by: null },
  });
  return credential;
}

const run = async (graphToRun: Graph) => engine.finished((await engine.run(graphToRun)).id);
const connection = async (id: string) => engine.repos.credentials.connection(engine.masterKey, id);

/** Every stored trace of a run and the SQLite file, to look for secrets in. */
function stored(steps: unknown): string {
  storeFile(engine.store).pragma('wal_checkpoint(TRUNCATE)');
  return `${JSON.stringify(steps)}\n${readFileSync(engine.store.file).toString('latin1')}`;
}

describe('HTTP requests with an OAuth 2 credential', () => {
  it('fetch a client credentials token when first needed, reuse it after, and keep every secret out of stored steps', async () => {
    const credential = await engine.repos.credentials.insert(engine.masterKey, {
      name: 'Machine',
      type: 'oauth2',
      secret: provider.settings({ grantType: 'clientCredentials', authorizationUrl: undefined }),
      allowedTargets: [partner.url],
      connecting: { interactive: false, scopes: ['read', 'write'] },
    });
    const before = provider.count('client_credentials');
    const first = await run(graph(credential.id));
    expect(first.execution.status).toBe('succeeded');
    expect(provider.count('client_credentials')).toBe(before + 1);
    const token = provider.issued.at(-1) as string;
    expect(partner.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
    expect((await connection(credential.id))?.status).toBe('connected');

    const second = await run(graph(credential.id));
    expect(second.execution.status).toBe('succeeded');
    expect(provider.count('client_credentials')).toBe(before + 1);
    expect(partner.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);

    const call = first.steps.find((step) => step.nodeId === 'call');
    expect(call?.output).toMatchObject({ body: { headers: { authorization: 'Bearer ••••••' } } });
    const everything = stored([first.steps, second.steps]);
    // A JWT's first part is shared by every token of its key: the signature is what is secret.
    for (const secret of [token.split('.')[2] as string, 'client-secret-0a1b2c3d4e'])
      expect(everything).not.toContain(secret);
  });

  it('refresh a token within a minute of its expiry before sending, and store the new one', async () => {
    const credential = await connected('Nearly expired', {
      accessToken: 'seeded-expiring-token-1',
      refreshToken: 'seeded-refresh-token-1',
      expiresInMs: 30_000,
    });
    const before = provider.count('refresh_token');
    const { execution } = await run(graph(credential.id));
    expect(execution.status).toBe('succeeded');
    expect(provider.count('refresh_token')).toBe(before + 1);
    expect(provider.tokenRequests.at(-1)?.body).toMatchObject({
      grant_type: 'refresh_token',
      refresh_token: 'seeded-refresh-token-1',
    });
    const fresh = provider.issued.at(-1) as string;
    expect(partner.requests.at(-1)?.headers.authorization).toBe(`Bearer ${fresh}`);
    const now = await connection(credential.id);
    expect(now?.tokens).toMatchObject({ accessToken: fresh, refreshToken: expect.any(String) });
    expect(Date.parse(String(now?.expiresAt)) - Date.now()).toBeGreaterThan(50 * 60_000);
    // The refresh answer named no scopes: those granted at connect stay.
    expect(now?.scopes).toEqual(['read', 'write']);
  });

  it('refresh once and send once more when the API answers 401', async () => {
    const credential = await connected('Revoked early', {
      accessToken: 'seeded-revoked-token-2',
      refreshToken: 'seeded-refresh-token-2',
      expiresInMs: 3_600_000,
    });
    revoked.add('seeded-revoked-token-2');
    const before = { refreshes: provider.count('refresh_token'), requests: partner.requests.length };
    const { execution, steps } = await run(graph(credential.id));
    expect(execution.status).toBe('succeeded');
    expect(provider.count('refresh_token')).toBe(before.refreshes + 1);
    const sent = partner.requests.slice(before.requests).map((request) => request.headers.authorization);
    expect(sent).toEqual(['Bearer seeded-revoked-token-2', `Bearer ${provider.issued.at(-1)}`]);
    expect(steps.find((step) => step.nodeId === 'call')?.output).toMatchObject({ status: 200 });
    expect(stored(steps)).not.toContain('seeded-revoked-token-2');
  });

  it('fail the step at once, saying an admin must reconnect it, when the provider refuses the refresh', async () => {
    const credential = await connected('Refused', {
      accessToken: 'seeded-refused-token-3',
      refreshToken: 'seeded-refresh-token-3',
      expiresInMs: 0,
    });
    provider.nextAnswer((response) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'refresh token revoked' };
    });
    const before = { refreshes: provider.count('refresh_token'), requests: partner.requests.length };
    const { execution, steps } = await run(graph(credential.id));
    expect(execution.status).toBe('failed');
    const calls = steps.filter((step) => step.nodeId === 'call');
    expect(calls).toHaveLength(1); // not retried
    const message =
      'credential "Refused" needs reconnecting (the provider refused the token refresh (invalid_grant: refresh token revoked)): an admin must connect it again on the credentials page';
    expect(calls[0]?.error).toMatchObject({ message, retryable: false });
    expect(partner.requests.length).toBe(before.requests);
    expect(await connection(credential.id)).toMatchObject({
      status: 'reconnect_needed',
      problem: 'the provider refused the token refresh (invalid_grant: refresh token revoked)',
    });
    // The next run fails at once, without asking the provider again.
    const again = await run(graph(credential.id));
    expect(again.execution.status).toBe('failed');
    expect(JSON.stringify(again.execution.error)).toContain('needs reconnecting');
    expect(provider.count('refresh_token')).toBe(before.refreshes + 1);
    expect(stored([steps, again.steps])).not.toContain('seeded-refresh-token-3');
  });

  it('refresh once when two steps need a new token at the same time, and both use it', async () => {
    const credential = await connected('Shared', {
      accessToken: 'seeded-expired-token-4',
      refreshToken: 'seeded-refresh-token-4',
      expiresInMs: -60_000,
    });
    const before = { refreshes: provider.count('refresh_token'), requests: partner.requests.length };
    const runs = await Promise.all([run(graph(credential.id, true)), run(graph(credential.id, true))]);
    for (const { execution } of runs) expect(execution.status).toBe('succeeded');
    expect(provider.count('refresh_token')).toBe(before.refreshes + 1);
    const fresh = provider.issued.at(-1) as string;
    const sent = partner.requests.slice(before.requests).map((request) => request.headers.authorization);
    expect(sent).toEqual([`Bearer ${fresh}`, `Bearer ${fresh}`, `Bearer ${fresh}`, `Bearer ${fresh}`]);
  });

  it('send the token as ?access_token= when its settings say so, masked in the stored request', async () => {
    const credential = await engine.repos.credentials.insert(engine.masterKey, {
      name: 'In the query',
      type: 'oauth2',
      secret: provider.settings({
        grantType: 'clientCredentials',
        authorizationUrl: undefined,
        sendTokenAs: 'queryParameter',
      }),
      allowedTargets: [partner.url],
      connecting: { interactive: false, scopes: [] },
    });
    const { execution, steps } = await run(graph(credential.id));
    // The partner wants a header: its 401 gets one renewal and one more try, then the answer stands.
    expect(execution.status).toBe('failed');
    const token = provider.issued.at(-1) as string;
    expect(partner.requests.at(-1)?.url).toBe(`/me?access_token=${token}`);
    expect(stored(steps)).not.toContain(token.split('.')[2] as string);
  });

  it('fail at once, naming what to do, when the credential was never connected', async () => {
    const credential = await engine.repos.credentials.insert(engine.masterKey, {
      name: 'Never connected',
      type: 'oauth2',
      secret: provider.settings(),
      allowedTargets: [partner.url],
      connecting: { interactive: true, scopes: [] },
    });
    const { execution, steps } = await run(graph(credential.id));
    expect(execution.status).toBe('failed');
    expect(steps.filter((step) => step.nodeId === 'call')).toHaveLength(1);
    expect(JSON.stringify(execution.error)).toContain(
      'credential \\"Never connected\\" is not connected: an admin must connect it on the credentials page',
    );
  });
});
