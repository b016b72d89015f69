import { mkdirSync } from 'node:fs';
import { Events, type MutableResponse, OAuth2Server } from 'oauth2-mock-server';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * Connecting an OAuth 2 credential from the credentials page, against a real authorization server
 * on 127.0.0.1 (oauth2-mock-server, which consents at once): the admin fills in the form, clicks
 * Connect, the browser goes to the provider and comes back through Stepwise's callback, and the
 * page says it is connected with its scopes. Then the provider revokes it, and the page says so.
 */

/** Unique: every spec shares one server. */
const NAME = `Ledger OAuth ${Date.now().toString(36)}`;

let provider: OAuth2Server;
let providerUrl = '';
/** Scopes asked for at /authorize, granted with the code (the mock would say "dummy"). */
const scopesByCode = new Map<string, string>();

test.beforeAll(async () => {
  provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  providerUrl = provider.issuer.url as string;
  provider.service.on(Events.BeforeAuthorizeRedirect, ({ url }, request) => {
    const code = url.searchParams.get('code');
    if (code) scopesByCode.set(code, new URL(request.url ?? '', providerUrl).searchParams.get('scope') ?? '');
  });
  provider.service.on(Events.BeforeResponse, (response: MutableResponse, request) => {
    const body = request.body as Record<string, string>;
    if (body.grant_type === 'authorization_code') {
      (response.body as Record<string, unknown>).scope = scopesByCode.get(body.code ?? '') ?? '';
    }
  });
  mkdirSync('/tmp/shots-oauth2', { recursive: true });
});
test.afterAll(async () => {
  await provider?.stop();
});

async function shot(page: import('@playwright/test').Page, name: string) {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
  await page.screenshot({ path: `/tmp/shots-oauth2/${name}.png`, fullPage: true });
}

test('an admin creates an OAuth 2 credential, connects it at the provider, and sees it connected', async ({
  page,
  server,
}) => {
  await page.goto('/admin/credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(NAME);
  await dialog.getByLabel('Type').selectOption({ label: 'OAuth 2' });
  await expect(dialog.getByLabel('Provider')).toBeVisible();
  // What the admin registers with the provider: this server's callback (no PUBLIC_URL here: its own address).
  await expect(dialog).toContainText(`${server.url}/api/v1/oauth2/callback`);
  await shot(page, 'oauth2-credential-form-top');
  await dialog.getByLabel('Authorization URL').fill(`${providerUrl}/authorize`);
  await dialog.getByLabel('Token URL').fill(`${providerUrl}/token`);
  await dialog.getByLabel('Client ID').fill('stepwise-e2e');
  await dialog.getByLabel('Client secret').fill('e2e-client-secret-9f8e7d');
  await dialog.getByLabel('Scopes').fill('ledger.read ledger.write');
  await dialog.getByLabel('Allowed targets').fill('https://ledger.example.com');
  await shot(page, 'oauth2-credential-form');
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole('row').filter({ hasText: NAME });
  await expect(row).toContainText('Not connected');
  await row.getByRole('button', { name: `Connect ${NAME}` }).click();

  // To the provider and back through the callback, which a worker finished.
  await page.waitForURL(/\/admin\/credentials\?credential=.+&oauth2=connected$/, { timeout: 30_000 });
  const notice = page.getByRole('status').filter({ hasText: 'Connected "' });
  await expect(notice).toContainText(`Connected "${NAME}"`);
  await expect(notice).toContainText('Granted: ledger.read, ledger.write.');
  await expect(row).toContainText('Connected');
  await expect(row.getByRole('list', { name: 'Scopes granted' })).toContainText('ledger.readledger.write');
  await expect(row).toContainText(/Token expires in \d+ min/);
  await expect(page.locator('body')).not.toContainText('e2e-client-secret-9f8e7d');
  await shot(page, 'oauth2-connected');

  // The provider revokes the grant: the next refresh (here, Test) is refused, and the page says an admin must reconnect.
  provider.service.once(Events.BeforeResponse, (response: MutableResponse) => {
    response.statusCode = 400;
    response.body = { error: 'invalid_grant', error_description: 'the grant was revoked' };
  });
  await row.getByRole('button', { name: `Test connection of ${NAME}` }).click();
  const test = page.getByRole('dialog');
  await expect(test.getByLabel('URL')).toHaveCount(0);
  await test.getByRole('button', { name: 'Test connection' }).click();
  await expect(test.getByRole('alert')).toContainText('needs reconnecting', { timeout: 30_000 });
  await test.getByRole('button', { name: 'Close' }).last().click();
  await expect(row).toContainText('Reconnect needed');
  await expect(row).toContainText('invalid_grant: the grant was revoked');
  await expect(row.getByRole('button', { name: `Reconnect ${NAME}` })).toBeVisible();
  // The round trip's "Connected" notice is stale now: the row says how the connection stands.
  await expect(page.getByRole('status').filter({ hasText: 'Connected "' })).toHaveCount(0);
  await shot(page, 'oauth2-reconnect-needed');
});
