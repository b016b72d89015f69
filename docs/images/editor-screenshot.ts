/**
 * Takes the README's screenshot of the editor: `node --no-node-snapshot docs/images/editor-screenshot.ts`.
 * Starts Stepwise on a fresh data dir (as the e2e specs do), sets up the owner, saves and publishes a
 * small order workflow, test-runs it in the editor and photographs it with one step inspected, at 1440x900
 * in the system's Chromium (`CHROMIUM_PATH`, else /usr/bin/chromium). Writes docs/images/editor.png.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from '@playwright/test';
import { SESSION_COOKIE, sessionCookie, setUpOwner } from '../../e2e/owner.ts';
import { startServer } from '../../e2e/server.ts';

/**
 *   New order ─▶ Normalise ─▶ Big order? ─true──▶ Notify sales
 *                                         └false─▶ Score lead
 */
const graph = (notifyUrl: string) => ({
  nodes: [
    {
      id: 'hook',
      type: 'trigger.webhook',
      name: 'New order',
      position: { x: 0, y: 120 },
      config: { method: 'POST', path: 'orders/new' },
    },
    {
      id: 'set',
      type: 'transform.set',
      name: 'Normalise',
      position: { x: 270, y: 120 },
      config: {
        fields: [
          { path: 'email', value: '{{ input.body.email.toLowerCase() }}' },
          { path: 'total', value: '{{ input.body.total }}' },
        ],
        keepInput: false,
      },
    },
    {
      id: 'if',
      type: 'condition.if',
      name: 'Big order?',
      position: { x: 540, y: 120 },
      config: { rules: [{ left: '{{ input.total }}', operator: 'greaterThan', right: '500' }] },
    },
    {
      id: 'http',
      type: 'action.http',
      name: 'Notify sales',
      position: { x: 810, y: 0 },
      config: { method: 'POST', url: notifyUrl, body: { email: '{{ input.email }}' } },
    },
    {
      id: 'script',
      type: 'transform.script',
      name: 'Score lead',
      position: { x: 810, y: 250 },
      config: { code: 'return { ...input, score: Math.min(100, Math.round(input.total / 5)) };' },
    },
  ],
  edges: [
    { id: 'e1', source: 'hook', sourcePort: 'main', target: 'set' },
    { id: 'e2', source: 'set', sourcePort: 'main', target: 'if' },
    { id: 'e3', source: 'if', sourcePort: 'true', target: 'http' },
    { id: 'e4', source: 'if', sourcePort: 'false', target: 'script' },
  ],
});

/** What "Notify sales" calls: a local stand-in for a sales team's webhook. */
const sales = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"ok":true}');
});
await new Promise<void>((resolve) => sales.listen(0, '127.0.0.1', resolve));
const notifyUrl = `http://127.0.0.1:${(sales.address() as AddressInfo).port}/sales`;

// Without the example node pack the e2e servers load: the README shows Stepwise's own palette.
const server = await startServer({ NODE_PACKS: '' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const session = await setUpOwner(server);
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${session}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const { id } = (await api('POST', '/workflows', {
    name: 'Route new orders',
    description: 'Big orders go to sales, the rest are scored',
    graph: graph(notifyUrl),
  })) as { id: string };
  await api('POST', `/workflows/${id}/versions`, { fromDraft: true, message: 'First version' });
  await api('POST', `/workflows/${id}/publish`, { version: 1 });

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies([sessionCookie(server.url, session)]);
  const page = await context.newPage();
  await page.goto(`${server.url}/workflows/${id}`);
  // A test run of the draft through the UI: the nodes light up with their steps' statuses.
  await page.getByRole('button', { name: 'Test run' }).click();
  const dialog = page.getByRole('dialog', { name: 'Test run' });
  const payload = dialog.getByRole('textbox', { name: 'Payload (JSON)' });
  await payload.click();
  await payload.press('ControlOrMeta+a');
  await payload.press('Backspace');
  await payload.pressSequentially('{"body": {"email": "Ada@Example.com", "total": 740}}');
  await dialog.getByRole('button', { name: 'Run' }).click();
  await page.locator('[data-testid="run-bar"][data-run-status="succeeded"]').waitFor({ timeout: 30_000 });
  // The inspector shows what the selected step received and produced.
  await page.getByTestId('node-Normalise').click();
  await page.getByRole('region', { name: 'Step inspector' }).getByTestId('inspector-output').waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: new URL('editor.png', import.meta.url).pathname });
  await context.close();
} finally {
  await browser.close();
  await server.stop();
  sales.close();
}
