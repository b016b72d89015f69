import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * A file upload (multipart/form-data) sent to a webhook trigger's test URL, as the editor shows it:
 * the files listed by name, type and size, the body's base64 content abbreviated rather than a wall
 * of text, and whole again on request.
 */

const SHOTS = '/tmp/shots-multipart';
const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);
const settings = (page: Page) => page.getByRole('complementary', { name: 'Node settings' });

/**   Invoice upload (webhook: POST invoices/upload) ──▶ File name (set) */
async function uploadWorkflow(page: Page): Promise<string> {
  const graph = {
    nodes: [
      {
        id: 'hook',
        type: 'trigger.webhook',
        name: 'Invoice upload',
        position: { x: 0, y: 0 },
        config: { path: 'invoices/upload' },
      },
      {
        id: 'name',
        type: 'transform.set',
        name: 'File name',
        position: { x: 320, y: 0 },
        config: { fields: [{ path: 'name', value: '{{ trigger.body.files[0].name }}' }], keepInput: false },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', sourcePort: 'main', target: 'name' }],
  };
  const created = await page.request.post('/api/v1/workflows', { data: { name: 'Upload intake (multipart)', graph } });
  expect(created.status()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

test('a multipart upload to the test URL shows its files readably', async ({ page }) => {
  const id = await uploadWorkflow(page);
  await page.goto(`/workflows/${id}`);
  await node(page, 'Invoice upload').click();
  const panel = settings(page).getByTestId('webhook-test');
  await panel.getByRole('button', { name: 'Listen for a test request' }).click();
  const url = (await panel.locator('code').textContent()) ?? '';
  expect(url).toMatch(/\/hooks\/test\/[A-Za-z0-9_-]{43}$/);

  // As `curl -F customer=C-17 -F tag=urgent -F tag=north -F scan=@scan.png -F ledger=@march.csv` sends it.
  const scan = randomBytes(3 * 1024);
  const form = new FormData();
  form.append('customer', 'C-17');
  form.append('tag', 'urgent');
  form.append('tag', 'north');
  form.append('scan', new Blob([scan], { type: 'image/png' }), 'scan.png');
  form.append('ledger', new Blob(['id,total\n1,9.50\n'], { type: 'text/csv' }), 'march.csv');
  const sent = await fetch(url, { method: 'POST', body: form });
  expect(sent.status).toBe(200);

  const captured = panel.getByTestId('captured-request');
  await expect(captured).toContainText('Test request captured', { timeout: 10_000 });
  const files = captured.getByRole('list', { name: 'Uploaded files' }).getByRole('listitem');
  await expect(files).toHaveCount(2);
  await expect(files.nth(0)).toHaveText('scan.pngimage/png · 3 KB · field scan');
  await expect(files.nth(1)).toHaveText('march.csvtext/csv · 16 bytes · field ledger');
  // Fields, repeated ones as a list, and each file entry open with its content cut short.
  await expect(captured).toContainText('customer: "C-17"');
  await expect(captured).toContainText('"urgent"');
  const content = scan.toString('base64');
  await expect(captured).toContainText(`content: "${content.slice(0, 120)}…"`);
  await expect(captured).not.toContainText(content.slice(-60));
  const more = captured.getByRole('button', {
    name: `${(content.length - 120).toLocaleString('en-US')} more characters`,
  });
  await expect(more).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/upload-captured.png` });
  await page.screenshot({ path: screenshotPath('editor-webhook-upload') });

  await more.click();
  await expect(captured).toContainText(content.slice(-60));
  await page.screenshot({ path: `${SHOTS}/upload-content-opened.png` });

  // Test data from an upload: a test run's later step reads the file's name.
  await captured.getByRole('button', { name: 'Use as test data' }).click();
  await expect(captured).toContainText('This is the draft’s test data');
  await page.getByRole('button', { name: 'Test run' }).click();
  await page.getByRole('dialog', { name: 'Test run' }).getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('run-bar')).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 });
  const runs = (await (await page.request.get(`/api/v1/executions?workflowId=${id}&trigger=test`)).json()) as {
    items: Array<{ id: string }>;
  };
  const run = (await (await page.request.get(`/api/v1/executions/${runs.items[0]?.id}`)).json()) as {
    steps: Array<{ nodeId: string; output: unknown }>;
  };
  expect(run.steps.find((step) => step.nodeId === 'name')?.output).toEqual({ name: 'scan.png' });
});
