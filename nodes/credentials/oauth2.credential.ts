import { z } from 'zod';
import { defineCredential } from './define.ts';
import { bearerToken, queryParameter } from './http-auth.ts';

/*
 * OAuth 2: the admin enters the client's settings; the access token a request carries is obtained and
 * renewed on the server (server/credentials/oauth2.capability.ts), never typed in. With the
 * authorization code grant an admin connects it once from the credentials page (the provider asks
 * them to consent); with client credentials the worker fetches tokens by itself.
 */

/** An http(s) URL, as provider endpoints are; http only makes sense for local or test servers. */
const endpoint = () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2048);

/** `read write` or `read, write`: the scopes an admin types, as a list. */
export function scopeList(text: string): string[] {
  return text.split(/[\s,]+/).filter((scope) => scope !== '');
}

/** Only with the authorization code grant (the form reads `showWhen`). */
const browserOnly = { showWhen: { grantType: ['authorizationCode'] } };

export default defineCredential({
  type: 'oauth2',
  title: 'OAuth 2',
  description:
    'An OAuth 2 client: Stepwise obtains access tokens and renews them by itself. Authorization code (with PKCE): an admin connects it once in the browser. Client credentials: no browser step.',
  secret: z
    .strictObject({
      grantType: z
        .union([
          z.literal('authorizationCode').meta({ title: 'Authorization code (a person signs in and consents once)' }),
          z.literal('clientCredentials').meta({ title: 'Client credentials (the app acts as itself)' }),
        ])
        .default('authorizationCode')
        .meta({
          title: 'Grant type',
          description: 'Authorization code: a person consents once. Client credentials: the app acts as itself.',
        }),
      authorizationUrl: endpoint()
        .optional()
        .meta({ title: 'Authorization URL', description: 'Where the provider asks for consent', ...browserOnly }),
      tokenUrl: endpoint().meta({ title: 'Token URL', description: 'Where tokens are requested and refreshed' }),
      clientId: z.string().trim().min(1).max(1024).meta({ title: 'Client ID' }),
      clientSecret: z
        .string()
        .max(4096)
        .default('')
        .meta({ title: 'Client secret', description: 'Empty for a public client (PKCE only)' }),
      clientAuthentication: z
        .union([
          z.literal('requestBody').meta({ title: 'In the request body (client_id, client_secret)' }),
          z.literal('basicAuth').meta({ title: 'HTTP Basic authentication' }),
        ])
        .default('requestBody')
        .meta({ title: 'Client authentication', description: 'How the client ID and secret reach the token URL' }),
      scopes: z.string().max(4000).default('').meta({
        title: 'Scopes',
        description: 'Space- or comma-separated, e.g. "read write"; asked for when connecting',
      }),
      audience: z
        .string()
        .max(2048)
        .optional()
        .meta({ title: 'Audience', description: 'Sent as `audience` where the provider wants one (e.g. Auth0)' }),
      authorizationParams: z
        .record(z.string().min(1).max(256), z.string().max(2048))
        .default({})
        .meta({
          title: 'Extra authorization parameters',
          description: 'Added to the authorization URL, e.g. access_type=offline',
          ...browserOnly,
        }),
      sendTokenAs: z
        .union([
          z.literal('authorizationHeader').meta({ title: 'Authorization header (Bearer)' }),
          z.literal('queryParameter').meta({ title: 'access_token query parameter' }),
        ])
        .default('authorizationHeader')
        .meta({
          title: 'Send the token as',
          description: '"Authorization: Bearer <token>", or ?access_token=<token> on the URL',
        }),
    })
    .superRefine((settings, ctx) => {
      if (settings.grantType === 'authorizationCode' && !settings.authorizationUrl) {
        ctx.addIssue({
          code: 'custom',
          path: ['authorizationUrl'],
          message: 'the authorization code grant needs an authorization URL',
        });
      }
    }),
  secretFields: ['clientSecret'],
  httpToken: (settings, accessToken) =>
    settings.sendTokenAs === 'queryParameter' ? queryParameter('access_token', accessToken) : bearerToken(accessToken),
  connects: (settings) => ({
    interactive: settings.grantType === 'authorizationCode',
    scopes: scopeList(settings.scopes),
  }),
  // Where well-known providers keep their endpoints: choosing one only fills in the form.
  presets: [
    {
      name: 'google',
      title: 'Google',
      values: {
        authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
        tokenUrl: 'https://oauth2.googleapis.com/token',
        // Without these Google sends no refresh token, and the connection would last an hour.
        authorizationParams: { access_type: 'offline', prompt: 'consent' },
      },
    },
    {
      name: 'microsoft',
      title: 'Microsoft (Entra ID)',
      values: {
        authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
        tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
        scopes: 'offline_access',
      },
    },
    {
      name: 'github',
      title: 'GitHub',
      values: {
        authorizationUrl: 'https://github.com/login/oauth/authorize',
        tokenUrl: 'https://github.com/login/oauth/access_token',
      },
    },
    {
      name: 'slack',
      title: 'Slack',
      values: {
        authorizationUrl: 'https://slack.com/oauth/v2/authorize',
        tokenUrl: 'https://slack.com/api/oauth.v2.access',
      },
    },
    {
      name: 'salesforce',
      title: 'Salesforce',
      values: {
        authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize',
        tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
        scopes: 'api refresh_token',
      },
    },
  ],
});
