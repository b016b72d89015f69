import type { Browser, Locator, Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * Workspace variables, through the browser: an admin adds one on the Variables page (a taken name
 * is refused next to the field), an analyst sees it read-only, is offered `vars.NAME` while
 * typing an expression, and a test run of their workflow's Set node puts out its value, which
 * the execution page lists among the variables the run read.
 */

const suffix = Math.random().toString(36).slice(2, 8).toUpperCase();
const NAME = `E2E_REGION_${suffix}`;
const VALUE = 'eu-central';
const ANALYST = { email: `vars-analyst-${suffix.toLowerCase()}@example.com`, password: 'analyst password 123' };

const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);
const settings = (page: Page) => page.getByRole('complementary', { name: 'Node settings' });

async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  await field.pressSequentially(text);
}

async function signedInAnalyst(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const login = await context.request.post('/api/v1/auth/login', { data: ANALYST });
  expect(login.status()).toBe(200);
  return context.newPage();
}

test('an admin adds a variable; an analyst’s workflow reads it as {{ vars.NAME }} in a test run', async ({
  page,
  browser,
  server,
}) => {
  const analystMade = await page.request.post('/api/v1/users', {
    data: { name: 'Vera Analyst', email: ANALYST.email, role: 'analyst', password: ANALYST.password },
  });
  expect(analystMade.status()).toBe(201);

  // The admin's page, linked beside Credentials.
  await page.goto('/workflows');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Variables' }).click();
  await expect(page.getByRole('heading', { name: 'Variables', exact: true })).toBeVisible();
  if (await page.getByText('No variables yet').isVisible()) {
    await page.screenshot({ path: screenshotPath('variables-empty'), fullPage: true });
  }

  await page.getByRole('button', { name: 'New variable' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New variable' });
  await dialog.getByLabel('Name').fill(NAME);
  await dialog.getByLabel('Value').fill(VALUE);
  await dialog.getByLabel('Description').fill('Where orders are processed');
  await expect(dialog).toContainText(`{{ vars.${NAME} }}`);
  await page.screenshot({ path: screenshotPath('variables-new') });
  await dialog.getByRole('button', { name: 'Add variable' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row').filter({ hasText: NAME });
  await expect(row).toContainText(VALUE);
  await expect(row).toContainText('Where orders are processed');

  // The same name again is refused, and the dialog says so next to the name.
  await page.getByRole('button', { name: 'New variable' }).click();
  await dialog.getByLabel('Name').fill(NAME);
  await dialog.getByLabel('Value').fill('other');
  await dialog.getByRole('button', { name: 'Add variable' }).click();
  await expect(dialog).toContainText(`a variable named ${NAME} exists already`);
  await page.screenshot({ path: screenshotPath('variables-taken') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.screenshot({ path: screenshotPath('variables-list'), fullPage: true });

  // The analyst reads the list, without the admin's buttons.
  const analyst = await signedInAnalyst(browser, server.url);
  await analyst.goto('/workflows');
  await analyst.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Variables' }).click();
  await expect(analyst.getByRole('row').filter({ hasText: NAME })).toContainText(VALUE);
  await expect(analyst.getByRole('button', { name: 'New variable' })).toHaveCount(0);
  await expect(analyst.getByRole('button', { name: `Edit ${NAME}` })).toHaveCount(0);
  await expect(analyst.getByText('Only admins can change them.')).toBeVisible();
  await analyst.screenshot({ path: screenshotPath('variables-analyst'), fullPage: true });

  // Their workflow: Start ──▶ Tag (set region from vars).
  const graph = {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'tag',
        type: 'transform.set',
        name: 'Tag',
        position: { x: 320, y: 0 },
        config: { fields: [{ path: 'region', value: 'none yet' }], keepInput: false },
      },
    ],
    edges: [{ id: 'e1', source: 'start', sourcePort: 'main', target: 'tag' }],
  };
  const created = await analyst.request.post('/api/v1/workflows', {
    data: { name: `Variables journey ${suffix}`, graph },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await analyst.goto(`/workflows/${id}`);
  await node(analyst, 'Tag').click();
  const value = settings(analyst).getByRole('textbox', { name: 'Value' });
  await typeInto(value, '{{ vars.E2E_REG');
  // Autocomplete offers the variable with its value.
  const option = analyst
    .locator('.cm-tooltip-autocomplete')
    .getByRole('option')
    .filter({ hasText: `vars.${NAME}` });
  await expect(option).toBeVisible();
  await expect(option.locator('.cm-completionDetail')).toHaveText(`"${VALUE}"`);
  await analyst.screenshot({ path: screenshotPath('variables-completion') });
  await option.click();
  await value.pressSequentially(' }}');
  await expect(value).toHaveText(`{{ vars.${NAME} }}`);
  await expect(analyst.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });

  await analyst.getByRole('button', { name: 'Test run' }).click();
  await analyst.getByRole('dialog', { name: 'Test run' }).getByRole('button', { name: 'Run' }).click();
  await expect(analyst.getByTestId('run-bar')).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 });
  await node(analyst, 'Tag').click();
  const output = analyst.getByRole('region', { name: 'Step inspector' }).getByTestId('inspector-output');
  await expect(output).toContainText('region');
  await expect(output).toContainText(`"${VALUE}"`);
  await analyst.screenshot({ path: screenshotPath('variables-test-run') });

  // The run's page lists the variables it read.
  await analyst.getByRole('link', { name: 'View execution' }).click();
  const read = analyst.getByTestId('run-variables');
  await expect(read).toContainText(NAME);
  await expect(read).toContainText(VALUE);
  await read.scrollIntoViewIfNeeded();
  await analyst.screenshot({ path: screenshotPath('variables-execution'), fullPage: true });
  await analyst.context().close();
});
