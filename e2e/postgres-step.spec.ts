import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { APIResponse } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * The PostgreSQL node on the pages people use: its credential's form (fields rendered from the
 * type's JSON Schema, the password hidden), and the execution page showing the query a step ran
 * with its parameters. The e2e server's own PostgreSQL is private to it, so the credential names a
 * server that is not there: the step fails reaching it, and still shows what it was to run (the
 * record is kept before the connection is tried), beside the error.
 */

const SHOTS = '/tmp/shots-postgres';
const PASSWORD = 'pg-e2e-Secret-7731';

async function ok<T>(response: APIResponse): Promise<T> {
  if (!response.ok()) throw new Error(`${response.url()} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** A port on 127.0.0.1 that nothing listens on any more. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test('a PostgreSQL credential’s form asks for the server and the login, the password hidden', async ({ page }) => {
  const port = await closedPort();
  await page.goto('/admin/credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('Orders DB (postgres e2e)');
  await dialog.getByLabel('Type').selectOption({ label: 'PostgreSQL database' });
  await expect(dialog.getByLabel('Port')).toHaveValue('5432');
  await expect(dialog.getByLabel('SSL')).toHaveValue('require');
  await dialog.getByLabel('Host').fill('127.0.0.1');
  await dialog.getByLabel('Port').fill(String(port));
  await dialog.getByLabel('Database').fill('orders');
  await dialog.getByLabel(/^User/).fill('stepwise');
  await dialog.getByLabel('Password').fill(PASSWORD);
  await expect(dialog.getByLabel('Password')).toHaveAttribute('type', 'password');
  await dialog.getByLabel('SSL').selectOption('disable');
  await page.screenshot({ path: screenshotPath('postgres-credential-form'), fullPage: true });
  await page.screenshot({ path: `${SHOTS}/credential-form.png`, fullPage: true });
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await expect(page.getByRole('cell', { name: /^Orders DB \(postgres e2e\)/ })).toBeVisible();
  await expect(page.getByText(PASSWORD)).toHaveCount(0);

  // Tested by a worker against the server the credential names: no URL to give.
  await page.getByRole('button', { name: 'Test connection of Orders DB (postgres e2e)' }).click();
  const check = page.getByRole('dialog');
  await expect(check.getByLabel('URL')).toHaveCount(0);
  await check.getByRole('button', { name: 'Test connection' }).click();
  await expect(check.getByText('Not connected')).toBeVisible({ timeout: 20_000 });
  await expect(
    check.getByText(`Could not connect to orders at 127.0.0.1:${port} as stepwise: connection refused`),
  ).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/credential-test.png`, fullPage: true });
});

test('the step panel shows the query a PostgreSQL step ran and its parameters', async ({ page }) => {
  const port = await closedPort();
  const credential = await ok<{ id: string }>(
    await page.request.post('/api/v1/credentials', {
      data: {
        name: 'Postgres step e2e',
        type: 'postgres',
        secret: { host: '127.0.0.1', port, database: 'shop', user: 'stepwise', password: PASSWORD, ssl: 'disable' },
      },
    }),
  );
  const query = 'insert into orders (customer, total)\nvalues ($1, $2)\nreturning id';
  const graph = {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'save',
        type: 'action.postgres',
        name: 'Save order',
        position: { x: 300, y: 0 },
        config: {
          credentialId: credential.id,
          query,
          parameters: ['{{ input.customer }}', '{{ input.total }}'],
        },
      },
    ],
    edges: [{ id: 'start-save', source: 'start', sourcePort: 'main', target: 'save' }],
  };
  const { id } = await ok<{ id: string }>(
    await page.request.post('/api/v1/workflows', { data: { name: 'Postgres step e2e', graph } }),
  );
  await ok(await page.request.post(`/api/v1/workflows/${id}/versions`, { data: { fromDraft: true, message: 'v1' } }));
  await ok(await page.request.post(`/api/v1/workflows/${id}/publish`, { data: { version: 1 } }));
  const { executionId } = await ok<{ executionId: string }>(
    await page.request.post(`/api/v1/workflows/${id}/runs`, {
      data: { payload: { customer: "O'Brien & Sons", total: 42.5 } },
    }),
  );

  await page.goto(`/executions/${executionId}`);
  // Retried by the node's policy (the server may come back), then failed.
  await expect(page.getByTestId('node-Save order')).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await page.getByTestId('node-Save order').click();
  const panel = page.getByTestId('step-panel');
  // Each attempt keeps what it sent; the last one is shown first.
  await expect(panel.getByTestId('sent-request')).toHaveCount(3);
  const sent = panel.getByRole('region', { name: 'Attempt 3' }).getByTestId('sent-request');
  await expect(sent).toContainText(`Query on shop at 127.0.0.1:${port}`);
  await expect(sent.getByTestId('sql-query')).toHaveText(query);
  await expect(sent.getByTestId('sql-parameter-1')).toContainText("O'Brien & Sons");
  await expect(sent.getByTestId('sql-parameter-2')).toContainText('42.5');
  await expect(panel).toContainText(`cannot reach PostgreSQL at 127.0.0.1:${port}: connection refused`);
  await expect(panel).not.toContainText(PASSWORD);
  await page.screenshot({ path: screenshotPath('postgres-step-request'), fullPage: true });
  await sent.scrollIntoViewIfNeeded();
  await sent.screenshot({ path: `${SHOTS}/step-sent.png` });
});

test('the PostgreSQL node’s settings: SQL in a code field, and parameters that must match its placeholders', async ({
  page,
}) => {
  const credential = await ok<{ id: string }>(
    await page.request.post('/api/v1/credentials', {
      data: {
        name: 'Postgres settings e2e',
        type: 'postgres',
        secret: { host: 'db.example.com', database: 'shop', user: 'stepwise', password: PASSWORD },
      },
    }),
  );
  const graph = {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'find',
        type: 'action.postgres',
        name: 'Find customer',
        position: { x: 300, y: 0 },
        config: {
          credentialId: credential.id,
          query: "select id, email\nfrom customers\nwhere email = $1 -- not $9\n  and status = $2 and note <> '$3'",
          parameters: ['{{ input.email }}'],
        },
      },
    ],
    edges: [{ id: 'start-find', source: 'start', sourcePort: 'main', target: 'find' }],
  };
  const { id } = await ok<{ id: string }>(
    await page.request.post('/api/v1/workflows', { data: { name: 'Postgres settings e2e', graph } }),
  );
  await page.goto(`/workflows/${id}`);
  await page.getByTestId('node-Find customer').click();
  const settings = page.getByRole('complementary', { name: 'Node settings' });
  await expect(settings.getByRole('combobox', { name: 'Credential' })).toHaveValue(credential.id);
  await expect(settings.getByRole('textbox', { name: 'Query' })).toContainText('from customers');
  const parameters = settings.locator('[data-field="config.parameters"]');
  await expect(parameters).toContainText('the query uses $1…$2, so it needs 2 parameters (1 given)');
  await settings.screenshot({ path: `${SHOTS}/node-settings-problem.png` });

  await parameters.getByRole('button', { name: 'Add parameter' }).click();
  await parameters.getByRole('textbox', { name: 'Parameter 2' }).fill('active');
  await expect(parameters).not.toContainText('so it needs');
  await expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });
  const draft = await ok<{ graph: { nodes: { id: string; config: { parameters?: string[] } }[] } }>(
    await page.request.get(`/api/v1/workflows/${id}/draft`),
  );
  expect(draft.graph.nodes.find((node) => node.id === 'find')?.config.parameters).toEqual([
    '{{ input.email }}',
    'active',
  ]);
  await settings.screenshot({ path: `${SHOTS}/node-settings.png` });
  await page.screenshot({ path: screenshotPath('postgres-node-settings'), fullPage: true });
});
