import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * Editor details, through the browser only: autocompletion from a stored test run after a
 * reload, palette search, problem marks, minimap and zoom to fit, and a webhook trigger's address.
 * Workflows are created over the API with the graph each test needs.
 */

interface DraftNode {
  id: string;
  type: string;
  name: string;
  config: Record<string, unknown>;
}

/** A workflow whose nodes run left to right in the order given, each connected from the one before. */
async function createChain(request: APIRequestContext, name: string, nodes: DraftNode[]): Promise<string> {
  const graph = {
    nodes: nodes.map((node, index) => ({ ...node, position: { x: index * 320, y: 0 } })),
    edges: nodes.slice(1).map((node, index) => ({
      id: `e${index}`,
      source: nodes[index]?.id,
      sourcePort: 'main',
      target: node.id,
    })),
  };
  const created = await request.post('/api/v1/workflows', { data: { name, graph } });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);
const settings = (page: Page) => page.getByRole('complementary', { name: 'Node settings' });

async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  await field.pressSequentially(text);
}

const viewportTransform = (page: Page) =>
  page.locator('.react-flow__viewport').evaluate((element) => (element as HTMLElement).style.transform);

test('after a test run and a reload, expression fields complete paths from that run’s real data', async ({ page }) => {
  const id = await createChain(page.request, 'Completions after reload', [
    { id: 'start', type: 'trigger.manual', name: 'Start', config: { fields: [] } },
    {
      id: 'lookup',
      type: 'transform.set',
      name: 'Lookup',
      config: { fields: [{ path: 'customer.email', value: '{{ input.email.toLowerCase() }}' }], keepInput: false },
    },
    { id: 'compose', type: 'transform.set', name: 'Compose', config: { fields: [{ path: 'note', value: 'hi' }] } },
  ]);

  await page.goto(`/workflows/${id}`);
  await page.getByRole('button', { name: 'Test run' }).click();
  const runDialog = page.getByRole('dialog', { name: 'Test run' });
  await typeInto(runDialog.getByRole('textbox', { name: 'Payload (JSON)' }), '{"email": "Ada@Example.com"}');
  await runDialog.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('run-bar')).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 });

  // A new visit: nothing of the run is in memory any more, it comes from the stored executions.
  // Its answer is held back until the list is open, as when one types before it has arrived.
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const detailUrl = /\/api\/v1\/executions\/[0-9a-f-]{36}$/;
  await page.route(detailUrl, async (route) => {
    await held;
    await route.continue();
  });
  await page.reload();
  await expect(node(page, 'Compose')).toBeVisible();
  await expect(page.getByTestId('run-bar')).toBeHidden();

  await node(page, 'Compose').click();
  const value = settings(page).getByRole('textbox', { name: 'Value' });
  await typeInto(value, '{{ steps.Lookup.output');
  const list = page.locator('.cm-tooltip-autocomplete');
  const labels = list.locator('.cm-completionLabel');
  await expect(labels).toHaveText(['steps.Lookup.output']);
  const storedRun = page.waitForResponse(detailUrl);
  release();
  await storedRun;
  await expect(labels.filter({ hasText: 'steps.Lookup.output.customer.email' })).toBeVisible();
  await value.pressSequentially('.cu');
  // The path and its value come from what the step put out in that run, lower-cased by it.
  const option = list.getByRole('option').filter({
    has: page.locator('.cm-completionLabel', { hasText: /^steps\.Lookup\.output\.customer\.email$/ }),
  });
  await expect(option).toBeVisible();
  await expect(option.locator('.cm-completionDetail')).toHaveText('"ada@example.com"');
  await page.screenshot({ path: screenshotPath('editor-completions') });

  await option.click();
  await expect(list).toBeHidden();
  await value.pressSequentially(' }}');
  await expect(value).toHaveText('{{ steps.Lookup.output.customer.email }}');
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });
  const draft = await page.request.get(`/api/v1/workflows/${id}/draft`);
  const saved = (await draft.json()) as { graph: { nodes: Array<{ id: string; config: { fields: unknown } }> } };
  expect(saved.graph.nodes.find((candidate) => candidate.id === 'compose')?.config.fields).toEqual([
    { path: 'note', value: '{{ steps.Lookup.output.customer.email }}' },
  ]);
});

test('palette search filters node types; groups are labelled by kind', async ({ page }) => {
  const id = await createChain(page.request, 'Palette', [
    { id: 'start', type: 'trigger.manual', name: 'Start', config: { fields: [] } },
  ]);
  await page.goto(`/workflows/${id}`);
  const palette = page.getByRole('complementary', { name: 'Node palette' });
  for (const kind of ['Triggers', 'Conditions', 'Transforms', 'Actions', 'Flow'])
    await expect(palette.getByRole('region', { name: kind })).toBeVisible();
  await expect(palette.getByRole('region', { name: 'Triggers' }).getByTestId('palette-trigger.webhook')).toBeVisible();
  await expect(palette.getByRole('region', { name: 'Actions' }).getByTestId('palette-action.http')).toBeVisible();

  const search = palette.getByRole('searchbox', { name: 'Search nodes' });
  // "http" is in the HTTP request's title and in the descriptions of the webhook trigger and the
  // Wait step ("for an HTTP callback"): three kinds.
  await search.fill('http');
  await expect(palette.getByRole('region')).toHaveCount(3);
  await expect(palette.getByRole('button')).toHaveCount(3);
  await expect(palette.getByRole('region', { name: 'Actions' }).getByTestId('palette-action.http')).toBeVisible();
  await expect(palette.getByRole('region', { name: 'Triggers' }).getByTestId('palette-trigger.webhook')).toBeVisible();
  await expect(palette.getByRole('region', { name: 'Flow' }).getByTestId('palette-flow.wait')).toBeVisible();
  await expect(palette.getByTestId('palette-transform.set')).toBeHidden();

  // Several words must all match, in any field (title, description, type, kind).
  await search.fill('trigger web');
  await expect(palette.getByRole('button')).toHaveCount(1);
  await expect(palette.getByTestId('palette-trigger.webhook')).toBeVisible();

  await search.fill('no such node');
  await expect(palette.getByText('No node matches “no such node”.')).toBeVisible();
  await search.fill('');
  await expect(palette.getByRole('region')).toHaveCount(5);
});

test('a config problem is marked on the node it concerns and under its field', async ({ page }) => {
  const id = await createChain(page.request, 'Broken URL', [
    { id: 'start', type: 'trigger.manual', name: 'Start', config: { fields: [] } },
    { id: 'call', type: 'action.http', name: 'Call CRM', config: { method: 'GET', url: 'not a url' } },
  ]);
  await page.goto(`/workflows/${id}`);
  await expect(node(page, 'Call CRM')).toHaveAttribute('data-problems', '1');
  await expect(node(page, 'Call CRM').getByLabel('1 problem(s)')).toBeVisible();
  await expect(node(page, 'Start')).not.toHaveAttribute('data-problems');

  await node(page, 'Call CRM').click();
  const field = settings(page).locator('[data-field="config.url"]');
  await expect(field.getByRole('alert')).toHaveText('URL must start with http:// or https://');
  await expect(node(page, 'Call CRM').getByTitle(/URL must start with http:\/\/ or https:\/\//)).toBeVisible();
  await page.screenshot({ path: screenshotPath('editor-problem-marks') });

  // Fixing the field clears both marks (at once, and the server's answer agrees).
  await typeInto(field.getByRole('textbox', { name: 'URL' }), 'https://crm.example.com/customers');
  await expect(node(page, 'Call CRM')).not.toHaveAttribute('data-problems', { timeout: 15_000 });
  await expect(field.getByRole('alert')).toHaveCount(0);
});

test('the minimap shows, and zoom to fit brings a panned canvas back around the workflow', async ({ page }) => {
  const id = await createChain(page.request, 'Fit', [
    { id: 'start', type: 'trigger.manual', name: 'Start', config: { fields: [] } },
    { id: 'a', type: 'transform.set', name: 'First', config: { fields: [] } },
    { id: 'b', type: 'transform.set', name: 'Second', config: { fields: [] } },
  ]);
  await page.goto(`/workflows/${id}`);
  await expect(node(page, 'Second')).toBeVisible();
  await expect(page.locator('.react-flow__minimap')).toBeVisible();
  await expect(page.locator('.react-flow__minimap-node')).toHaveCount(3);

  const canvas = page.getByTestId('editor-canvas');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('canvas not laid out');
  /** Is the node wholly inside the canvas area (not off its edge, under the palette or panel)? */
  const inView = async (name: string) => {
    // Nodes out of view are not drawn at all (onlyRenderVisibleElements).
    if ((await node(page, name).count()) === 0) return false;
    const at = await node(page, name).boundingBox();
    return (
      at !== null &&
      at.x >= box.x &&
      at.y >= box.y &&
      at.x + at.width <= box.x + box.width &&
      at.y + at.height <= box.y + box.height
    );
  };
  for (const name of ['Start', 'First', 'Second']) expect(await inView(name), name).toBe(true);

  const before = await viewportTransform(page);
  // Drag the empty pane far to the right and down: part of the workflow leaves the view.
  await page.mouse.move(box.x + 60, box.y + box.height - 120);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 60, box.y + box.height - 40, { steps: 8 });
  await page.mouse.up();
  const panned = await viewportTransform(page);
  expect(panned).not.toBe(before);
  expect(await inView('Second')).toBe(false);

  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await expect.poll(() => viewportTransform(page)).not.toBe(panned);
  // The fit animates for 300 ms; once settled every node is back in view.
  await expect
    .poll(async () => (await Promise.all(['Start', 'First', 'Second'].map(inView))).every(Boolean))
    .toBe(true);
});

test('a webhook trigger’s panel shows the URL it answers at, when it answers, and that requests are signed', async ({
  page,
}) => {
  const id = await createChain(page.request, 'Orders hook', [
    { id: 'hook', type: 'trigger.webhook', name: 'Order arrives', config: { path: 'orders/new', method: 'PUT' } },
    { id: 'set', type: 'transform.set', name: 'Tag', config: { fields: [] } },
  ]);
  await page.goto(`/workflows/${id}`);
  await node(page, 'Order arrives').click();
  const address = settings(page).getByRole('region', { name: 'Webhook address' });
  const origin = new URL(page.url()).origin;
  await expect(address.locator('code')).toHaveText(`${origin}/hooks/${id}/orders/new`);
  await expect(address.getByTestId('webhook-method')).toHaveText('PUT');
  await expect(address).toContainText(
    'It answers once a version with this trigger is published and the workflow is active.',
  );
  await expect(address).not.toContainText('signed');

  // The URL follows the config as it is edited.
  await typeInto(settings(page).getByRole('textbox', { name: 'Path' }), 'orders/updated');
  await expect(address.locator('code')).toHaveText(`${origin}/hooks/${id}/orders/updated`);

  // With a secret, requests must be signed; the versions page says how.
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });
  const current = (await (await page.request.get(`/api/v1/workflows/${id}/draft`)).json()) as {
    graph: { nodes: DraftNode[] };
    revision: number;
  };
  const signedGraph = {
    ...current.graph,
    nodes: current.graph.nodes.map((candidate) =>
      candidate.id === 'hook'
        ? { ...candidate, config: { ...candidate.config, secretCredentialId: 'hook-secret' } }
        : candidate,
    ),
  };
  const put = await page.request.put(`/api/v1/workflows/${id}/draft`, {
    data: { graph: signedGraph, revision: current.revision },
  });
  expect(put.ok()).toBe(true);
  await page.reload();
  await node(page, 'Order arrives').click();
  await expect(address).toContainText('Requests must be signed with the trigger’s secret');
  await page.screenshot({ path: screenshotPath('editor-webhook-address') });
  await address.getByRole('link', { name: 'Versions page' }).click();
  await expect(page).toHaveURL(new RegExp(`/workflows/${id}/versions$`));
});

test('an HTTP node’s credential is picked by name among the credentials of the types it takes', async ({ page }) => {
  // Made as the owner over the API; other tests on this server may have made credentials of their own.
  const createCredential = async (data: { name: string; type: string; secret: Record<string, string> }) => {
    const created = await page.request.post('/api/v1/credentials', { data });
    expect(created.status()).toBe(201);
    return ((await created.json()) as { id: string }).id;
  };
  const bearer = await createCredential({ name: 'Billing API', type: 'bearer', secret: { token: 'tok_billing_e2e' } });
  await createCredential({
    name: 'Orders signing',
    type: 'hmac',
    secret: { secret: 'a shared secret, 32 characters' },
  });
  const id = await createChain(page.request, 'Credential picker', [
    { id: 'start', type: 'trigger.manual', name: 'Start', config: { fields: [] } },
    {
      id: 'charge',
      type: 'action.http',
      name: 'Charge',
      config: { method: 'POST', url: 'https://billing.example/v1' },
    },
  ]);

  await page.goto(`/workflows/${id}`);
  await node(page, 'Charge').click();
  const field = settings(page).locator('[data-field="config.credentialId"]');
  const picker = field.getByRole('combobox', { name: 'Credential' });
  await expect(picker.getByRole('option', { name: 'Billing API (bearer)' })).toBeAttached();
  await expect(picker).toHaveValue('');
  await expect(picker.locator('option:checked')).toHaveText('None');
  // An hmac credential signs webhooks; an HTTP request cannot authenticate with it.
  await expect(picker.getByRole('option', { name: /Orders signing/ })).toHaveCount(0);

  const saving = page.waitForResponse(
    (response) => response.request().method() === 'PUT' && response.url().endsWith(`/workflows/${id}/draft`),
  );
  await picker.selectOption({ label: 'Billing API (bearer)' });
  expect((await saving).ok()).toBe(true);
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });
  const draft = (await (await page.request.get(`/api/v1/workflows/${id}/draft`)).json()) as {
    graph: { nodes: DraftNode[] };
  };
  expect(draft.graph.nodes.find((candidate) => candidate.id === 'charge')?.config.credentialId).toBe(bearer);

  await picker.click(); // open, as someone choosing; Chromium draws a native list outside the page
  await field.screenshot({ path: screenshotPath('editor-credential-picker') });
  await picker.press('Escape');
});
