import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { findCredentialType } from '../../../nodes/credentials/catalogue.ts';
import oauth2 from '../../../nodes/credentials/oauth2.credential.ts';
import { isHttps } from '../../auth/request-info.ts';
import { sha256 } from '../../auth/tokens.ts';
import { authorizationUrl, startAuthorization } from '../../credentials/oauth2.capability.ts';
import { AUTHORIZATION_TTL_MS, CALLBACK_PATH, STATE_COOKIE } from '../../credentials/oauth2-connect.ts';
import { audit } from '../audit.ts';
import { ApiError, notFound } from '../errors.ts';
import { publicUrlOf } from '../public-url.ts';
import { type ApiDeps, defineRoute } from '../route.ts';

/*
 * Connecting OAuth 2 credentials (authorization code with PKCE). "Connect" keeps a fresh state and
 * PKCE verifier server-side (single use, ten minutes, bound to the admin and, by a cookie, to their
 * browser) and answers the provider's authorization URL; the provider sends the browser back to
 * the callback, which checks all of that, has a worker exchange the code (the API makes no outbound
 * call), and sends the browser back to the credentials page saying how it went.
 */

const CredentialId = z.strictObject({ id: z.uuid() });

/** The credentials page, with what the callback has to say in its query. */
const CREDENTIALS_PAGE = '/admin/credentials';

/** The settings of an OAuth 2 credential, or a 422 saying why it cannot be connected in the browser. */
async function interactiveSettings(deps: ApiDeps, id: string) {
  const credential = await deps.repos.credentials.secret(deps.masterKey, id);
  if (!credential) throw notFound(`credential ${id}`);
  if (!findCredentialType(credential.type)?.connects) {
    throw new ApiError(
      422,
      'not_connectable',
      `a ${credential.type} credential is not connected: it is used as stored`,
    );
  }
  const settings = oauth2.secret.safeParse(credential.secret);
  if (!settings.success || settings.data.grantType !== 'authorizationCode') {
    throw new ApiError(
      422,
      'not_interactive',
      `credential "${credential.name}" uses the client credentials grant: its tokens are fetched without a browser`,
    );
  }
  return { credential, settings: settings.data };
}

const cookieOptions = (c: Context, deps: ApiDeps, redirectUri: string) => ({
  httpOnly: true,
  // Lax, not Strict: the provider's redirect back is a navigation from another site, and must carry it.
  sameSite: 'Lax' as const,
  secure: deps.config.cookieSecure === 'always' || (deps.config.cookieSecure === 'auto' && isHttps(c)),
  path: new URL(redirectUri).pathname,
});

/** The credentials page telling the admin how connecting went. */
function backToCredentials(c: Context, deps: ApiDeps, outcome: { credentialId?: string; error?: string }) {
  const url = new URL(`${publicUrlOf(c, deps.config)}${CREDENTIALS_PAGE}`);
  if (outcome.credentialId) url.searchParams.set('credential', outcome.credentialId);
  url.searchParams.set('oauth2', outcome.error ? 'error' : 'connected');
  if (outcome.error) url.searchParams.set('message', outcome.error.slice(0, 500));
  return c.redirect(url.href, 302);
}

const CallbackQuery = z.object({
  state: z.string().max(512).optional(),
  code: z.string().max(4096).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(1024).optional(),
});

export const credentialConnectionRoutes = [
  defineRoute({
    method: 'post',
    path: '/credentials/:id/connect',
    operationId: 'connectCredential',
    summary: 'Start connecting an OAuth 2 credential: answers the provider’s authorization URL to send the browser to',
    tag: 'Credentials',
    access: 'admin',
    params: CredentialId,
    responses: {
      200: {
        description: 'Where the browser goes to consent (valid for ten minutes, once)',
        schema: z.object({ authorizationUrl: z.string(), redirectUri: z.string() }),
      },
      404: { description: 'No such credential' },
      422: { description: 'Credentials of this type or grant are not connected in the browser' },
    },
    async handler({ params, deps, c, caller }) {
      if (!caller) throw new ApiError(401, 'unauthenticated', 'sign in first');
      const { credential, settings } = await interactiveSettings(deps, params.id);
      const redirectUri = `${publicUrlOf(c, deps.config)}${CALLBACK_PATH}`;
      const { state, codeVerifier, codeChallenge } = await startAuthorization();
      await deps.repos.credentials.startAuthorization(deps.masterKey, {
        stateHash: sha256(state),
        credentialId: params.id,
        userId: caller.user.id,
        redirectUri,
        codeVerifier,
        expiresAt: new Date(Date.now() + AUTHORIZATION_TTL_MS).toISOString(),
      });
      setCookie(c, STATE_COOKIE, state, {
        ...cookieOptions(c, deps, redirectUri),
        maxAge: Math.floor(AUTHORIZATION_TTL_MS / 1000),
      });
      const url = authorizationUrl(settings, { redirectUri, state, codeChallenge });
      deps.log.debug({ credentialId: params.id, name: credential.name }, 'started an OAuth 2 authorization');
      return c.json({ authorizationUrl: url.href, redirectUri });
    },
  }),
  // Public: the browser comes back from the provider's site, so the SameSite=Strict session cookie
  // is not sent. The single-use state, the cookie that must carry it, and the admin it was started
  // for are what let it through.
  defineRoute({
    method: 'get',
    path: '/oauth2/callback',
    operationId: 'oauth2Callback',
    summary:
      'Where OAuth 2 providers send the browser back: checks the state, exchanges the code, returns to the credentials page',
    tag: 'Credentials',
    access: 'public',
    query: CallbackQuery,
    responses: {
      302: { description: 'Back to the credentials page, with `oauth2=connected` or `oauth2=error&message=…`' },
    },
    async handler(request) {
      const { query, deps, c } = request;
      const cookie = getCookie(c, STATE_COOKIE);
      const pending = query.state
        ? await deps.repos.credentials.takeAuthorization(deps.masterKey, sha256(query.state))
        : undefined;
      if (pending) deleteCookie(c, STATE_COOKIE, cookieOptions(c, deps, pending.redirectUri));
      const refuse = (error: string, credentialId?: string) =>
        backToCredentials(c, deps, { error, ...(credentialId ? { credentialId } : {}) });
      // The state is the CSRF check: unknown, used or expired, the answer is not ours to take.
      if (!query.state || !pending)
        return refuse('this sign-in is unknown, was already used, or took longer than ten minutes: connect again');
      if (cookie !== query.state)
        return refuse('this sign-in was started in another browser: connect again from this one', pending.credentialId);
      const user = await deps.repos.users.get(pending.userId);
      if (!user?.active || user.role !== 'admin')
        return refuse('only an admin may connect a credential', pending.credentialId);
      const auditConnect = (details: Record<string, unknown>) =>
        audit(
          request,
          { action: 'credential.connected', objectType: 'credential', objectId: pending.credentialId, details },
          user,
        );
      if (query.error) {
        const problem = `the provider refused: ${query.error}${query.error_description ? ` (${query.error_description})` : ''}`;
        await auditConnect({ ok: false, problem });
        return refuse(problem, pending.credentialId);
      }
      if (!deps.oauth2Exchange)
        return refuse('the run engine is not available to finish connecting', pending.credentialId);
      const callbackQuery = new URL(c.req.url).search;
      const result = await deps.oauth2Exchange.exchange({
        credentialId: pending.credentialId,
        userId: pending.userId,
        redirectUri: pending.redirectUri,
        secret: { callbackQuery, state: query.state, codeVerifier: pending.codeVerifier },
      });
      await auditConnect(
        result
          ? { ok: result.ok, scopes: result.scopes ?? null, ...(result.ok ? {} : { problem: result.message }) }
          : { ok: false, problem: 'no worker answered' },
      );
      if (!result) return refuse('no worker answered in time; is the engine running?', pending.credentialId);
      if (!result.ok) return refuse(result.message, pending.credentialId);
      return backToCredentials(c, deps, { credentialId: pending.credentialId });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/credentials/:id/disconnect',
    operationId: 'disconnectCredential',
    summary: 'Forget an OAuth 2 credential’s tokens: it is not connected until an admin connects it again',
    tag: 'Credentials',
    access: 'admin',
    params: CredentialId,
    responses: {
      204: { description: 'Disconnected' },
      404: { description: 'No such credential' },
      422: { description: 'Credentials of this type are not connected' },
    },
    async handler(request) {
      const { params, deps, c } = request;
      const credential = await deps.repos.credentials.get(params.id);
      if (!credential) throw notFound(`credential ${params.id}`);
      if (!(await deps.repos.credentials.disconnect(params.id))) {
        throw new ApiError(
          422,
          'not_connectable',
          `a ${credential.type} credential is not connected: it is used as stored`,
        );
      }
      await audit(request, { action: 'credential.disconnected', objectType: 'credential', objectId: params.id });
      return c.body(null, 204);
    },
  }),
];
