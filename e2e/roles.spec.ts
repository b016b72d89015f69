import type { Browser, Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * The app hides what a role cannot do (the server refuses it anyway; the role matrix test proves
 * that). An operator retries runs and rolls back but neither edits nor publishes; an analyst edits
 * but neither publishes nor retries.
 */

const graph = (greeting: string) => ({
  nodes: [
    { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'greet',
      type: 'transform.set',
      name: 'Greet',
      position: { x: 300, y: 0 },
      config: { fields: [{ path: 'greeting', value: `${greeting} {{ input.name }}` }] },
    },
    {
      id: 'boom',
      type: 'transform.script',
      name: 'Boom',
      position: { x: 600, y: 0 },
      config: { code: 'throw new Error("out of stock")' },
    },
  ],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'main', target: 'greet' },
    { id: 'e2', source: 'greet', sourcePort: 'main', target: 'boom' },
  ],
});

async function seed(page: Page): Promise<{ workflowId: string; executionId: string }> {
  const created = await page.request.post('/api/v1/workflows', {
    data: { name: 'Stock alerts', graph: graph('Hello') },
  });
  const { id } = (await created.json()) as { id: string };
  const first = await page.request.post(`/api/v1/workflows/${id}/versions`, {
    data: { message: 'first', fromDraft: true },
  });
  expect(first.status(), await first.text()).toBe(201);
  await page.request.put(`/api/v1/workflows/${id}/draft`, { data: { graph: graph('Hi') } });
  await page.request.post(`/api/v1/workflows/${id}/versions`, { data: { message: 'friendlier', fromDraft: true } });
  await page.request.post(`/api/v1/workflows/${id}/publish`, { data: { version: 2 } });
  const run = await page.request.post(`/api/v1/workflows/${id}/runs`, { data: { payload: { name: 'Ada' } } });
  expect(run.status(), await run.text()).toBe(201);
  const { executionId } = (await run.json()) as { executionId: string };
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/v1/executions/${executionId}`)).json()) as { status: string }).status,
      {
        timeout: 30_000,
      },
    )
    .toBe('failed');
  for (const [name, role] of [
    ['Otto Operator', 'operator'],
    ['Ann Analyst', 'analyst'],
  ]) {
    const email = `${role}@example.com`;
    const answer = await page.request.post('/api/v1/users', {
      data: { name, email, role, password: `${role} password 123` },
    });
    expect(answer.status()).toBe(201);
  }
  return { workflowId: id, executionId };
}

async function signedInAs(browser: Browser, baseURL: string, role: 'operator' | 'analyst'): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const login = await context.request.post('/api/v1/auth/login', {
    data: { email: `${role}@example.com`, password: `${role} password 123` },
  });
  expect(login.status()).toBe(200);
  return context.newPage();
}

test('each role sees the actions it may take, and only those', async ({ page, browser, server }) => {
  const { workflowId, executionId } = await seed(page);

  const operator = await signedInAs(browser, server.url, 'operator');
  await operator.goto('/workflows');
  await expect(operator.getByText('Stock alerts')).toBeVisible();
  await expect(operator.getByRole('button', { name: 'New workflow' })).toHaveCount(0);
  await operator.goto(`/workflows/${workflowId}/versions`);
  await expect(operator.getByTestId('version-1').getByRole('button', { name: 'Roll back' })).toBeVisible();
  await expect(operator.getByRole('button', { name: 'Run now' })).toHaveCount(0);
  await expect(operator.getByRole('button', { name: 'Activate' })).toHaveCount(0);
  await operator.screenshot({ path: screenshotPath('roles-operator-versions'), fullPage: true });
  await operator.goto(`/executions/${executionId}`);
  await expect(operator.getByRole('button', { name: 'Retry from failed step' })).toBeVisible();
  // The editor opens view-only: the draft, no palette, nothing that saves.
  await operator.goto(`/workflows/${workflowId}`);
  await expect(operator.getByText('View only')).toBeVisible();
  await expect(operator.getByTestId('node-Greet')).toBeVisible();
  await expect(operator.getByRole('button', { name: 'Save version' })).toHaveCount(0);
  await expect(operator.getByRole('button', { name: 'Test run' })).toHaveCount(0);
  // Its nodes still open, to read their settings.
  await operator.getByTestId('node-Greet').click();
  await expect(operator.getByRole('complementary', { name: 'Node Greet' })).toContainText('Configuration');
  await operator.screenshot({ path: screenshotPath('roles-operator-editor'), fullPage: true });

  const analyst = await signedInAs(browser, server.url, 'analyst');
  await analyst.goto('/workflows');
  await expect(analyst.getByRole('button', { name: 'New workflow' })).toBeVisible();
  await analyst.goto(`/workflows/${workflowId}/versions`);
  await expect(analyst.getByText('friendlier')).toBeVisible();
  await expect(analyst.getByRole('button', { name: 'Roll back' })).toHaveCount(0);
  // What is hidden says why, where the user looks for it.
  await expect(analyst.getByTestId('publish-rights')).toHaveText(/Only admins publish/);
  await analyst.screenshot({ path: screenshotPath('roles-analyst-versions'), fullPage: true });
  await expect(analyst.getByRole('button', { name: 'Run now' })).toHaveCount(0);
  await analyst.goto(`/executions/${executionId}`);
  await expect(analyst.getByText('out of stock').first()).toBeVisible();
  await expect(analyst.getByRole('button', { name: 'Retry from failed step' })).toHaveCount(0);
  await expect(analyst.getByRole('navigation', { name: 'Main' })).not.toContainText('Users');

  // The owner, an admin, has every action.
  await page.goto(`/workflows/${workflowId}/versions`);
  await expect(page.getByRole('button', { name: 'Run now' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Activate' })).toBeVisible();
});
