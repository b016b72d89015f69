import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';
import { publishFirstVersion } from './versions.ts';

/**
 * The workflow editor, through the browser only: build a workflow by dragging nodes from the
 * palette and connecting their ports, configure it, watch autosave, reload, save a version and
 * test-run it against a real HTTP server on 127.0.0.1.
 */

let target: Server;
let targetUrl: string;
const received: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }> = [];

test.beforeAll(async () => {
  target = createServer((request, response) => {
    received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: true, path: request.url }));
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/notify`;
});

test.afterAll(async () => {
  await new Promise((resolve) => target.close(resolve));
});

const node = (page: Page, name: string) => page.getByTestId(`node-${name}`);

async function dragFromPalette(page: Page, type: string, x: number, y: number): Promise<void> {
  const canvas = page.getByTestId('editor-canvas');
  await page.getByTestId(`palette-${type}`).dragTo(canvas, { targetPosition: { x, y } });
}

async function connect(page: Page, from: Locator, port: string, to: Locator): Promise<void> {
  const source = from.locator(`.react-flow__handle.source[data-handleid="${port}"]`);
  const sink = to.locator('.react-flow__handle.target');
  const a = await source.boundingBox();
  const b = await sink.boundingBox();
  if (!a || !b) throw new Error('handle not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

async function typeInto(field: Locator, text: string, { closeCompletions = true } = {}): Promise<void> {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  await field.pressSequentially(text);
  if (closeCompletions) await field.press('Escape');
}

const saved = (page: Page) => expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });

test('the whole journey: build, configure, autosave, test-run, publish, run, version 2, compare, roll back, find the runs', async ({
  page,
}) => {
  const created = await page.request.post('/api/v1/workflows', {
    data: { name: 'Greet new customers', graph: { nodes: [], edges: [] } },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await page.goto(`/workflows/${id}`);
  await expect(page.getByText('Drag a trigger from the palette to start')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Workflow name' })).toHaveValue('Greet new customers');
  await page.screenshot({ path: screenshotPath('editor-empty') });

  // Build: four nodes dragged from the palette.
  await dragFromPalette(page, 'trigger.manual', 130, 220);
  await expect(node(page, 'Manual trigger')).toBeVisible();
  await expect(page.getByText('Drag a trigger from the palette to start')).toBeHidden();
  await dragFromPalette(page, 'transform.set', 130, 380);
  await dragFromPalette(page, 'condition.if', 440, 220);
  await dragFromPalette(page, 'action.http', 440, 420);
  for (const name of ['Manual trigger', 'Set fields', 'If', 'HTTP request'])
    await expect(node(page, name)).toBeVisible();

  // Connect ports: trigger → set → if (true) → http.
  await connect(page, node(page, 'Manual trigger'), 'main', node(page, 'Set fields'));
  await connect(page, node(page, 'Set fields'), 'main', node(page, 'If'));
  await connect(page, node(page, 'If'), 'true', node(page, 'HTTP request'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);

  // Configure the set node with an expression.
  await node(page, 'Set fields').click();
  const panel = page.getByRole('complementary', { name: 'Node settings' });
  await expect(panel.getByRole('textbox', { name: 'Name' })).toHaveValue('Set fields');
  await panel.getByRole('button', { name: 'Add field' }).click();
  await panel.getByLabel('Path').fill('greeting');
  await typeInto(panel.getByRole('textbox', { name: 'Value' }), '{{ input.name }}');
  await expect(panel.getByRole('textbox', { name: 'Value' })).toHaveText('{{ input.name }}');
  await expect(panel.locator('.cm-expression')).toHaveText('{{ input.name }}');
  await page.screenshot({ path: screenshotPath('editor-config-panel') });

  // The If node: a rule on the set node's output.
  await node(page, 'If').click();
  await typeInto(panel.getByRole('textbox', { name: 'Left' }), '{{ input.greeting }}');
  await panel.getByLabel('Operator').selectOption('isNotEmpty');

  // The HTTP node calls the local server.
  await node(page, 'HTTP request').click();
  await typeInto(panel.getByRole('textbox', { name: 'URL' }), targetUrl);
  await panel.getByLabel('Method').selectOption('POST');

  // Autosave: the indicator settles and the draft has no problems left.
  await saved(page);
  await expect(page.getByTestId('problems-none')).toBeVisible();

  // Tidy up (auto-layout) and look at it.
  await page.getByRole('button', { name: 'Tidy up (auto-layout)' }).click();
  await saved(page);
  await page.screenshot({ path: screenshotPath('editor-workflow') });

  // Reload: everything is still there.
  await page.reload();
  for (const name of ['Manual trigger', 'Set fields', 'If', 'HTTP request'])
    await expect(node(page, name)).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);
  await node(page, 'Set fields').click();
  await expect(panel.getByRole('textbox', { name: 'Value' })).toHaveText('{{ input.name }}');

  // An edit followed at once by a reload is not lost (keepalive flush on pagehide).
  await node(page, 'Set fields').dblclick();
  const nameBox = page.getByRole('textbox', { name: 'Node name' });
  await nameBox.fill('Greeting');
  await nameBox.press('Enter');
  await expect(node(page, 'Greeting')).toBeVisible();
  await page.reload();
  await expect(node(page, 'Greeting')).toBeVisible();
  await expect(page.locator('[data-save-state]')).toBeVisible();
  await saved(page);

  // Save version 1.
  await page.getByRole('button', { name: 'Save version' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save version' });
  await dialog.getByLabel('What changed?').fill('First greeting flow');
  await page.screenshot({ path: screenshotPath('editor-save-version') });
  await dialog.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 saved' })).toBeVisible();
  await expect(dialog).toBeHidden();

  // Test run with a payload: nodes light up, the inspector shows the set node's output.
  await page.getByRole('button', { name: 'Test run' }).click();
  const runDialog = page.getByRole('dialog', { name: 'Test run' });
  await typeInto(runDialog.getByRole('textbox', { name: 'Payload (JSON)' }), '{"name": "Ada"}', {
    closeCompletions: false,
  });
  await runDialog.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('run-bar')).toBeVisible();
  await page.screenshot({ path: screenshotPath('editor-test-run-live') });
  await expect(page.getByTestId('run-bar')).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 });
  for (const name of ['Manual trigger', 'Greeting', 'If', 'HTTP request']) {
    await expect(node(page, name)).toHaveAttribute('data-status', 'succeeded');
  }
  expect(received.some((request) => request.method === 'POST' && request.url === '/notify')).toBe(true);

  await node(page, 'Greeting').click();
  const inspector = page.getByRole('region', { name: 'Step inspector' });
  await expect(inspector.getByTestId('inspector-output')).toContainText('greeting');
  await expect(inspector.getByTestId('inspector-output')).toContainText('"Ada"');
  await page.screenshot({ path: screenshotPath('editor-test-run-done') });

  await expect(page.getByRole('link', { name: 'View execution' })).toHaveAttribute('href', /\/executions\/[0-9a-f-]+$/);
  await expect(page.getByRole('link', { name: /Versions/ })).toHaveAttribute('href', `/workflows/${id}/versions`);
  await expect(page.getByRole('link', { name: 'Executions' })).toHaveAttribute('href', `/executions?workflowId=${id}`);

  // Publish version 1 and run it again, this time the published version with a payload.
  await publishFirstVersion(page);
  await page.getByRole('button', { name: 'Run now' }).click();
  const runNow = page.getByRole('dialog', { name: 'Run v1 now' });
  await runNow.getByLabel('Payload (JSON)').fill('{ "name": "Grace" }');
  await runNow.getByRole('button', { name: 'Start run' }).click();
  await expect(page).toHaveURL(/\/executions\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('node-HTTP request')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  await page.getByTestId('node-Greeting').click();
  await expect(page.getByTestId('step-panel')).toContainText('Grace');

  // Change it and save version 2: the greeting becomes a sentence.
  await page.goto(`/workflows/${id}`);
  await node(page, 'Greeting').click();
  await typeInto(panel.getByRole('textbox', { name: 'Value' }), 'Welcome, {{ input.name }}!');
  await saved(page);
  await page.getByRole('button', { name: 'Save version' }).click();
  await dialog.getByLabel('What changed?').fill('Friendlier greeting');
  await dialog.getByRole('button', { name: 'Save version' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 2 saved' })).toBeVisible();

  // Compare the two versions: the greeting node changed, and its changed field is listed.
  await page.goto(`/workflows/${id}/compare?from=1&to=2`);
  await expect(page.getByTestId('node-Greeting')).toHaveAttribute('data-diff', 'changed');
  await expect(page.getByTestId('node-If')).not.toHaveAttribute('data-diff');
  await expect(page.getByTestId('change-Greeting')).toContainText('Welcome, {{ input.name }}!');
  await page.screenshot({ path: screenshotPath('journey-compare'), fullPage: true });

  // Publish version 2, then roll back to version 1 with a confirmation naming both.
  await page.goto(`/workflows/${id}/versions`);
  await page.getByTestId('version-2').getByRole('button', { name: 'Publish' }).click();
  await page
    .getByRole('dialog', { name: 'Publish v2 in place of v1?' })
    .getByRole('button', { name: 'Publish v2' })
    .click();
  await expect(page.getByTestId('version-2')).toContainText('Published');
  await page.getByTestId('version-1').getByRole('button', { name: 'Roll back' }).click();
  const rollback = page.getByRole('dialog', { name: 'Roll back from v2 to v1?' });
  await rollback.getByRole('button', { name: 'Roll back to v1' }).click();
  await expect(page.getByTestId('version-1')).toContainText('Published');
  await expect(page.getByTestId('publications')).toContainText('Rolled back v2 → v1');
  await page.screenshot({ path: screenshotPath('journey-rolled-back'), fullPage: true });

  // Both runs are in the executions list: the test run of the draft and the manual run of v1.
  await page.goto(`/executions?workflowId=${id}`);
  const rows = page.getByTestId('execution-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'Test' })).toContainText('Succeeded');
  await expect(rows.filter({ hasText: 'Manual' })).toContainText('v1');
  await page.screenshot({ path: screenshotPath('journey-executions'), fullPage: true });
});

test('keyboard: multi-select, copy and paste, delete, undo and redo, and the shortcut list', async ({ page }) => {
  const created = await page.request.post('/api/v1/workflows', { data: { name: 'Shortcuts' } });
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/workflows/${id}`);
  await expect(node(page, 'Start')).toBeVisible();
  // Click-to-add: placed right of the selected node and connected from it.
  await node(page, 'Start').click();
  await page.getByTestId('palette-transform.set').click();
  await expect(node(page, 'Set fields')).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);

  const nodes = page.locator('.react-flow__node');
  await node(page, 'Start').click();
  await node(page, 'Set fields').click({ modifiers: ['Shift'] });
  await expect(page.getByText('2 nodes selected')).toBeVisible();
  await page.keyboard.press('ControlOrMeta+c');
  await page.keyboard.press('ControlOrMeta+v');
  await expect(nodes).toHaveCount(4);
  await expect(node(page, 'Start 2')).toBeVisible();
  await expect(node(page, 'Set fields 2')).toBeVisible();
  await expect(page.locator('.react-flow__edge')).toHaveCount(2); // the copied pair keeps its edge

  await page.keyboard.press('Delete');
  await expect(nodes).toHaveCount(2);
  await page.keyboard.press('ControlOrMeta+z');
  await expect(nodes).toHaveCount(4);
  await page.keyboard.press('ControlOrMeta+Shift+z');
  await expect(nodes).toHaveCount(2);

  // Select all, clear with Escape; duplicate one node; rename it with F2; save at once.
  await page.locator('.react-flow__pane').click({ position: { x: 400, y: 500 } });
  await page.keyboard.press('ControlOrMeta+a');
  await expect(page.getByText('2 nodes selected')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByText('2 nodes selected')).toHaveCount(0);
  await node(page, 'Set fields').click();
  await page.keyboard.press('ControlOrMeta+d');
  await expect(nodes).toHaveCount(3);
  await expect(node(page, 'Set fields 2')).toBeVisible();
  await page.keyboard.press('F2');
  const rename = page.getByRole('textbox', { name: 'Node name' });
  await rename.fill('Tag order');
  await rename.press('Enter');
  await expect(node(page, 'Tag order')).toBeVisible();
  await page.keyboard.press('ControlOrMeta+s');
  await saved(page);
  const draft = (await (await page.request.get(`/api/v1/workflows/${id}/draft`)).json()) as {
    graph: { nodes: Array<{ name: string }> };
  };
  expect(draft.graph.nodes.map((each) => each.name).sort()).toEqual(['Set fields', 'Start', 'Tag order']);

  await page.locator('.react-flow__pane').click({ position: { x: 400, y: 500 } });
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Copy the selected nodes');
  await page.screenshot({ path: screenshotPath('editor-shortcuts') });
  await saved(page);
});

test('an unknown workflow shows a friendly not-found page', async ({ page }) => {
  await page.goto('/workflows/00000000-0000-4000-8000-000000000000');
  await expect(page.getByText('This workflow doesn’t exist')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to workflows' })).toBeVisible();
});

test('an invalid draft is neither versioned nor test-run: both dialogs list its problems', async ({ page }) => {
  const created = await page.request.post('/api/v1/workflows', {
    data: { name: 'Not ready', graph: { nodes: [], edges: [] } },
  });
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/workflows/${id}`);

  await page.getByRole('button', { name: 'Save version' }).click();
  const save = page.getByRole('dialog', { name: 'Save version' });
  await save.getByRole('button', { name: 'Save version' }).click();
  await expect(save.getByRole('alert')).toContainText('Nothing was saved: the workflow has 1 problem to fix first.');
  await expect(save.getByRole('alert')).toContainText('trigger');
  await save.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('button', { name: 'Test run' }).click();
  const run = page.getByRole('dialog', { name: 'Test run' });
  await run.getByRole('button', { name: 'Run' }).click();
  await expect(run.getByRole('alert')).toContainText('The draft has 1 problem; fix them to run it.');
  const versions = await page.request.get(`/api/v1/workflows/${id}/versions`);
  expect(((await versions.json()) as { items: unknown[] }).items).toHaveLength(0);
});
