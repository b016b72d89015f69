import { node } from './canvas.ts';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * The templates gallery in the browser: from the workflows list to the gallery, a category, a
 * template's detail with its drawn graph, and "Use template" landing in the editor on a new
 * workflow holding the template's steps, its credential field empty for the user to pick.
 */

test('a template becomes a new workflow, opened in the editor with its credential left to pick', async ({ page }) => {
  const name = `Orders from a template ${Date.now()}`;
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/workflows');
  await page.getByRole('button', { name: 'New from template' }).click();
  await expect(page).toHaveURL(/\/templates$/);
  await expect(page.getByRole('heading', { name: 'Templates' })).toBeVisible();

  // Every card draws its graph; the gallery waits for the node types to colour them.
  const card = page.getByTestId('template-sync-new-orders');
  await expect(card.getByTestId('preview-node-Upsert in CRM')).toBeVisible();
  await expect(card.locator('[data-testid="preview-node-New orders"] text').first()).toHaveText('New orders');
  await expect(page.getByRole('list', { name: 'Templates' }).getByRole('listitem').first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('templates-gallery'), fullPage: true });

  // A category narrows the gallery (and is kept in the address).
  await page.getByRole('button', { name: /^Sales & CRM/ }).click();
  await expect(page).toHaveURL(/category=Sales/);
  await expect(page.getByTestId('template-webhook-to-slack')).toHaveCount(0);
  await expect(card).toBeVisible();
  // A search that matches nothing says so, and offers the way back.
  await page.getByRole('searchbox', { name: 'Search templates' }).fill('zebra crossing');
  await expect(page.getByText('No templates match')).toBeVisible();
  await page.getByRole('button', { name: 'Show all templates' }).click();
  await expect(page.getByTestId('template-webhook-to-slack')).toBeVisible();

  await card.getByRole('button', { name: 'Use template' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sync new orders to your CRM' });
  await expect(dialog.getByTestId('graph-preview')).toBeVisible();
  await expect(dialog.getByText('Your CRM’s API key')).toBeVisible();
  await expect(page).toHaveURL(/template=sync-new-orders/);
  await page.screenshot({ path: screenshotPath('templates-detail') });

  const nameField = dialog.getByLabel('Name of the new workflow');
  await expect(nameField).toHaveValue('Sync new orders to your CRM');
  await nameField.fill(name);
  await dialog.getByRole('button', { name: 'Use template' }).click();

  // The editor, on the new workflow: the template's steps on the canvas, its draft ready to run.
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  await expect(page.getByLabel('Workflow name')).toHaveValue(name);
  for (const step of ['New orders', 'Upsert in CRM', 'Summary']) await expect(node(page, step)).toBeVisible();
  await expect(page.getByTestId('loop-Each order')).toBeVisible();

  await node(page, 'Upsert in CRM').click();
  const picker = page.locator('[data-field="config.credentialId"]').getByRole('combobox', { name: 'Credential' });
  await expect(picker).toHaveValue('');
  await expect(picker.locator('option:checked')).toHaveText('None');
  await page.screenshot({ path: screenshotPath('templates-in-editor') });

  // The server holds the same: the template's graph as the draft, no credential anywhere in it.
  const workflows = await (await page.request.get(`/api/v1/workflows?q=${encodeURIComponent(name)}`)).json();
  const id = workflows.items[0].id as string;
  const draft = await (await page.request.get(`/api/v1/workflows/${id}/draft`)).json();
  expect(draft.valid).toBe(true);
  expect(draft.graph.nodes.map((each: { name: string }) => each.name)).toEqual([
    'New orders',
    'Each order',
    'Upsert in CRM',
    'Summary',
  ]);
  expect(JSON.stringify(draft.graph)).not.toContain('credentialId');
});
