import type { APIResponse, Browser, Locator, Page } from '@playwright/test';
import { dragFromPalette, drawEdge, handle, node, typeInto } from './canvas.ts';
import { expect, screenshotPath, test } from './fixtures.ts';
import { publishFirstVersion, saveFirstVersion } from './versions.ts';

/**
 * Waits and approvals in the browser. A Wait step set to "approval" stops the run (`waiting`) until
 * someone whose role may decide approves or rejects it, in the Approvals inbox or on the run's page;
 * the run then goes on by the `approved` or `rejected` branch and the other branch is skipped.
 *
 *   Manual trigger ──▶ Wait (approval) ─approved──▶ Issue refund
 *                                      └rejected──▶ Tell customer no
 *
 * The first test builds, publishes and runs that workflow through the browser only; the second
 * seeds it over HTTP (as other specs do) and shows an analyst the approval they cannot decide.
 * The specs share one server: names here are this file's own.
 */

/** Connects `from`'s port `port` to `to`'s input, with the mouse. */
const connect = (page: Page, from: Locator, port: string, to: Locator) =>
  drawEdge(page, handle(from, 'source', port), handle(to, 'target'));

async function rename(page: Page, from: string, to: string): Promise<void> {
  await node(page, from).dblclick();
  const box = page.getByRole('textbox', { name: 'Node name' });
  await box.fill(to);
  await box.press('Enter');
  await expect(node(page, to)).toBeVisible();
}

const saved = (page: Page) => expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });

async function ok<T>(response: APIResponse): Promise<T> {
  if (!response.ok()) throw new Error(`${response.url()} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

test('an approval stops the run until an admin approves it in the inbox; the run ends by the approved branch', async ({
  page,
}) => {
  const { id } = await ok<{ id: string }>(
    await page.request.post('/api/v1/workflows', {
      data: { name: 'Approvals journey: returns desk', graph: { nodes: [], edges: [] } },
    }),
  );

  // Nothing waits yet: the inbox says what will show there, and the navigation has no count.
  await page.goto('/approvals');
  await expect(page.getByText('Nothing waiting for approval')).toBeVisible();
  await expect(page.getByTestId('pending-approvals')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('approvals-empty') });

  // Build: trigger → Wait → two Set steps.
  await page.goto(`/workflows/${id}`);
  await dragFromPalette(page, 'trigger.manual', 120, 260);
  await dragFromPalette(page, 'flow.wait', 380, 260);
  await dragFromPalette(page, 'transform.set', 680, 140);
  await dragFromPalette(page, 'transform.set', 680, 420);
  await rename(page, 'Wait', 'Refund approval');
  await rename(page, 'Set fields', 'Issue refund');
  await rename(page, 'Set fields 2', 'Tell customer no');
  await connect(page, node(page, 'Manual trigger'), 'main', node(page, 'Refund approval'));

  // The Wait step's ports follow its mode: one for a duration, main and timeout for a callback,
  // approved, rejected and timeout for an approval.
  const wait = node(page, 'Refund approval');
  await wait.click();
  const panel = page.getByRole('complementary', { name: 'Node settings' });
  const ports = wait.locator('.react-flow__handle.source');
  await expect(ports).toHaveCount(1);
  await panel.getByLabel('Mode').selectOption('callback');
  await expect(wait.locator('.react-flow__handle.source[data-handleid="timeout"]')).toBeVisible();
  await expect(ports).toHaveCount(2);
  await panel.getByLabel('Mode').selectOption('approval');
  await expect(ports).toHaveCount(3);
  for (const port of ['approved', 'rejected', 'timeout']) {
    await expect(wait.locator(`.react-flow__handle.source[data-handleid="${port}"]`)).toBeVisible();
  }
  await panel.getByLabel('Role').selectOption('operator');
  await typeInto(
    panel.getByRole('textbox', { name: 'Title' }),
    'Refund {{ input.amount }} EUR to {{ input.customer }}?',
  );
  await typeInto(panel.getByRole('textbox', { name: 'Message' }), 'Order 1042 arrived damaged.');
  await connect(page, wait, 'approved', node(page, 'Issue refund'));
  await connect(page, wait, 'rejected', node(page, 'Tell customer no'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);
  await saved(page);
  await expect(page.getByTestId('problems-none')).toBeVisible();
  await panel.getByLabel('Role').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('approvals-editor-wait') });

  // Save a version, publish it and run it with a payload.
  await saveFirstVersion(page, 'Refunds need an approval');
  await publishFirstVersion(page);
  await page.getByRole('button', { name: 'Run now' }).click();
  const runNow = page.getByRole('dialog', { name: 'Run v1 now' });
  await runNow.getByLabel('Payload (JSON)').fill('{ "amount": 120, "customer": "Ada" }');
  await runNow.getByRole('button', { name: 'Start run' }).click();
  await expect(page).toHaveURL(/\/executions\/[0-9a-f-]{36}$/);
  const runUrl = page.url();

  // The run waits: its page says so, the Wait step is drawn waiting, and its approval card asks,
  // with the title worked out from the payload.
  const header = page.getByRole('heading', { level: 1 });
  await expect(header).toContainText('Waiting', { timeout: 30_000 });
  await expect(node(page, 'Refund approval')).toHaveAttribute('data-status', 'waiting');
  await expect(page.getByTestId('pending-approvals')).toHaveText('1 pending');
  const card = page.getByTestId('approval');
  await expect(card).toContainText('Refund 120 EUR to Ada?');
  await expect(card).toContainText('Operators and admins');
  await node(page, 'Refund approval').click();
  await expect(page.getByTestId('waiting-for')).toContainText('Waiting for approval by an operator or admin');
  await page.screenshot({ path: screenshotPath('approvals-run-waiting'), fullPage: true });

  // The executions list shows it waiting.
  await page.goto(`/executions?workflowId=${id}`);
  const row = page.getByTestId('execution-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Waiting');

  // The inbox: the navigation counts one, the card links to its run; approve with a comment.
  await expect(page.getByTestId('pending-approvals')).toHaveText('1 pending');
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /Approvals/ })
    .click();
  await expect(page).toHaveURL(/\/approvals$/);
  const inboxCard = page.getByRole('article', { name: 'Approval: Refund 120 EUR to Ada?' });
  await expect(inboxCard).toContainText('Approvals journey: returns desk');
  await expect(inboxCard).toContainText('Order 1042 arrived damaged.');
  await page.screenshot({ path: screenshotPath('approvals-inbox') });
  await inboxCard.getByLabel('Comment').fill('Checked the photos, refund it.');
  await inboxCard.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Approved “Refund 120 EUR to Ada?”' })).toBeVisible();
  await expect(page.getByText('Nothing waiting for approval')).toBeVisible();
  await expect(page.getByTestId('pending-approvals')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('approvals-after-approve') });

  // The Decided tab keeps who decided and what they wrote.
  await page.getByRole('tab', { name: 'Decided' }).click();
  const decided = page.getByRole('article', { name: 'Approval: Refund 120 EUR to Ada?' });
  await expect(decided.getByTestId('approval-state')).toHaveText('Approved');
  await expect(decided.getByTestId('approval-outcome')).toContainText('Approved by Olivia Owner');
  await expect(decided.getByTestId('approval-outcome')).toContainText('Checked the photos, refund it.');
  await page.screenshot({ path: screenshotPath('approvals-decided') });

  // The run went on by the approved branch and succeeded; the rejected branch was skipped.
  await page.goto(runUrl);
  await expect(header).toContainText('Succeeded', { timeout: 30_000 });
  await expect(node(page, 'Refund approval')).toHaveAttribute('data-status', 'succeeded');
  await expect(node(page, 'Issue refund')).toHaveAttribute('data-status', 'succeeded');
  await expect(node(page, 'Tell customer no')).toHaveAttribute('data-status', 'skipped');
  await expect(page.getByTestId('approval-outcome')).toContainText('Approved by Olivia Owner');
  await page.screenshot({ path: screenshotPath('approvals-run-approved'), fullPage: true });
});

//  Start ──▶ Gate (approval, operator) ─approved──▶ Ship
//                                      └rejected──▶ Hold
const seededGraph = {
  nodes: [
    { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'gate',
      type: 'flow.wait',
      name: 'Gate',
      position: { x: 300, y: 0 },
      config: { mode: 'approval', role: 'operator', title: 'Ship order {{ input.order }}?' },
    },
    { id: 'ship', type: 'transform.set', name: 'Ship', position: { x: 600, y: -100 }, config: {} },
    { id: 'hold', type: 'transform.set', name: 'Hold', position: { x: 600, y: 100 }, config: {} },
  ],
  edges: [
    { id: 'e1', source: 'start', sourcePort: 'main', target: 'gate' },
    { id: 'e2', source: 'gate', sourcePort: 'approved', target: 'ship' },
    { id: 'e3', source: 'gate', sourcePort: 'rejected', target: 'hold' },
  ],
};

const ANALYST = { name: 'Avery Analyst', email: 'approvals-analyst@example.com', password: 'analyst password 123' };

async function signedInAsAnalyst(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const login = await context.request.post('/api/v1/auth/login', {
    data: { email: ANALYST.email, password: ANALYST.password },
  });
  expect(login.status()).toBe(200);
  return context.newPage();
}

test('an analyst sees an operator approval but cannot decide it; an admin rejects it on the run’s page', async ({
  page,
  browser,
  server,
}) => {
  const { id } = await ok<{ id: string }>(
    await page.request.post('/api/v1/workflows', { data: { name: 'Approvals journey: shipping', graph: seededGraph } }),
  );
  await ok(await page.request.post(`/api/v1/workflows/${id}/versions`, { data: { fromDraft: true } }));
  await ok(await page.request.post(`/api/v1/workflows/${id}/publish`, { data: { version: 1 } }));
  await ok(await page.request.post('/api/v1/users', { data: { ...ANALYST, role: 'analyst' } }));
  const { executionId } = await ok<{ executionId: string }>(
    await page.request.post(`/api/v1/workflows/${id}/runs`, { data: { payload: { order: 77 } } }),
  );

  // The analyst sees it waiting, with no buttons: the card says who may decide.
  const analyst = await signedInAsAnalyst(browser, server.url);
  await analyst.goto('/approvals');
  const card = analyst.getByRole('article', { name: 'Approval: Ship order 77?' });
  await expect(card).toBeVisible({ timeout: 30_000 });
  await expect(card.getByTestId('approval-refusal')).toHaveText(
    'Your role cannot decide this one. Operators and admins can.',
  );
  await expect(card.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(card.getByRole('button', { name: 'Reject' })).toHaveCount(0);
  await expect(analyst.getByTestId('pending-approvals')).toHaveAttribute('title', /none your role can decide/);
  await analyst.screenshot({ path: screenshotPath('approvals-analyst') });
  await analyst.goto(`/executions/${executionId}`);
  await expect(analyst.getByTestId('approval-refusal')).toBeVisible();
  await analyst.context().close();

  // The owner rejects it on the run's page: the run ends by the rejected branch.
  await page.goto(`/executions/${executionId}`);
  const onRun = page.getByRole('article', { name: 'Approval: Ship order 77?' });
  await onRun.getByLabel('Comment').fill('Address is incomplete.');
  await onRun.getByRole('button', { name: 'Reject' }).click();
  await expect(onRun.getByTestId('approval-state')).toHaveText('Rejected');
  await expect(onRun.getByTestId('approval-outcome')).toContainText('Rejected by Olivia Owner');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Succeeded', { timeout: 30_000 });
  await expect(node(page, 'Hold')).toHaveAttribute('data-status', 'succeeded');
  await expect(node(page, 'Ship')).toHaveAttribute('data-status', 'skipped');
  await page.screenshot({ path: screenshotPath('approvals-run-rejected'), fullPage: true });
});
