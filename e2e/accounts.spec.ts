import { test as base } from '@playwright/test';
import { expect, OWNER, screenshotPath, test } from './fixtures.ts';
import { startServer } from './server.ts';

base('a fresh install asks for the owner account, then signs the owner in', async ({ page }) => {
  const server = await startServer();
  try {
    await page.goto(`${server.url}/executions`);
    await expect(page).toHaveURL(/\/setup$/);
    await expect(page.getByRole('heading', { name: 'Set up Stepwise' })).toBeVisible();
    await page.screenshot({ path: screenshotPath('setup'), fullPage: true });
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Confirm password').fill('shorter');
    await expect(page.getByText('The passwords differ')).toBeVisible();
    await page.getByLabel('Password', { exact: true }).fill('a long enough passphrase');
    await page.getByLabel('Confirm password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await expect(page).toHaveURL(/\/workflows$/);
    await expect(page.getByText('Ada Admin')).toBeVisible();

    // Signed out, the app asks to sign in and refuses a wrong password without saying which part is wrong.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('not the passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('do not match');
    await page.screenshot({ path: screenshotPath('login-failed'), fullPage: true });
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/workflows$/);
    // The setup page cannot be used twice.
    const again = await page.request.post(`${server.url}/api/v1/auth/setup`, {
      data: { name: 'Mallory', email: 'm@example.com', password: 'another long password' },
    });
    expect(again.status()).toBe(409);
  } finally {
    await server.stop();
  }
});

test('an admin adds an analyst, who sees no admin pages and cannot reach them', async ({ page, browser, server }) => {
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { name: 'Users', exact: true })).toBeVisible();
  await expect(page.getByText(OWNER.email)).toBeVisible();
  await page.getByRole('button', { name: 'Add user' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('Ann Analyst');
  await dialog.getByLabel('Email').fill('ann@example.com');
  await dialog.getByLabel('Role').selectOption('analyst');
  await dialog.getByLabel('Initial password').fill('analyst password 1');
  await dialog.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByText('ann@example.com')).toBeVisible();
  await page.screenshot({ path: screenshotPath('admin-users'), fullPage: true });

  const analyst = await browser.newContext({ baseURL: server.url, storageState: { cookies: [], origins: [] } });
  const analystPage = await analyst.newPage();
  await analystPage.goto('/admin/users');
  await expect(analystPage).toHaveURL(/\/login\?next=%2Fadmin%2Fusers$/);
  await analystPage.getByLabel('Email').fill('ann@example.com');
  await analystPage.getByLabel('Password').fill('analyst password 1');
  await analystPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(analystPage).toHaveURL(/\/admin\/users$/);
  // The page loads, but the API refuses an analyst, and the navigation offers no admin section.
  await expect(analystPage.getByRole('alert')).toContainText(/admin/i);
  await expect(analystPage.getByRole('navigation', { name: 'Main' })).not.toContainText('Audit log');
  await analyst.close();
});

test('an API key is shown once, works as a bearer token, and the audit log records it all', async ({ page }) => {
  await page.goto('/account');
  await page.getByRole('button', { name: 'New key' }).click();
  await page.getByRole('dialog').getByLabel('Name').fill('CI pipeline');
  await page.getByRole('dialog').getByLabel('Role').selectOption('operator');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.getByTestId('api-key-secret').textContent()) ?? '';
  expect(secret).toMatch(/^sw_/);
  await page.screenshot({ path: screenshotPath('account-api-key'), fullPage: true });
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByText('CI pipeline')).toBeVisible();
  await expect(page.getByTestId('api-key-secret')).toHaveCount(0);

  const asKey = await page.request.get('/api/v1/auth/me', {
    headers: { authorization: `Bearer ${secret}`, cookie: '' },
  });
  expect(asKey.status()).toBe(200);
  expect((await asKey.json()).keyRole).toBe('operator');

  // Autosaves are stored one by one but listed once, with a count and the workflow's name.
  const workflow = await (await page.request.post('/api/v1/workflows', { data: { name: 'Autosaved often' } })).json();
  const { graph } = await (await page.request.get(`/api/v1/workflows/${workflow.id}/draft`)).json();
  for (let i = 0; i < 5; i++) {
    expect((await page.request.put(`/api/v1/workflows/${workflow.id}/draft`, { data: { graph } })).status()).toBe(200);
  }

  await page.goto('/admin/audit');
  await expect(page.getByRole('button', { name: 'api_key.created' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'setup' })).toBeVisible();
  const autosaves = page.getByRole('row').filter({ hasText: 'workflow.draft_saved' });
  await expect(autosaves).toHaveCount(1);
  await expect(autosaves.getByTestId('audit-count')).toHaveText('×5');
  await expect(autosaves).toContainText('Autosaved often');
  await page.screenshot({ path: screenshotPath('admin-audit'), fullPage: true });
  await page.getByRole('button', { name: 'api_key.created' }).first().click();
  await expect(page).toHaveURL(/action=api_key.created/);
  await expect(page.getByRole('button', { name: 'setup' })).toHaveCount(0);
});

test('credentials are stored without ever showing their secret again', async ({ page }) => {
  // Its empty state is checked on a fresh server (pages.spec): other specs share this one.
  await page.goto('/admin/credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('Ledger API');
  await dialog.getByLabel('Token').fill('tok_super_secret_value');
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await expect(page.getByRole('cell', { name: 'Ledger API', exact: true })).toBeVisible();
  await expect(page.getByText('tok_super_secret_value')).toHaveCount(0);
  const listed = await page.request.get('/api/v1/credentials');
  expect(await listed.text()).not.toContain('tok_super_secret_value');
  await page.screenshot({ path: screenshotPath('admin-credentials'), fullPage: true });

  // Where it may be sent and who may use it: a bad target is named under the field, a good one is listed.
  await page.getByRole('button', { name: 'Limits of Ledger API' }).click();
  const limits = page.getByRole('dialog');
  await limits.getByLabel('Allowed targets').fill('ftp://ledger.example.com');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await expect(limits.getByText('"ftp://ledger.example.com" must be http:// or https://')).toBeVisible();
  await limits.getByLabel('Allowed targets').fill('https://ledger.example.com/v1');
  await limits.getByLabel('Operators').check();
  await page.screenshot({ path: screenshotPath('admin-credential-limits'), fullPage: true });
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByText('https://ledger.example.com/v1')).toBeVisible();
  const saved = (await (await page.request.get('/api/v1/credentials')).json()) as {
    items: Array<{ name: string; allowedTargets: string[]; useRoles: string[] }>;
  };
  expect(saved.items.find((item) => item.name === 'Ledger API')).toMatchObject({
    allowedTargets: ['https://ledger.example.com/v1'],
    useRoles: ['operator'],
  });
});
