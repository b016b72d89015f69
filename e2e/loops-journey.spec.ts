import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { closeBody, dragFromPalette, drawEdge, dropIntoFrame, frame, handle, node, typeInto } from './canvas.ts';
import { expect, screenshotPath, test } from './fixtures.ts';
import { publishFirstVersion, saveFirstVersion } from './versions.ts';

/**
 * A loop's whole journey, as a person goes and against the real engine: build a webhook → loop →
 * Set workflow on the canvas (an HTTP call per item inside the loop's frame), publish and activate
 * it, send it five orders from outside, see the one the stock service refuses fail the run, find
 * that item with the iteration picker, fix the service, retry from the failed step, and see that
 * only that item ran again (the stock service saw one more call, with the same Idempotency-Key)
 * while the others were reused. The stock service is a real HTTP server on 127.0.0.1.
 *
 *   Orders arrive (webhook) ──▶ ┌ Check each order (loop over body.orders) ┐ ──done──▶ Sum up (set)
 *                               │  each item ──▶ Check stock (HTTP) ──▶ result │
 *                               └──────────────────────────────────────────────┘
 */

// Not 'Stock check': e2e specs share one server, and pages.spec finds its own runs by that name.
const WORKFLOW = 'Loops journey: inventory per order';
const ORDERS = ['A-101', 'A-102', 'A-103', 'A-104', 'A-105'];
/** The stock service refuses this order (422: a 4xx fails the HTTP step at once, no retries)… until fixed. */
const REFUSED = 'A-105';

interface StockCall {
  readonly order: string;
  readonly idempotencyKey: string;
}

let stock: Server;
let origin = '';
const calls: StockCall[] = [];
let refusing = true;

test.beforeAll(async () => {
  stock = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const order = decodeURIComponent(request.url?.match(/^\/stock\/([^/?]+)/)?.[1] ?? '');
      calls.push({ order, idempotencyKey: String(request.headers['idempotency-key'] ?? '') });
      const refused = refusing && order === REFUSED;
      response.writeHead(refused ? 422 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(refused ? { error: 'out of stock' } : { order, inStock: true }));
    });
  });
  await new Promise<void>((resolve) => stock.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(stock.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise<void>((resolve) => stock.close(() => resolve()));
});

const settings = (page: Page) => page.getByRole('complementary', { name: 'Node settings' });
const saved = (page: Page) => expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });

/** Whether the named nodes are all wholly inside the canvas. */
async function inView(page: Page, names: readonly string[]): Promise<boolean> {
  const canvas = await page.getByTestId('editor-canvas').boundingBox();
  if (!canvas) return false;
  for (const name of names) {
    const box = await node(page, name).boundingBox();
    if (!box || box.x < canvas.x || box.x + box.width > canvas.x + canvas.width) return false;
  }
  return true;
}

test('a loop of HTTP calls over a webhook’s orders: one item fails, the retry runs only that item again', async ({
  page,
  server,
}) => {
  test.setTimeout(120_000);
  const created = await page.request.post('/api/v1/workflows', {
    data: { name: WORKFLOW, graph: { nodes: [], edges: [] } },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  // Build on the canvas: webhook, a loop with an HTTP call in its frame, a Set node after it.
  await page.goto(`/workflows/${id}`);
  await page.getByRole('button', { name: 'Hide the node settings' }).click();
  await dragFromPalette(page, 'trigger.webhook', 120, 200);
  await dragFromPalette(page, 'flow.loop', 360, 140);
  const loop = frame(page, 'Loop over items');
  await expect(loop).toBeVisible();
  await dropIntoFrame(page, 'action.http', loop, 250, 150);
  const http = node(page, 'HTTP request');
  await expect(http).toBeVisible();
  const box = await loop.boundingBox();
  const canvas = await page.getByTestId('editor-canvas').boundingBox();
  if (!box || !canvas) throw new Error('frame not visible');
  await dragFromPalette(page, 'transform.set', box.x - canvas.x + box.width + 150, box.y - canvas.y + 40);
  const set = node(page, 'Set fields');
  await expect(set).toBeVisible();

  await drawEdge(page, handle(node(page, 'Webhook'), 'source'), handle(loop, 'target', 'in'));
  await closeBody(page, loop, http, http);
  await drawEdge(page, handle(loop, 'source', 'done'), handle(set, 'target'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);

  // Configure through the settings forms.
  await page.getByRole('button', { name: 'Show the node settings' }).click();
  const panel = settings(page);
  await node(page, 'Webhook').click();
  await panel.getByRole('textbox', { name: 'Name', exact: true }).fill('Orders arrive');
  await panel.getByRole('textbox', { name: 'Path' }).fill('loops-journey/orders');

  await loop.locator('.loop-frame-header').click();
  await panel.getByRole('textbox', { name: 'Name', exact: true }).fill('Check each order');
  await typeInto(panel.getByRole('textbox', { name: 'Items' }), '{{ input.body.orders }}');

  await http.click();
  await panel.getByRole('textbox', { name: 'Name', exact: true }).fill('Check stock');
  await typeInto(panel.getByRole('textbox', { name: 'URL' }), `${origin}/stock/{{ item.id }}`);

  // The settings panel covers the canvas's right side: fit the workflow into what is left.
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await set.click();
  await panel.getByRole('textbox', { name: 'Name', exact: true }).fill('Sum up');
  await panel.getByRole('button', { name: 'Add field' }).click();
  await panel.getByLabel('Path').fill('checked');
  await typeInto(panel.getByRole('textbox', { name: 'Value' }), '{{ input.length }}');

  await saved(page);
  await expect(page.getByTestId('problems-none')).toBeVisible();
  const built = frame(page, 'Check each order');
  await expect(built).toContainText('Each ofinput.body.orders· one at a time');
  await page.getByRole('button', { name: 'Hide the node settings' }).click();
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  // The fit animates: once settled, the whole workflow is in view.
  await expect.poll(() => inView(page, ['Orders arrive', 'Sum up'])).toBe(true);
  await page.screenshot({ path: screenshotPath('loop-journey-editor') });

  await saveFirstVersion(page, 'Checks the stock of each order');

  // Publish and activate on the versions page.
  await publishFirstVersion(page);
  await page.getByRole('button', { name: 'Activate' }).click();
  await expect(page.getByRole('button', { name: 'Deactivate' })).toBeVisible();

  // The shop sends its orders to the webhook, from outside the browser.
  const sent = await fetch(`${server.url}/hooks/${id}/loops-journey/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orders: ORDERS.map((order) => ({ id: order, quantity: 2 })) }),
  });
  expect(sent.status).toBe(202);
  const { executionId: first } = (await sent.json()) as { executionId: string };

  // The run fails on the refused order; its page opens on that item.
  await page.goto(`/executions/${first}`);
  const runLoop = frame(page, 'Check each order');
  await expect(runLoop).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(runLoop.getByTestId('iteration-counts')).toHaveText(/^5 items\s*4 succeeded\s*1 failed$/);
  const picker = page.getByTestId('iteration-picker-loop_over_items');
  await expect(picker.getByRole('textbox', { name: 'Item of Check each order' })).toHaveValue('5');
  await expect(picker).toContainText('of 5');
  await expect(picker.getByLabel('Item 5: Failed')).toBeVisible();
  // A first run reuses nothing: the picker says nothing of where the item came from.
  await expect(picker.getByTestId('item-origin')).toHaveCount(0);
  await expect(node(page, 'Check stock')).toHaveAttribute('data-status', 'failed');
  await expect(node(page, 'Sum up')).not.toHaveAttribute('data-status');
  await expect(page.getByRole('alert').filter({ hasText: 'The run failed' })).toContainText('item 5');
  await node(page, 'Check stock').click();
  const step = page.getByTestId('step-panel');
  await expect(step).toContainText('Item 5 · attempt 1');
  await expect(step).toContainText('HTTP 422');
  await expect(step).toContainText('out of stock');
  await expect(step.getByTestId('sent-request')).toContainText(`GET${origin}/stock/${REFUSED}`);
  await page.screenshot({ path: screenshotPath('loop-journey-failed-item'), fullPage: true });

  // "Failed only" steps through the failed items alone: there is just this one.
  await picker.getByRole('button', { name: 'Failed only' }).click();
  await expect(picker.getByRole('button', { name: 'Failed only' })).toHaveAttribute('aria-pressed', 'true');
  await expect(picker.getByRole('button', { name: 'Previous failed item' })).toBeDisabled();
  await expect(picker.getByRole('button', { name: 'Next failed item' })).toBeDisabled();
  await page.screenshot({ path: screenshotPath('loop-journey-failed-only') });
  await picker.getByRole('button', { name: 'Failed only' }).click();

  // An item that went well: its call answered 200.
  await picker.getByRole('button', { name: 'Previous item' }).click();
  await expect(page).toHaveURL(/[?&]iteration=4\b/);
  await expect(step).toContainText('Item 4 · attempt 1');
  await expect(node(page, 'Check stock')).toHaveAttribute('data-status', 'succeeded');

  // The stock service is fixed; the run is retried from its failed step.
  expect(calls.map((call) => call.order)).toEqual(ORDERS);
  refusing = false;
  await page.getByRole('button', { name: 'Retry from failed step' }).click();
  await expect(page).not.toHaveURL(new RegExp(first));
  const retried = page.url().match(/\/executions\/([0-9a-f-]{36})/)?.[1];
  expect(retried).toBeDefined();
  await expect(page.getByText('Retry of', { exact: true })).toBeVisible();
  await expect(page.locator('h1')).toContainText('Succeeded', { timeout: 30_000 });
  const retriedLoop = frame(page, 'Check each order');
  await expect(retriedLoop).toHaveAttribute('data-status', 'succeeded');
  await expect(retriedLoop.getByTestId('iteration-counts')).toHaveText(/^5 items\s*5 succeeded$/);
  await expect(node(page, 'Sum up')).toHaveAttribute('data-status', 'succeeded');

  // Only the refused order was called again, under the same Idempotency-Key as the first time.
  expect(calls.map((call) => call.order)).toEqual([...ORDERS, REFUSED]);
  const keys = calls.filter((call) => call.order === REFUSED).map((call) => call.idempotencyKey);
  expect(keys).toEqual([`${first}:http_request:4`, `${first}:http_request:4`]);

  // On the retry's page: item 5 ran again, the other items were reused from the first run.
  const again = page.getByTestId('iteration-picker-loop_over_items');
  await node(page, 'Sum up').click();
  await expect(step).toContainText('Output{checked: 5}');
  await node(page, 'Check stock').click();
  await again.getByRole('textbox', { name: 'Item of Check each order' }).fill('5');
  await again.getByRole('textbox', { name: 'Item of Check each order' }).press('Enter');
  await expect(step).toContainText('Item 5 · attempt 1');
  await expect(again.getByTestId('item-origin')).toHaveText('Ran again');
  await expect(step).not.toContainText('Reused from the run it retries');
  await expect(step).toContainText('inStock: true');
  await page.screenshot({ path: screenshotPath('loop-journey-retried-item'), fullPage: true });
  await again.getByRole('button', { name: 'Previous item' }).click();
  await expect(step).toContainText('Item 4 · attempt 1');
  await expect(again.getByTestId('item-origin')).toHaveText('Reused');
  await expect(step).toContainText('Reused from the run it retries');
  await page.screenshot({ path: screenshotPath('loop-journey-reused-item'), fullPage: true });
});
