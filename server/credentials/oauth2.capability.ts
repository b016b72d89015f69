import type * as OAuth from 'oauth4webapi';
import type { z } from 'zod';
import oauth2, { scopeList } from '../../nodes/credentials/oauth2.credential.ts';
import { defineCapability, type TokenGrant, TokenRefused, type Tokens } from './define-capability.ts';

/*
 * The OAuth 2 credential type's protocol, through oauth4webapi (PKCE, the authorization URL, the
 * code exchange, refresh, client credentials): never hand-written token requests. Every token
 * request goes through the `fetch` it is given, which a worker makes from its own outbound HTTP
 * (timeouts, HTTP_REFUSE_PRIVATE_ADDRESSES); the API process only builds authorization URLs.
 */

export type OAuth2Settings = z.output<typeof oauth2.secret>;

type Library = typeof OAuth;

/** oauth4webapi loads with the first OAuth 2 operation, not with every process that loads the credential catalogue. */
const library = (): Promise<Library> => import('oauth4webapi');

/**
 * The provider as oauth4webapi sees it. No issuer is configured (OAuth 2, not OpenID Connect):
 * oauth4webapi needs one to compare `iss` values with, so the token URL's origin stands in, and
 * `iss` values are not compared (see `callbackParameters`).
 */
function server(settings: OAuth2Settings): OAuth.AuthorizationServer {
  return {
    issuer: new URL(settings.tokenUrl).origin,
    token_endpoint: settings.tokenUrl,
    ...(settings.authorizationUrl ? { authorization_endpoint: settings.authorizationUrl } : {}),
  };
}

const client = (settings: OAuth2Settings): OAuth.Client => ({ client_id: settings.clientId });

function clientAuthentication(oauth: Library, settings: OAuth2Settings): OAuth.ClientAuth {
  if (settings.clientSecret === '') return oauth.None();
  return settings.clientAuthentication === 'basicAuth'
    ? oauth.ClientSecretBasic(settings.clientSecret)
    : oauth.ClientSecretPost(settings.clientSecret);
}

/** How long a token request may take: a step waits for it, and a refresh holds the credential's lock. */
export const TOKEN_REQUEST_TIMEOUT_MS = 15_000;

/** oauth4webapi's options for one token request: our fetch, and http:// endpoints allowed where an admin typed one. */
function requestOptions(
  oauth: Library,
  settings: OAuth2Settings,
  fetch: typeof globalThis.fetch,
  signal?: AbortSignal,
) {
  return {
    [oauth.customFetch]: fetch,
    [oauth.allowInsecureRequests]: new URL(settings.tokenUrl).protocol === 'http:',
    signal: signal
      ? AbortSignal.any([signal, AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS)])
      : AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
  };
}

/** A fresh PKCE verifier (kept server-side) and the state that ties the provider's answer to it. */
export async function startAuthorization(): Promise<{ state: string; codeVerifier: string; codeChallenge: string }> {
  const oauth = await library();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  return {
    state: oauth.generateRandomState(),
    codeVerifier,
    codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
  };
}

/** Where the admin's browser goes to consent: the provider's authorization URL with PKCE (S256). */
export function authorizationUrl(
  settings: OAuth2Settings,
  request: { redirectUri: string; state: string; codeChallenge: string },
): URL {
  if (settings.grantType !== 'authorizationCode' || !settings.authorizationUrl) {
    throw new Error('only an authorization code credential is connected in the browser');
  }
  const url = new URL(settings.authorizationUrl);
  // The admin's extra parameters first, so none of them can replace what the protocol needs.
  for (const [name, value] of Object.entries(settings.authorizationParams)) url.searchParams.set(name, value);
  if (settings.audience) url.searchParams.set('audience', settings.audience);
  const scopes = scopeList(settings.scopes);
  if (scopes.length > 0) url.searchParams.set('scope', scopes.join(' '));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('state', request.state);
  url.searchParams.set('code_challenge', request.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url;
}

/**
 * The provider's answer as oauth4webapi checks it. `iss` is left out: it can only be compared with a
 * configured issuer (RFC 9207 guards against mixing up several servers a client trusts; each
 * credential here trusts exactly one), and some providers send one.
 */
function callbackParameters(callbackQuery: string): URLSearchParams {
  const parameters = new URLSearchParams(callbackQuery);
  parameters.delete('iss');
  return parameters;
}

/**
 * Stepwise uses access tokens only. An OpenID Connect provider adds an `id_token`, which
 * oauth4webapi would check against an issuer we do not ask admins for: it is dropped unread.
 */
async function withoutIdToken(response: Response): Promise<Response> {
  if (response.status !== 200 || !response.headers.get('content-type')?.includes('json')) return response;
  const body = (await response.json()) as Record<string, unknown>;
  delete body.id_token;
  return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
}

/**
 * What a token response grants, as stored: the scopes granted, else those asked for (`asked`
 * undefined: a refresh, which keeps the scopes as they were).
 */
function grantOf(
  response: OAuth.TokenEndpointResponse,
  asked: readonly string[] | undefined,
  previous?: Tokens,
): TokenGrant {
  const expiresAt =
    typeof response.expires_in === 'number'
      ? new Date(Date.now() + response.expires_in * 1000).toISOString()
      : undefined;
  // A refresh answer may leave the refresh token out: the one we had stays good (RFC 6749, 6).
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  return {
    tokens: {
      accessToken: response.access_token,
      ...(refreshToken ? { refreshToken } : {}),
      ...(expiresAt ? { expiresAt } : {}),
    },
    ...(response.scope !== undefined ? { scopes: scopeList(response.scope) } : asked ? { scopes: [...asked] } : {}),
  };
}

/**
 * An error of a token request in words, never quoting a token. The provider's refusals of the grant
 * itself (RFC 6749, 5.2) become `TokenRefused`: asking again will not help, a person must act.
 */
function describeFailure(oauth: Library, error: unknown, what: string): Error {
  if (error instanceof oauth.ResponseBodyError) {
    const detail = `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
    const refusal = ['invalid_grant', 'invalid_client', 'unauthorized_client', 'access_denied', 'invalid_scope'];
    if (refusal.includes(error.error)) return new TokenRefused(`the provider refused the ${what} (${detail})`);
    return new Error(`the ${what} failed: the provider answered ${error.status} (${detail})`);
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    return new TokenRefused(
      `the provider refused the authorization (${error.error}${error.error_description ? `: ${error.error_description}` : ''})`,
    );
  }
  if (error instanceof oauth.OperationProcessingError) {
    const status = error.cause instanceof Response ? ` ${error.cause.status}` : '';
    return new Error(`the ${what} failed: the provider's answer${status} is not an OAuth 2 token response`);
  }
  return new Error(`the ${what} failed: ${(error as Error).message ?? String(error)}`);
}

/** Exchanges the code the provider sent back (with the PKCE verifier) for tokens. */
export async function exchangeCode(
  settings: OAuth2Settings,
  request: { callbackQuery: string; state: string; codeVerifier: string; redirectUri: string },
  fetch: typeof globalThis.fetch,
  signal?: AbortSignal,
): Promise<TokenGrant> {
  const oauth = await library();
  const as = server(settings);
  try {
    const parameters = oauth.validateAuthResponse(
      as,
      client(settings),
      callbackParameters(request.callbackQuery),
      request.state,
    );
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client(settings),
      clientAuthentication(oauth, settings),
      parameters,
      request.redirectUri,
      request.codeVerifier,
      requestOptions(oauth, settings, fetch, signal),
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client(settings), await withoutIdToken(response));
    return grantOf(tokens, scopeList(settings.scopes));
  } catch (error) {
    throw describeFailure(oauth, error, 'code exchange');
  }
}

/** New tokens for a credential: a refresh (authorization code), or a new client credentials grant. */
async function renewTokens(
  settings: OAuth2Settings,
  current: Tokens | undefined,
  fetch: typeof globalThis.fetch,
  signal?: AbortSignal,
): Promise<TokenGrant> {
  const oauth = await library();
  const as = server(settings);
  const asked = scopeList(settings.scopes);
  const options = requestOptions(oauth, settings, fetch, signal);
  if (settings.grantType === 'clientCredentials') {
    const parameters = new URLSearchParams();
    if (asked.length > 0) parameters.set('scope', asked.join(' '));
    if (settings.audience) parameters.set('audience', settings.audience);
    try {
      const response = await oauth.clientCredentialsGrantRequest(
        as,
        client(settings),
        clientAuthentication(oauth, settings),
        parameters,
        options,
      );
      return grantOf(await oauth.processClientCredentialsResponse(as, client(settings), response), asked);
    } catch (error) {
      throw describeFailure(oauth, error, 'token request');
    }
  }
  if (!current) throw new TokenRefused('it is not connected yet');
  if (!current.refreshToken) throw new TokenRefused('its access token expired and the provider gave no refresh token');
  try {
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client(settings),
      clientAuthentication(oauth, settings),
      current.refreshToken,
      options,
    );
    return grantOf(
      await oauth.processRefreshTokenResponse(as, client(settings), await withoutIdToken(response)),
      undefined,
      current,
    );
  } catch (error) {
    throw describeFailure(oauth, error, 'token refresh');
  }
}

export default defineCapability(oauth2, { renewTokens });
