import { readFileSync, writeFileSync } from 'node:fs';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';
import { sessionCookie, setUpOwner } from './owner.ts';
import { startServer } from './server.ts';

/**
 * The workflows, versions, executions and schedules pages, driven through Chromium. Data is seeded
 * over the HTTP API (`page.request`), the way a script or another client would.
 */

type Graph = { nodes: unknown[]; edges: unknown[] };
const at = (index: number) => ({ x: index * 300, y: 0 });
const start = { id: 'start', type: 'trigger.manual', name: 'Start', position: at(0), config: {} };
const greet = (word: string) => ({
  id: 'greet',
  type: 'transform.set',
  name: 'Greet',
  position: at(1),
  config: { fields: [{ path: 'greeting', value: `${word} {{ input.name }}` }] },
});

/**
 *   v1:  Start ──▶ Greet ("Hello …") ──▶ Old
 *   v2:  Start ──▶ Greet ("Hi …")    ──▶ Shout        (Greet changed, Old removed, Shout added)
 */
const v1: Graph = {
  nodes: [start, greet('Hello'), { id: 'old', type: 'transform.set', name: 'Old', position: at(2), config: {} }],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'main', target: 'greet' },
    { id: 'e2', source: 'greet', sourcePort: 'main', target: 'old' },
  ],
};
const v2: Graph = {
  nodes: [
    start,
    greet('Hi'),
    {
      id: 'shout',
      type: 'transform.set',
      name: 'Shout',
      position: at(2),
      config: { fields: [{ path: 'loud', value: '{{ input.greeting.toUpperCase() }}' }] },
    },
  ],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'main', target: 'greet' },
    { id: 'e3', source: 'greet', sourcePort: 'main', target: 'shout' },
  ],
};
/**   Start ──▶ Boom (a script that throws) */
const failing: Graph = {
  nodes: [
    start,
    {
      id: 'boom',
      type: 'transform.script',
      name: 'Boom',
      position: at(1),
      config: { code: 'throw new Error("no stock")' },
    },
  ],
  edges: [{ id: 'e1', source: 'start', sourcePort: 'main', target: 'boom' }],
};

async function ok<T>(response: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> {
  if (!response.ok()) throw new Error(`${response.url()} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function seedWorkflow(
  page: Page,
  name: string,
  versions: Array<{ graph: Graph; message: string }>,
  options: { publish?: number; description?: string; activate?: boolean } = {},
): Promise<string> {
  const { id } = await ok<{ id: string }>(
    await page.request.post('/api/v1/workflows', {
      data: { name, description: options.description ?? '', graph: versions[0]?.graph },
    }),
  );
  for (const version of versions) {
    await ok(await page.request.post(`/api/v1/workflows/${id}/versions`, { data: version }));
  }
  if (options.publish) {
    await ok(await page.request.post(`/api/v1/workflows/${id}/publish`, { data: { version: options.publish } }));
  }
  if (options.activate) await ok(await page.request.post(`/api/v1/workflows/${id}/activate`));
  return id;
}

async function runToEnd(page: Page, workflowId: string, payload: unknown, draft = false): Promise<string> {
  const { executionId } = await ok<{ executionId: string }>(
    await page.request.post(`/api/v1/workflows/${workflowId}/runs`, { data: draft ? { payload, draft } : { payload } }),
  );
  await expect
    .poll(
      async () => (await ok<{ status: string }>(await page.request.get(`/api/v1/executions/${executionId}`))).status,
      {
        timeout: 30_000,
      },
    )
    .toMatch(/succeeded|failed|canceled/);
  return executionId;
}

const row = (page: Page, name: string) => page.getByTestId('workflow-row').filter({ hasText: name });

// Other spec files share this worker's server, so the empty pages get a fresh server of their own.
test('empty pages say what to do next', async ({ browser }) => {
  const server = await startServer();
  try {
    const context = await browser.newContext({
      baseURL: server.url,
      storageState: { cookies: [sessionCookie(server.url, await setUpOwner(server))], origins: [] },
    });
    const page = await context.newPage();
    await page.goto('/executions');
    await expect(page.getByText('No runs yet')).toBeVisible();
    await page.screenshot({ path: screenshotPath('executions-empty'), fullPage: true });
    await page.goto('/schedules');
    await expect(page.getByText('No scheduled workflows')).toBeVisible();
    await page.screenshot({ path: screenshotPath('schedules-empty'), fullPage: true });
    await page.goto('/workflows?archived=true');
    await expect(page.getByText('Nothing archived')).toBeVisible();
    await page.goto('/admin/credentials');
    await expect(page.getByText('No credentials yet')).toBeVisible();
    await context.close();
  } finally {
    await server.stop();
  }
});

test('workflows: list, search, create, export and import, archive and restore', async ({ page }) => {
  await seedWorkflow(page, 'Invoices to Slack', [{ graph: v1, message: 'First cut' }], {
    publish: 1,
    description: 'Posts every new invoice to #finance',
  });
  const leadsId = await seedWorkflow(page, 'Leads to CRM', [{ graph: v2, message: 'Start' }], {
    description: 'Syncs web leads nightly',
  });
  await runToEnd(page, leadsId, { name: 'Ada' }, true); // a test run of the draft

  await page.goto('/workflows');
  await expect(row(page, 'Invoices to Slack')).toContainText('v1 published');
  await expect(row(page, 'Leads to CRM')).toContainText('Not published');
  await expect(row(page, 'Leads to CRM')).toContainText('Succeeded');
  await page.screenshot({ path: screenshotPath('workflows-list'), fullPage: true });

  // Search is debounced and kept in the URL.
  await page.getByRole('searchbox', { name: 'Search workflows' }).fill('nightly');
  await expect(page.getByTestId('workflow-row')).toHaveCount(1);
  await expect(row(page, 'Leads to CRM')).toBeVisible();
  await expect(page).toHaveURL(/q=nightly/);
  await page.getByRole('searchbox', { name: 'Search workflows' }).fill('no such thing');
  await expect(page.getByText('No workflows match “no such thing”')).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search workflows' }).fill('');
  // Other spec files share this server: look for this test's two rows, not a total.
  await expect(row(page, 'Invoices to Slack')).toBeVisible();
  await expect(row(page, 'Leads to CRM')).toBeVisible();

  // Export downloads the JSON document; importing it back makes a new workflow.
  await row(page, 'Invoices to Slack').getByRole('button', { name: 'Actions for Invoices to Slack' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('menuitem', { name: 'Export JSON' }).click(),
  ]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  expect(exported).toMatchObject({ format: 'stepwise.workflow', workflow: { name: 'Invoices to Slack' } });
  const file = test.info().outputPath('renamed.stepwise.json');
  writeFileSync(file, JSON.stringify({ ...exported, workflow: { ...exported.workflow, name: 'Invoices (imported)' } }));
  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]+\/versions$/);
  await expect(page.getByRole('heading', { name: 'Invoices (imported)' })).toBeVisible();
  await expect(page.getByTestId('version-1')).toBeVisible();

  // A refused import names the problems.
  await page.goto('/workflows');
  const broken = test.info().outputPath('broken.json');
  writeFileSync(broken, JSON.stringify({ ...exported, versions: [{ number: 1, graph: { nodes: [], edges: [] } }] }));
  await page.getByTestId('import-file').setInputFiles(broken);
  const failed = page.getByRole('dialog', { name: 'Import failed' });
  await expect(failed).toContainText('problem');
  await expect(failed).toContainText('v1');
  await page.screenshot({ path: screenshotPath('workflows-import-failed'), fullPage: true });
  await failed.getByRole('button', { name: 'Close' }).first().click();
  const notJson = test.info().outputPath('not-json.json');
  writeFileSync(notJson, 'this is not json');
  await page.getByTestId('import-file').setInputFiles(notJson);
  await expect(page.getByRole('dialog', { name: 'Import failed' })).toContainText('The file is not JSON');
  await page.keyboard.press('Escape');

  // Duplicate through the menu.
  await row(page, 'Leads to CRM').getByRole('button', { name: 'Actions for Leads to CRM' }).click();
  await page.getByRole('menuitem', { name: 'Duplicate' }).click();
  await expect(row(page, 'Leads to CRM (copy)')).toBeVisible();

  // Archive, find it under Archived, restore it.
  await row(page, 'Leads to CRM (copy)').getByRole('button', { name: 'Actions for Leads to CRM (copy)' }).click();
  await page.getByRole('menuitem', { name: 'Archive' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'archived' })).toBeVisible();
  await expect(row(page, 'Leads to CRM (copy)')).toHaveCount(0);
  await page.getByRole('button', { name: 'Archived', exact: true }).click();
  await expect(row(page, 'Leads to CRM (copy)')).toBeVisible();
  await page.screenshot({ path: screenshotPath('workflows-archived'), fullPage: true });
  await row(page, 'Leads to CRM (copy)').getByRole('button', { name: 'Actions for Leads to CRM (copy)' }).click();
  await page.getByRole('menuitem', { name: 'Restore' }).click();
  await expect(page.getByText('Nothing archived')).toBeVisible();

  // Create opens the new workflow in the editor.
  await page.getByRole('button', { name: 'Live', exact: true }).click();
  await page.getByRole('button', { name: 'New workflow' }).click();
  const dialog = page.getByRole('dialog', { name: 'New workflow' });
  await dialog.getByLabel('Name').fill('Refunds');
  await dialog.getByLabel(/Description/).fill('Refund approved returns');
  await page.screenshot({ path: screenshotPath('workflows-create'), fullPage: true });
  await dialog.getByRole('button', { name: 'Create and open' }).click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  const list = await ok<{ items: Array<{ name: string; description: string }> }>(
    await page.request.get('/api/v1/workflows?q=Refunds'),
  );
  expect(list.items).toEqual([expect.objectContaining({ name: 'Refunds', description: 'Refund approved returns' })]);
});

test('versions: list, view, compare v1 with v2, roll back with a confirmation naming both, run now', async ({
  page,
}) => {
  const id = await seedWorkflow(
    page,
    'Greeter',
    [
      { graph: v1, message: 'Hello and an old step' },
      { graph: v2, message: 'Say hi, shout it' },
    ],
    { publish: 2 },
  );
  await page.goto(`/workflows/${id}/versions`);
  await expect(page.getByTestId('version-2')).toContainText('Published');
  await expect(page.getByTestId('version-1')).toContainText('Hello and an old step');
  await expect(page.getByTestId('publications')).toContainText('Published v2');
  await page.screenshot({ path: screenshotPath('versions'), fullPage: true });

  // One version, read-only, with a node's configuration beside it.
  await page.getByRole('link', { name: 'View v1' }).click();
  await expect(page.getByRole('heading', { name: /Version 1/ })).toBeVisible();
  await page.getByTestId('node-Greet').click();
  await expect(page.getByRole('complementary', { name: 'Node Greet' })).toContainText('Hello {{ input.name }}');
  await page.screenshot({ path: screenshotPath('version-view'), fullPage: true });

  // Compare: Greet changed, Old removed, Shout added; the changed field is listed.
  await page.goto(`/workflows/${id}/compare?from=1&to=2`);
  await expect(page.getByTestId('node-Greet')).toHaveAttribute('data-diff', 'changed');
  await expect(page.getByTestId('node-Shout')).toHaveAttribute('data-diff', 'added');
  await expect(page.getByTestId('node-Old')).toHaveAttribute('data-diff', 'removed');
  await expect(page.getByTestId('node-Start')).not.toHaveAttribute('data-diff');
  await expect(page.getByTestId('change-Greet')).toContainText('config.fields.0.value');
  await expect(page.getByTestId('change-Greet')).toContainText('"Hi {{ input.name }}"');
  await page.screenshot({ path: screenshotPath('versions-compare'), fullPage: true });

  // Roll back: the dialog names both versions; confirming publishes v1.
  await page.goto(`/workflows/${id}/versions`);
  await page.getByTestId('version-1').getByRole('button', { name: 'Roll back' }).click();
  const confirm = page.getByRole('dialog', { name: 'Roll back from v2 to v1?' });
  await expect(confirm).toBeVisible();
  await page.screenshot({ path: screenshotPath('versions-rollback-confirm'), fullPage: true });
  await confirm.getByRole('button', { name: 'Roll back to v1' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByTestId('version-1')).toContainText('Published');
  await expect(page.getByTestId('publications')).toContainText('Rolled back v2 → v1');
  const workflow = await ok<{ publishedVersion: number }>(await page.request.get(`/api/v1/workflows/${id}`));
  expect(workflow.publishedVersion).toBe(1);

  // Activate, then run the published version with a payload and land on the run.
  await page.getByRole('button', { name: 'Activate' }).click();
  await expect(page.getByRole('button', { name: 'Deactivate' })).toBeVisible();
  await page.getByRole('button', { name: 'Run now' }).click();
  const run = page.getByRole('dialog', { name: 'Run v1 now' });
  await run.getByLabel('Payload (JSON)').fill('{ "name": "Grace" ');
  await expect(run).toContainText('Not valid JSON');
  await run.getByLabel('Payload (JSON)').fill('{ "name": "Grace" }');
  await run.getByRole('button', { name: 'Start run' }).click();
  await expect(page).toHaveURL(/\/executions\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('node-Old')).toHaveAttribute('data-status', 'succeeded');
});

test('versions: a webhook trigger shows its URL and how to sign requests', async ({ page }) => {
  const hook: Graph = {
    nodes: [
      {
        id: 'hook',
        type: 'trigger.webhook',
        name: 'Order in',
        position: at(0),
        config: { path: 'orders/new', secretCredentialId: 'cred-1' },
      },
    ],
    edges: [],
  };
  const id = await seedWorkflow(page, 'Orders webhook', [{ graph: hook, message: 'Listen' }], { publish: 1 });
  await page.goto(`/workflows/${id}/versions`);
  const panel = page.getByRole('region', { name: 'Webhook' });
  await expect(panel).toContainText(`/hooks/${id}/orders/new`);
  await expect(panel).toContainText('Signed requests only');
  await expect(panel).toContainText('X-Stepwise-Signature');
  await panel.getByRole('tab', { name: 'Node.js' }).click();
  await expect(panel).toContainText("createHmac('sha256'");
  await page.screenshot({ path: screenshotPath('versions-webhook'), fullPage: true });
});

test('executions: list with filters in the URL, detail with step statuses, output, timeline and retry', async ({
  page,
}) => {
  const greeter = await seedWorkflow(page, 'Welcome mail', [{ graph: v2, message: 'v1' }], { publish: 1 });
  const broken = await seedWorkflow(page, 'Stock check', [{ graph: failing, message: 'v1' }], { publish: 1 });
  const good = await runToEnd(page, greeter, { name: 'Ada' });
  await runToEnd(page, broken, { sku: 'A-1' });

  // Earlier tests in this file ran workflows too: the list spans all of them.
  const rows = page.getByTestId('execution-row');
  await page.goto('/executions');
  await expect(rows.filter({ hasText: 'Welcome mail' })).toContainText('Succeeded');
  await expect(rows.filter({ hasText: 'Stock check' })).toContainText('Failed');
  await expect(rows.filter({ hasText: 'Welcome mail' })).toContainText('v1');
  await page.screenshot({ path: screenshotPath('executions'), fullPage: true });

  await page.getByLabel('Status').selectOption('failed');
  await expect(page).toHaveURL(/status=failed/);
  await expect(rows.filter({ hasText: 'Welcome mail' })).toHaveCount(0);
  await expect(rows.filter({ hasNotText: 'Failed' })).toHaveCount(0);
  // Other spec files share this server: failed runs of their workflows may be listed too.
  await expect(rows.filter({ hasText: 'Stock check' })).toContainText('Failed');
  // The editor links here with ?workflowId=…; the filter reads it.
  await page.goto(`/executions?workflowId=${greeter}`);
  await expect(page.getByLabel('Workflow')).toHaveValue(greeter);
  await expect(page.getByTestId('execution-row')).toHaveCount(1);
  await expect(page.getByTestId('execution-row')).toContainText('Welcome mail');
  await page.getByLabel('Trigger').selectOption('webhook');
  await expect(page.getByText('No executions match these filters')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/executions$/);
  await expect(rows.filter({ hasText: 'Stock check' })).toHaveCount(1);

  // Detail: every node coloured by its step's status; a click shows that step's output.
  await page.goto(`/executions/${good}`);
  await expect(page.getByRole('heading', { name: /Welcome mail/ })).toBeVisible();
  for (const name of ['Start', 'Greet', 'Shout']) {
    await expect(page.getByTestId(`node-${name}`)).toHaveAttribute('data-status', 'succeeded');
  }
  await page.getByTestId('node-Shout').click();
  const panel = page.getByTestId('step-panel');
  await expect(panel).toContainText('Attempt 1');
  await expect(panel).toContainText('"HI ADA"');
  await expect(page.getByTestId('timeline')).toContainText('Greet');
  await page.screenshot({ path: screenshotPath('execution-detail'), fullPage: true });

  // A failed run: its error, the failing node, and a fresh retry that opens the new run.
  await page.goto('/executions?status=failed');
  await page.getByTestId('execution-row').first().click();
  await expect(page.getByTestId('node-Boom')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByRole('alert').filter({ hasText: 'The run failed' })).toBeVisible();
  await page.getByTestId('node-Boom').click();
  await expect(page.getByTestId('step-panel')).toContainText('no stock');
  await page.screenshot({ path: screenshotPath('execution-failed'), fullPage: true });
  const before = page.url();
  await page.getByRole('button', { name: 'Retry fresh' }).click();
  await expect(page).not.toHaveURL(before);
  await expect(page.getByText('Retry of')).toBeVisible();
});

test('schedules: the cron in words, next runs, pause and resume', async ({ page }) => {
  const nightly: Graph = {
    nodes: [
      {
        id: 'tick',
        type: 'trigger.schedule',
        name: 'Weekdays',
        position: at(0),
        config: { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' },
      },
    ],
    edges: [],
  };
  await seedWorkflow(page, 'Morning report', [{ graph: nightly, message: 'Weekdays at nine' }], {
    publish: 1,
    activate: true,
  });
  await page.goto('/schedules');
  const card = page.getByTestId('schedule-Morning report');
  await expect(card).toContainText('At 09:00, Monday through Friday');
  await expect(card).toContainText('Europe/Paris');
  await expect(card.getByRole('listitem')).toHaveCount(5);
  await expect(card.getByTestId('schedule-state')).toHaveText('Scheduled');
  await page.screenshot({ path: screenshotPath('schedules'), fullPage: true });

  await card.getByRole('button', { name: 'Pause Morning report' }).click();
  await expect(card.getByTestId('schedule-state')).toHaveText('Paused');
  await expect(card).toContainText('None while paused');
  await page.screenshot({ path: screenshotPath('schedules-paused'), fullPage: true });
  await card.getByRole('button', { name: 'Resume Morning report' }).click();
  await expect(card.getByTestId('schedule-state')).toHaveText('Scheduled');
  await expect(card.getByRole('listitem')).toHaveCount(5);
});

/**
 * The pages most visits begin on load only what they draw: the canvas (React Flow) and the code
 * editor (CodeMirror) come with the workflow editor, fetched when a workflow is opened. Told by
 * what the scripts the browser fetched contain (their class names), whatever the chunks are called.
 */
test('sign-in, workflows and executions pages load neither React Flow nor CodeMirror; the editor does', async ({
  browser,
  server,
  page,
}) => {
  const { id } = await ok<{ id: string }>(
    await page.request.post('/api/v1/workflows', { data: { name: 'Opened in the editor', graph: v1 } }),
  );
  const scriptsOf = async (path: string, heading: string, signedIn: boolean) => {
    const context = await browser.newContext({
      baseURL: server.url,
      ...(signedIn ? { storageState: { cookies: [sessionCookie(server.url, server.session)], origins: [] } } : {}),
    });
    const opened = await context.newPage();
    await opened.goto(path);
    await expect(opened.getByRole('heading', { name: heading }).or(opened.getByText(heading)).first()).toBeVisible();
    // What the page fetches once the browser is idle counts too.
    await opened.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
    const urls = await opened.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((name) => name.endsWith('.js')),
    );
    expect(urls.length, path).toBeGreaterThan(0);
    const texts = await Promise.all(urls.map(async (url) => (await context.request.get(url)).text()));
    await context.close();
    return {
      reactFlow: texts.some((text) => text.includes('react-flow__')),
      codeMirror: texts.some((text) => text.includes('cm-editor')),
    };
  };
  for (const [path, heading, signedIn] of [
    ['/login', 'Sign in', false],
    ['/workflows', 'Workflows', true],
    ['/executions', 'Executions', true],
  ] as const) {
    expect(await scriptsOf(path, heading, signedIn), path).toEqual({ reactFlow: false, codeMirror: false });
  }
  expect((await scriptsOf(`/workflows/${id}`, 'Greet', true)).reactFlow).toBe(true);
});
