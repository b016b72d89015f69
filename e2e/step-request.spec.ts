import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIResponse } from '@playwright/test';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * An HTTP step's panel on the execution page shows the request it sent beside the answer: method,
 * URL, headers with the credential masked, and the body. Data is seeded over the HTTP API; the
 * called server is a real one on 127.0.0.1.
 */

const TOKEN = 'tok-e2e-5f6a7b8c9d';

async function ok<T>(response: APIResponse): Promise<T> {
  if (!response.ok()) throw new Error(`${response.url()} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

let http: Server;
let origin = '';
test.beforeAll(async () => {
  http = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ booked: true, seen: request.headers.authorization }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

test('the step panel shows the request an HTTP step sent, its secret masked', async ({ page }) => {
  const credential = await ok<{ id: string }>(
    await page.request.post('/api/v1/credentials', {
      data: { name: 'Booking API', type: 'bearer', secret: { token: TOKEN }, allowedTargets: [origin] },
    }),
  );
  const graph = {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'book',
        type: 'action.http',
        name: 'Book',
        position: { x: 300, y: 0 },
        config: {
          method: 'POST',
          url: `${origin}/bookings`,
          headers: { 'X-Channel': 'web' },
          body: { room: 12, nights: 2 },
          credentialId: credential.id,
        },
      },
    ],
    edges: [{ id: 'start-book', source: 'start', sourcePort: 'main', target: 'book' }],
  };
  const { id } = await ok<{ id: string }>(
    await page.request.post('/api/v1/workflows', { data: { name: 'Bookings', graph } }),
  );
  await ok(await page.request.post(`/api/v1/workflows/${id}/versions`, { data: { fromDraft: true, message: 'v1' } }));
  await ok(await page.request.post(`/api/v1/workflows/${id}/publish`, { data: { version: 1 } }));
  const { executionId } = await ok<{ executionId: string }>(
    await page.request.post(`/api/v1/workflows/${id}/runs`, { data: { payload: {} } }),
  );

  await page.goto(`/executions/${executionId}`);
  await expect(page.getByTestId('node-Book')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  await page.getByTestId('node-Book').click();
  const sent = page.getByTestId('step-panel').getByTestId('sent-request');
  await expect(sent).toContainText('Request sent');
  await expect(sent).toContainText(`POST${origin}/bookings`);
  await expect(sent).toContainText('authorization:Bearer ••••••');
  await expect(sent).toContainText('x-channel:web');
  await expect(sent).toContainText('room: 12');
  // The answer sits beside it; the token is nowhere on the page (the echo in the answer is masked too).
  await expect(page.getByTestId('step-panel')).toContainText('booked');
  await expect(page.getByTestId('step-panel')).not.toContainText(TOKEN);
  await page.screenshot({ path: screenshotPath('step-request-sent'), fullPage: true });
  await page.screenshot({ path: '/tmp/shots-hooktest/step-request-sent.png', fullPage: true });
});
