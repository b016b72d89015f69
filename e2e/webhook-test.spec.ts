import type { Locator, Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * "Listen for a test request" on a webhook trigger, as a new user goes: the panel opens a test URL
 * and counts down, a request sent to it appears, "Use as test data" makes it the Test run payload
 * and what `trigger` completes to, and the test run starts with it. A second request is refused.
 */

const SHOTS = '/tmp/shots-hooktest';
const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);
const settings = (page: Page) => page.getByRole('complementary', { name: 'Node settings' });

async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  await field.pressSequentially(text);
}

/**   Order arrives (webhook: POST orders/new) ──▶ Tag (set) */
async function hookedWorkflow(page: Page): Promise<string> {
  const graph = {
    nodes: [
      {
        id: 'hook',
        type: 'trigger.webhook',
        name: 'Order arrives',
        position: { x: 0, y: 0 },
        config: { path: 'orders/new' },
      },
      {
        id: 'tag',
        type: 'transform.set',
        name: 'Tag',
        position: { x: 320, y: 0 },
        config: { fields: [{ path: 'orderId', value: '{{ trigger.body.id }}' }], keepInput: false },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', sourcePort: 'main', target: 'tag' }],
  };
  const created = await page.request.post('/api/v1/workflows', { data: { name: 'Order intake', graph } });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

test('a webhook trigger listens for a test request and makes it the test data', async ({ page }) => {
  const id = await hookedWorkflow(page);
  await page.goto(`/workflows/${id}`);
  await node(page, 'Order arrives').click();
  const panel = settings(page).getByTestId('webhook-test');
  await panel.getByRole('button', { name: 'Listen for a test request' }).click();

  // Waiting, with the URL to copy and the time left.
  await expect(panel.getByRole('status')).toContainText(/Waiting for a POST request · [45]:\d\d left/);
  const url = (await panel.locator('code').textContent()) ?? '';
  expect(url).toMatch(/\/hooks\/test\/[A-Za-z0-9_-]{43}$/);
  await expect(panel.getByRole('button', { name: 'Copy test URL' })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/webhook-test-listening.png` });
  // Selecting another node and coming back keeps the URL on show.
  await node(page, 'Tag').click();
  await node(page, 'Order arrives').click();
  await expect(panel.locator('code')).toHaveText(url);

  // The sender calls it; the panel shows what arrived.
  const sent = await page.request.post(`${url}?source=shop`, {
    data: { id: 'A-17', customer: { email: 'ada@example.com' } },
    headers: { 'x-shop': 'north' },
  });
  expect(sent.status()).toBe(200);
  expect(await sent.json()).toMatchObject({ received: true });
  const captured = panel.getByTestId('captured-request');
  await expect(captured).toContainText('Test request captured', { timeout: 10_000 });
  await expect(captured).toContainText('ada@example.com');
  await expect(captured).toContainText('orders/new');
  // One request only.
  expect((await page.request.post(url, { data: { id: 'again' } })).status()).toBe(410);

  await captured.getByRole('button', { name: 'Use as test data' }).click();
  await expect(captured).toContainText('This is the draft’s test data');
  await page.screenshot({ path: `${SHOTS}/webhook-test-captured.png` });
  await page.screenshot({ path: screenshotPath('editor-webhook-test') });

  // Expressions complete `trigger` from it.
  await node(page, 'Tag').click();
  const value = settings(page).getByRole('textbox', { name: 'Value' });
  await typeInto(value, '{{ trigger.body.cu');
  const option = page
    .locator('.cm-tooltip-autocomplete')
    .getByRole('option')
    .filter({ has: page.locator('.cm-completionLabel', { hasText: /^trigger\.body\.customer$/ }) });
  await expect(option).toBeVisible();
  await value.press('Escape');
  await typeInto(value, '{{ trigger.body.id }}');
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });

  // The Test run dialog starts with it, and the run gets it as its trigger payload.
  await page.getByRole('button', { name: 'Test run' }).click();
  const runDialog = page.getByRole('dialog', { name: 'Test run' });
  await expect(runDialog.getByRole('textbox', { name: 'Payload (JSON)' })).toContainText('ada@example.com');
  await runDialog.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('run-bar')).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 });
  const runs = (await (await page.request.get(`/api/v1/executions?workflowId=${id}&trigger=test`)).json()) as {
    items: Array<{ id: string }>;
  };
  expect(runs.items).toHaveLength(1);
  const run = (await (await page.request.get(`/api/v1/executions/${runs.items[0]?.id}`)).json()) as {
    triggerPayload: { body: unknown; query: unknown; headers: Record<string, string> };
    steps: Array<{ nodeId: string; output: unknown }>;
  };
  expect(run.triggerPayload).toMatchObject({ body: { id: 'A-17' }, query: { source: 'shop' } });
  expect(run.triggerPayload.headers['x-shop']).toBe('north');
  expect(run.steps.find((step) => step.nodeId === 'tag')?.output).toEqual({ orderId: 'A-17' });
});

test('listening on a draft without a webhook trigger is refused, saying why', async ({ page }) => {
  const created = await page.request.post('/api/v1/workflows', { data: { name: 'Manual only' } });
  const { id } = (await created.json()) as { id: string };
  const refused = await page.request.post(`/api/v1/workflows/${id}/webhook-test`);
  expect(refused.status()).toBe(422);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('no webhook trigger');
});

test('a signed trigger’s test URL refuses an unsigned request and the panel says why', async ({ page }) => {
  const secret = 'a shared secret of 32 characters';
  const credential = await page.request.post('/api/v1/credentials', {
    data: { name: 'Shop signing', type: 'hmac', secret: { secret } },
  });
  expect(credential.status()).toBe(201);
  const { id: credentialId } = (await credential.json()) as { id: string };
  const graph = {
    nodes: [
      {
        id: 'hook',
        type: 'trigger.webhook',
        name: 'Signed order',
        position: { x: 0, y: 0 },
        config: { path: 'orders/signed', secretCredentialId: credentialId },
      },
    ],
    edges: [],
  };
  const created = await page.request.post('/api/v1/workflows', { data: { name: 'Signed intake', graph } });
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/workflows/${id}`);
  await node(page, 'Signed order').click();
  const panel = settings(page).getByTestId('webhook-test');
  await panel.getByRole('button', { name: 'Listen for a test request' }).click();
  await expect(panel).toContainText('It must be signed with the trigger’s secret');
  const url = (await panel.locator('code').textContent()) ?? '';

  const unsigned = await page.request.post(url, { data: { id: 'X-1' } });
  expect(unsigned.status()).toBe(401);
  await expect(panel.getByRole('alert')).toContainText('A request was refused (401)', { timeout: 10_000 });
  await expect(panel.getByRole('status')).toContainText('Waiting for a POST request');
  await page.screenshot({ path: `${SHOTS}/webhook-test-refused.png` });
});
