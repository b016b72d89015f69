import type { APIRequestContext, Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * The format nodes in the editor, through the browser only: found in the palette, their settings
 * forms showing the fields of the operation picked, the Crypto node offering signing keys (never a
 * webhook's secret), and a test run of CSV → Date & time → Crypto that succeeds.
 */

async function createCredential(request: APIRequestContext, name: string, type: string, secret: string) {
  const created = await request.post('/api/v1/credentials', { data: { name, type, secret: { secret } } });
  expect(created.status(), await created.text()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

const settings = (page: Page) => page.getByRole('complementary', { name: 'Node settings' });
const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);

test('CSV, Date & time and Crypto nodes: palette, settings by operation, signing keys only, a test run', async ({
  page,
}) => {
  const keyId = await createCredential(page.request, 'Formats partner key', 'signing-key', 'partner-key-0123456789');
  await createCredential(page.request, 'Formats webhook secret', 'hmac', 'webhook-secret-0123456789');
  const chain = [
    { id: 'start', type: 'trigger.manual', name: 'Start', config: { fields: [] } },
    { id: 'rows', type: 'transform.csvParse', name: 'Rows', config: { text: '{{ input.csv }}' } },
    {
      id: 'due',
      type: 'transform.dateTime',
      name: 'Due',
      config: {
        operation: 'add',
        value: '{{ input[0].ordered }}',
        zone: 'Europe/Berlin',
        amount: '1',
        unit: 'days',
      },
    },
    {
      id: 'sign',
      type: 'transform.crypto',
      name: 'Sign',
      config: { operation: 'hmac', value: '{{ steps.Rows.output }}', credentialId: keyId },
    },
  ];
  const graph = {
    // Two rows of two, so every node is in view beside the settings panel.
    nodes: chain.map((entry, index) => ({
      ...entry,
      position: { x: (index % 2) * 300, y: Math.floor(index / 2) * 160 },
    })),
    edges: chain.slice(1).map((entry, index) => ({
      id: `e${index}`,
      source: chain[index]?.id,
      sourcePort: 'main',
      target: entry.id,
    })),
  };
  const created = await page.request.post('/api/v1/workflows', { data: { name: 'Formats partner feed', graph } });
  expect(created.status()).toBe(201);
  const id = ((await created.json()) as { id: string }).id;

  await page.goto(`/workflows/${id}`);
  const palette = page.getByRole('complementary', { name: 'Node palette' });
  await palette.getByRole('searchbox', { name: 'Search nodes' }).fill('csv');
  await expect(palette.getByTestId('palette-transform.csvParse')).toBeVisible();
  await expect(palette.getByTestId('palette-transform.csvBuild')).toBeVisible();
  await expect(palette.getByRole('button')).toHaveCount(2);
  await palette.screenshot({ path: screenshotPath('format-nodes-palette') });
  await palette.getByRole('searchbox', { name: 'Search nodes' }).fill('');
  await expect(palette.getByTestId('palette-transform.xmlToJson')).toBeVisible();
  await expect(palette.getByTestId('palette-transform.dateTime')).toBeVisible();
  await expect(palette.getByTestId('palette-transform.crypto')).toBeVisible();

  await node(page, 'Rows').click();
  await expect(settings(page).getByLabel('First row is headers')).toBeChecked();
  await expect(settings(page).getByLabel('Delimiter')).toHaveValue(',');
  await settings(page).screenshot({ path: screenshotPath('format-nodes-csv-settings') });

  // Add shows its amount and unit; a difference shows the second date and units instead.
  await node(page, 'Due').click();
  const panel = settings(page);
  await expect(panel.getByLabel('Unit', { exact: true })).toHaveValue('days');
  await expect(panel.getByText('Second date', { exact: true })).toBeHidden();
  await panel.screenshot({ path: screenshotPath('format-nodes-date-add') });
  await panel.getByLabel('Operation').selectOption('difference');
  await expect(panel.getByText('Second date', { exact: true })).toBeVisible();
  await expect(panel.getByLabel('Unit', { exact: true })).toBeHidden();
  await expect(panel.getByText('a difference needs the second date')).toBeVisible();
  await panel.screenshot({ path: screenshotPath('format-nodes-date-difference') });
  await panel.getByLabel('Operation').selectOption('add');
  await expect(panel.getByText('a difference needs the second date')).toBeHidden();

  // The key picker lists signing keys, never the webhook's secret.
  await node(page, 'Sign').click();
  const picker = settings(page).getByLabel('Credential', { exact: true });
  await expect(picker).toBeVisible();
  await expect(picker.locator('option', { hasText: 'Formats partner key' })).toHaveCount(1);
  await expect(picker.locator('option', { hasText: 'Formats webhook secret' })).toHaveCount(0);
  await settings(page).screenshot({ path: screenshotPath('format-nodes-crypto-settings') });
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });

  await page.getByRole('button', { name: 'Test run' }).click();
  const runDialog = page.getByRole('dialog', { name: 'Test run' });
  const payload = runDialog.getByRole('textbox', { name: 'Payload (JSON)' });
  await payload.click();
  await payload.press('ControlOrMeta+a');
  await payload.press('Backspace');
  await payload.pressSequentially('{"csv": "id,ordered\\n7,2026-03-28T12:00"}');
  await runDialog.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('run-bar')).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 });
  await page.screenshot({ path: screenshotPath('format-nodes-test-run') });
});
