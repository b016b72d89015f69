import { Events, type MutableResponse, OAuth2Server } from 'oauth2-mock-server';

/** A token request as the provider received it: its form fields, and its Authorization header (basic auth). */
export interface RecordedTokenRequest {
  readonly body: Record<string, string>;
  readonly authorization: string | undefined;
}

/**
 * A real OAuth 2 authorization server on 127.0.0.1 (oauth2-mock-server): its /authorize answers
 * with a redirect to the redirect_uri (consent given), its /token issues signed tokens for every
 * grant and checks PKCE. It records every token request, and grants the scopes asked for at
 * /authorize (as real providers do) rather than the mock's "dummy".
 */
export async function testOAuth2Provider() {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const url = server.issuer.url as string;
  const tokenRequests: RecordedTokenRequest[] = [];
  const authorizeRequests: URL[] = [];
  const scopesByCode = new Map<string, string>();
  /** Access tokens it has issued, newest last. */
  const issued: string[] = [];
  server.service.on(Events.BeforeAuthorizeRedirect, ({ url: redirect }, request) => {
    const asked = new URL(request.url ?? '', url);
    authorizeRequests.push(asked);
    const code = redirect.searchParams.get('code');
    if (code) scopesByCode.set(code, asked.searchParams.get('scope') ?? '');
  });
  server.service.on(Events.BeforeResponse, (response: MutableResponse, request) => {
    const body = { ...(request.body as Record<string, string>) };
    tokenRequests.push({ body, authorization: request.headers.authorization });
    const answer = response.body as Record<string, unknown>;
    if (body.grant_type === 'authorization_code') answer.scope = scopesByCode.get(body.code ?? '') ?? '';
    // Like many providers, a refresh answer leaves the scopes as they were.
    if (body.grant_type === 'refresh_token') delete answer.scope;
    if (typeof answer.access_token === 'string') issued.push(answer.access_token);
  });
  return {
    url,
    server,
    tokenRequests,
    authorizeRequests,
    issued,
    /** Token requests of one grant type so far. */
    count: (grantType: string) => tokenRequests.filter((request) => request.body.grant_type === grantType).length,
    /** The next token answer is changed by `change` (after the recording above). */
    nextAnswer(change: (response: MutableResponse) => void) {
      server.service.once(Events.BeforeResponse, change);
    },
    /** OAuth 2 settings of a credential against this provider. */
    settings(extra: Record<string, unknown> = {}) {
      return {
        authorizationUrl: `${url}/authorize`,
        tokenUrl: `${url}/token`,
        clientId: 'stepwise-tests',
        clientSecret: 'client-secret-0a1b2c3d4e',
        scopes: 'read write',
        ...extra,
      };
    },
    close: () => server.stop(),
  };
}
