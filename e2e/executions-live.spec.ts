import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIResponse, Page } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * The executions pages while runs happen: the list hears of runs as they start and end (no reload,
 * no 15-second poll), a running run is canceled from its page, and a failed run is retried from
 * its failed step, reusing what the steps before it produced. Data is seeded over the HTTP API.
 */

type Graph = { nodes: unknown[]; edges: unknown[] };
const at = (index: number) => ({ x: index * 300, y: 0 });
const start = { id: 'start', type: 'trigger.manual', name: 'Start', position: at(0), config: {} };
const link = (source: string, target: string) => ({ id: `${source}-${target}`, source, sourcePort: 'main', target });
const rows = (page: Page) => page.getByTestId('execution-row');

/**   Start ──▶ Wait (delay) ──▶ Done */
const waiting = (seconds: number): Graph => ({
  nodes: [
    start,
    { id: 'wait', type: 'flow.delay', name: 'Wait', position: at(1), config: { amount: seconds, unit: 'seconds' } },
    { id: 'done', type: 'transform.set', name: 'Done', position: at(2), config: {} },
  ],
  edges: [link('start', 'wait'), link('wait', 'done')],
});

async function ok<T>(response: APIResponse): Promise<T> {
  if (!response.ok()) throw new Error(`${response.url()} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** A workflow with `graph` saved as version 1 and published. */
async function publishedWorkflow(page: Page, name: string, graph: Graph): Promise<string> {
  const { id } = await ok<{ id: string }>(await page.request.post('/api/v1/workflows', { data: { name, graph } }));
  await ok(await page.request.post(`/api/v1/workflows/${id}/versions`, { data: { fromDraft: true, message: 'v1' } }));
  await ok(await page.request.post(`/api/v1/workflows/${id}/publish`, { data: { version: 1 } }));
  return id;
}

async function startRun(page: Page, workflowId: string, payload: unknown = {}): Promise<string> {
  const started = await page.request.post(`/api/v1/workflows/${workflowId}/runs`, { data: { payload } });
  return (await ok<{ executionId: string }>(started)).executionId;
}

interface StepRun {
  nodeId: string;
  attempt: number;
  status: string;
  output: unknown;
  reused: boolean;
  startedAt: string;
}
interface Execution {
  id: string;
  status: string;
  retryOf: string | null;
  steps: StepRun[];
}
const execution = async (page: Page, id: string) => ok<Execution>(await page.request.get(`/api/v1/executions/${id}`));

async function until(page: Page, id: string, status: RegExp, timeout = 30_000): Promise<Execution> {
  await expect.poll(async () => (await execution(page, id)).status, { timeout }).toMatch(status);
  return execution(page, id);
}

/** Opens the executions list and resolves once its live stream is open. */
async function openList(page: Page, path: string): Promise<void> {
  const stream = page.waitForResponse((response) => response.url().endsWith('/api/v1/events/runs'));
  await page.goto(path);
  expect((await stream).status()).toBe(200);
}

test('the executions list shows runs as they start and end, without a reload', async ({ page }) => {
  const id = await publishedWorkflow(page, 'Live orders', waiting(2));
  // This workflow's list is empty: nothing in it is running, so the old poll would wait 15 s.
  await openList(page, `/executions?workflowId=${id}`);
  await expect(page.getByText('No executions match these filters')).toBeVisible();
  await page.evaluate(() => {
    (window as { stillThisPage?: boolean }).stillThisPage = true;
  });

  const executionId = await startRun(page, id, { order: 1042 });
  const row = rows(page).filter({ hasText: 'Live orders' });
  await expect(row).toHaveCount(1, { timeout: 3_000 });
  await expect(row).toContainText(/Queued|Running/);
  await page.screenshot({ path: screenshotPath('executions-live'), fullPage: true });
  // It ends 2 s later (the delay); the end is told too, within about a second.
  await until(page, executionId, /succeeded/);
  await expect(row).toContainText('Succeeded', { timeout: 3_000 });
  expect(await page.evaluate(() => (window as { stillThisPage?: boolean }).stillThisPage)).toBe(true);

  // A burst of runs is dozens of run events: the list asks again about once a second, not per event.
  const quick = await publishedWorkflow(page, 'Live burst', {
    nodes: [start, { id: 'tidy', type: 'transform.set', name: 'Tidy', position: at(1), config: {} }],
    edges: [link('start', 'tidy')],
  });
  await openList(page, `/executions?workflowId=${quick}`);
  let listCalls = 0;
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/v1/executions') listCalls++;
  });
  const startedAt = Date.now();
  const burst = await Promise.all(Array.from({ length: 20 }, (_, index) => startRun(page, quick, { index })));
  for (const executionId of burst) await until(page, executionId, /succeeded/);
  await expect(rows(page).filter({ hasText: 'Succeeded' })).toHaveCount(20, { timeout: 3_000 });
  const seconds = (Date.now() - startedAt) / 1000;
  // One a second from the stream, plus a 2 s poll while a listed run is still queued.
  expect(listCalls).toBeLessThanOrEqual(Math.ceil(seconds * 1.5) + 3);
});

test('a running run is canceled from its page', async ({ page }) => {
  const id = await publishedWorkflow(page, 'Slow report', waiting(60));
  const executionId = await startRun(page, id, { month: 'November' });
  await page.goto(`/executions/${executionId}`);
  const heading = page.getByRole('heading', { name: /Slow report/ });
  await expect(heading).toContainText('Running');
  await expect(page.getByTestId('node-Start')).toHaveAttribute('data-status', 'succeeded');

  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect(heading).toContainText('Canceled');
  await expect(page.getByRole('button', { name: 'Cancel run' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Resume where it stopped' })).toBeVisible();
  // Nothing after the delay ran.
  await expect(page.getByTestId('node-Done')).not.toHaveAttribute('data-status', 'succeeded');
  expect((await execution(page, executionId)).status).toBe('canceled');
  // The delay says when its successors were due.
  await page.getByTestId('node-Wait').click();
  await expect(page.getByTestId('step-panel')).toContainText('Next steps from');
  await page.screenshot({ path: screenshotPath('execution-canceled'), fullPage: true });

  // Back in the list (no reload: the app's own link), the run is marked canceled.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Executions' }).click();
  await expect(rows(page).filter({ hasText: 'Slow report' }).first()).toContainText('Canceled');
});

test.describe('a run that failed at a step', () => {
  let http: Server;
  let url = '';
  /** What the far side answers: 500 until the test says it has recovered. */
  let healthy = false;
  const calls: unknown[] = [];
  test.beforeAll(async () => {
    http = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        calls.push(JSON.parse(body || 'null'));
        response.writeHead(healthy ? 200 : 500, { 'content-type': 'application/json' });
        response.end(JSON.stringify(healthy ? { booked: true } : { error: 'ledger down' }));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/book`;
  });
  test.afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
  });

  test('is retried from the failed step, reusing the outputs of the steps before it', async ({ page }) => {
    test.slow(); // the HTTP node tries four times, with backoff, before the run fails
    /**   Start ──▶ Stamp (set: a value that differs on every run) ──▶ Book (HTTP POST) ──▶ Done */
    const graph: Graph = {
      nodes: [
        start,
        {
          id: 'stamp',
          type: 'transform.set',
          name: 'Stamp',
          position: at(1),
          config: { fields: [{ path: 'stamp', value: '{{ Math.random().toString(36).slice(2) }}' }] },
        },
        {
          id: 'book',
          type: 'action.http',
          name: 'Book',
          position: at(2),
          config: { method: 'POST', url, body: { stamp: '{{ input.stamp }}' } },
        },
        { id: 'done', type: 'transform.set', name: 'Done', position: at(3), config: {} },
      ],
      edges: [link('start', 'stamp'), link('stamp', 'book'), link('book', 'done')],
    };
    const id = await publishedWorkflow(page, 'Book invoice', graph);
    const failedId = await startRun(page, id, { invoice: 'INV-7' });
    const failed = await until(page, failedId, /failed|succeeded/, 60_000);
    expect(failed.status).toBe('failed');
    const stampOf = (run: Execution) => run.steps.find((step) => step.nodeId === 'stamp');
    const firstStamp = stampOf(failed);
    if (!firstStamp) throw new Error('Stamp did not run');
    expect(firstStamp.status).toBe('succeeded');
    const { stamp } = firstStamp.output as { stamp: string };
    const callsBefore = calls.length; // every attempt of Book
    expect(callsBefore).toBeGreaterThanOrEqual(1);

    await page.goto(`/executions/${failedId}`);
    await expect(page.getByTestId('node-Book')).toHaveAttribute('data-status', 'failed');
    await expect(page.getByRole('alert').filter({ hasText: 'The run failed' })).toContainText('HTTP 500');
    healthy = true; // the ledger is back
    await page.getByRole('button', { name: 'Retry from failed step' }).click();
    await expect(page).toHaveURL(/\/executions\/[0-9a-f-]{36}$/);
    await expect(page).not.toHaveURL(new RegExp(failedId));
    const retryId = page.url().split('/').at(-1) as string;
    const heading = page.getByRole('heading', { name: /Book invoice/ });
    await expect(heading).toContainText('Succeeded', { timeout: 20_000 });
    await expect(page.getByText('Retry of')).toBeVisible();
    for (const name of ['Start', 'Stamp', 'Book', 'Done']) {
      await expect(page.getByTestId(`node-${name}`)).toHaveAttribute('data-status', 'succeeded');
    }
    // The page says which steps were carried over rather than run again.
    await page.getByTestId('node-Stamp').click();
    await expect(page.getByTestId('step-panel')).toContainText('Reused from the run it retries');
    await expect(page.getByTestId('step-panel')).toContainText(stamp);
    await page.getByTestId('node-Book').click();
    await expect(page.getByTestId('step-panel')).not.toContainText('Reused from the run it retries');
    await expect(page.getByTestId('step-panel')).toContainText('booked');
    await page.screenshot({ path: screenshotPath('execution-retried-from-failure'), fullPage: true });

    // The failed run now links to its retry and offers no second retry.
    await page.getByText('Retry of').locator('..').getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/executions/${failedId}$`));
    await expect(page.getByText('Retried as', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: /Retry/ })).toHaveCount(0);
    await expect(page.getByText(/retry that run to go on/)).toBeVisible();
    await page.screenshot({ path: screenshotPath('execution-retried-original'), fullPage: true });
    await page
      .getByText(/retry that run to go on/)
      .getByRole('link')
      .click();
    await expect(page).toHaveURL(new RegExp(`/executions/${retryId}$`));

    // As the server records it: Start and Stamp reused as they were, only Book and Done ran.
    const retry = await execution(page, retryId);
    expect(retry).toMatchObject({ status: 'succeeded', retryOf: failedId });
    const reused = Object.fromEntries(retry.steps.map((step) => [step.nodeId, step.reused]));
    expect(reused).toEqual({ start: true, stamp: true, book: false, done: false });
    expect(stampOf(retry)?.output).toEqual(firstStamp.output);
    expect(stampOf(retry)?.startedAt).toBe(firstStamp.startedAt);
    // The far side was called once more, with the stamp the first run made.
    expect(calls.slice(callsBefore)).toEqual([{ stamp }]);
  });
});
