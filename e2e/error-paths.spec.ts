import type { APIResponse, Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * Error paths in the browser: a node's Settings section sets it to route its errors to the error
 * port, drawn apart in red on the canvas; a run whose node fails there succeeds, and its page shows
 * the step as handled, not as the run's failure. Data is seeded over the HTTP API.
 */

const at = (index: number, y = 0) => ({ x: index * 300, y });
const link = (source: string, target: string, sourcePort = 'main') => ({
  id: `${source}-${sourcePort}-${target}`,
  source,
  sourcePort,
  target,
});

//  Start ──▶ Check ─main──▶ Ship
//              └─error──▶ Alert       (Check's script throws: its error is routed, not fatal)
const graph = {
  nodes: [
    { id: 'start', type: 'trigger.manual', name: 'Start', position: at(0), config: {} },
    {
      id: 'check',
      type: 'transform.script',
      name: 'Check stock',
      position: at(1),
      config: { code: "throw new Error('item 42 is out of stock');" },
      settings: { onError: 'error-port' },
    },
    { id: 'ship', type: 'transform.set', name: 'Ship', position: at(2, -80), config: {} },
    { id: 'alert', type: 'transform.set', name: 'Alert', position: at(2, 120), config: {} },
  ],
  edges: [link('start', 'check'), link('check', 'ship'), link('check', 'alert', 'error')],
};

async function ok<T>(response: APIResponse): Promise<T> {
  if (!response.ok()) throw new Error(`${response.url()} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function publishedWorkflow(page: Page, name: string): Promise<string> {
  const { id } = await ok<{ id: string }>(await page.request.post('/api/v1/workflows', { data: { name, graph } }));
  await ok(await page.request.post(`/api/v1/workflows/${id}/versions`, { data: { fromDraft: true } }));
  await ok(await page.request.post(`/api/v1/workflows/${id}/publish`, { data: { version: 1 } }));
  return id;
}

test('a node routes its error to the error port, and the run shows it handled', async ({ page }) => {
  const workflowId = await publishedWorkflow(page, 'Error port journey');

  // The editor: the node's Settings section, and the error port drawn apart.
  await page.goto(`/workflows/${workflowId}`);
  await page.getByTestId('node-Check stock').click();
  const settings = page.getByTestId('node-settings');
  await expect(settings.getByRole('radio', { name: /Route to the error port/ })).toBeChecked();
  await expect(page.getByTestId('node-Check stock').getByTestId('error-port')).toBeVisible();
  await settings.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('error-port-settings') });

  // Switching to "Continue" takes the error port (and its edge) away; back again brings the port.
  await settings.getByRole('radio', { name: /Continue/ }).check();
  await expect(page.getByTestId('node-Check stock').getByTestId('error-port')).toHaveCount(0);
  await settings.getByRole('radio', { name: /Route to the error port/ }).check();
  await expect(page.getByTestId('node-Check stock').getByTestId('error-port')).toBeVisible();

  // The workflow settings dialog.
  await page.getByRole('button', { name: 'Workflow settings' }).click();
  await expect(page.getByRole('dialog', { name: 'Workflow settings' })).toBeVisible();
  await page.getByLabel('Limit a run’s total time').check();
  await page.screenshot({ path: screenshotPath('workflow-settings') });
  await page.getByRole('button', { name: 'Cancel' }).click();

  // A run: the script throws, the error goes to Alert, the run succeeds with one handled error.
  const started = await ok<{ executionId: string }>(
    await page.request.post(`/api/v1/workflows/${workflowId}/runs`, { data: { payload: { order: 7 } } }),
  );
  await page.goto(`/executions/${started.executionId}`);
  await expect(page.getByTestId('handled-errors')).toHaveText('succeeded with 1 handled error');
  await page
    .getByRole('button', { name: /Check stock/ })
    .first()
    .click();
  await expect(page.getByTestId('handled-error')).toContainText('Handled: routed to the error port');
  await page.screenshot({ path: screenshotPath('execution-handled-error') });
});
