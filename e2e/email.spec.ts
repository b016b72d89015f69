import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { APIResponse, Page } from '@playwright/test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { expect, screenshotPath, test } from './fixtures.ts';

/**
 * Email end to end: an admin stores an SMTP server on the credentials page (its form rendered from
 * the type's schema), a worker tests it, and a run's Send email step delivers to a real SMTP server
 * on 127.0.0.1, its panel showing what was sent. Plain SMTP with a sign-in, as a relay on one's own
 * network is set up (TLS is covered by the server's tests).
 */

const USER = 'outbox-e2e';
const PASSWORD = 'pw-e2e-smtp-4d3c2b1a';
const SHOTS = '/tmp/shots-email';
mkdirSync(SHOTS, { recursive: true });

const shoot = async (page: Page, name: string) => {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

async function ok<T>(response: APIResponse): Promise<T> {
  if (!response.ok()) throw new Error(`${response.url()} answered ${response.status()}: ${await response.text()}`);
  return (await response.json()) as T;
}

const received: { rcptTo: string[]; subject: string | undefined; attachments: string[] }[] = [];
let smtp: SMTPServer;
let port = 0;
test.beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER });
      else callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        received.push({
          rcptTo: session.envelope.rcptTo.map((recipient) => recipient.address),
          subject: mail.subject,
          attachments: mail.attachments.map((file) => file.filename ?? ''),
        });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
});
test.afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

test('an admin stores an SMTP server, a worker signs in to it, and a run mails through it', async ({ page }) => {
  await page.goto('/admin/credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('Outbox e2e SMTP');
  await dialog.getByLabel('Type').selectOption({ label: 'Email server (SMTP)' });
  // Protocol types name their own server: no allowed targets to fill in.
  await expect(dialog.getByLabel('Allowed targets')).toHaveCount(0);
  await expect(dialog.getByLabel('Port', { exact: true })).toHaveValue('587');
  await expect(dialog.getByLabel('Security', { exact: true })).toHaveValue('starttls');
  await expect(dialog.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password');
  await shoot(page, 'smtp-credential-new');
  await dialog.getByLabel(/^Server/).fill('127.0.0.1');
  await dialog.getByLabel('Port', { exact: true }).fill(String(port));
  await dialog
    .getByLabel('Security', { exact: true })
    .selectOption({ label: 'None: plain text, only for a relay on your own network' });
  await dialog.getByLabel('User name', { exact: true }).fill(USER);
  await dialog.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await dialog.getByLabel('Default sender').fill('Outbox <outbox@example.com>');
  await shoot(page, 'smtp-credential-filled');
  await dialog.getByRole('button', { name: 'Save credential' }).scrollIntoViewIfNeeded();
  await shoot(page, 'smtp-credential-filled-end');
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Outbox e2e SMTP' });
  await expect(row).toContainText('Email server (SMTP)');
  await expect(row).toContainText('Not sent over HTTP');
  await expect(page.getByText(PASSWORD)).toHaveCount(0);

  await page.getByRole('button', { name: 'Test connection of Outbox e2e SMTP' }).click();
  const test = page.getByRole('dialog');
  await expect(test.getByLabel('URL')).toHaveCount(0);
  await test.getByRole('button', { name: 'Test connection' }).click();
  await expect(test.getByText(`Signed in to 127.0.0.1:${port} as ${USER} (no encryption)`)).toBeVisible();
  await shoot(page, 'smtp-credential-test');
  await test.getByText('Close', { exact: true }).click();

  // A run that mails a file made in the workflow; its step panel shows what was sent.
  const credentials = await ok<{ items: { id: string; name: string }[] }>(
    await page.request.get('/api/v1/credentials'),
  );
  const credentialId = credentials.items.find((item) => item.name === 'Outbox e2e SMTP')?.id;
  const graph = {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'mail',
        type: 'action.email',
        name: 'Mail report',
        position: { x: 320, y: 0 },
        config: {
          credentialId,
          to: '{{ trigger.to }}',
          bcc: 'archive@example.com',
          subject: 'Weekly report {{ trigger.week }}',
          text: 'The report is attached.',
          attachments: '{{ [{ name: "report.csv", type: "text/csv", text: "week,total\\n" + trigger.week + ",12" }] }}',
        },
      },
    ],
    edges: [{ id: 'start-mail', source: 'start', sourcePort: 'main', target: 'mail' }],
  };
  const { id } = await ok<{ id: string }>(
    await page.request.post('/api/v1/workflows', { data: { name: 'Outbox e2e report', graph } }),
  );
  await ok(await page.request.post(`/api/v1/workflows/${id}/versions`, { data: { fromDraft: true, message: 'v1' } }));
  await ok(await page.request.post(`/api/v1/workflows/${id}/publish`, { data: { version: 1 } }));
  const { executionId } = await ok<{ executionId: string }>(
    await page.request.post(`/api/v1/workflows/${id}/runs`, {
      data: { payload: { to: 'Ada <ada@example.com>', week: 23 } },
    }),
  );
  await page.goto(`/executions/${executionId}`);
  await expect(page.getByTestId('node-Mail report')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  expect(received.at(-1)).toEqual({
    rcptTo: ['ada@example.com', 'archive@example.com'],
    subject: 'Weekly report 23',
    attachments: ['report.csv'],
  });
  await page.getByTestId('node-Mail report').click();
  const panel = page.getByTestId('step-panel');
  const sent = panel.getByTestId('sent-request');
  await expect(sent).toContainText(`SMTP to 127.0.0.1:${port}`);
  await expect(sent).toContainText('Weekly report 23');
  await expect(sent).toContainText('report.csv');
  await expect(panel).toContainText('messageId');
  await expect(panel).not.toContainText(PASSWORD);
  await expect(sent).toContainText('report.csv (16 bytes)');
  await sent.scrollIntoViewIfNeeded();
  await shoot(page, 'email-step-sent');
  await sent.screenshot({ path: `${SHOTS}/email-step-sent-record.png` });

  // The node's settings in the editor: the credential picked by name, the fields as templates.
  await page.goto(`/workflows/${id}`);
  await page.getByTestId('node-Mail report').click();
  const settings = page.getByRole('complementary', { name: 'Node settings' });
  const picker = settings.locator('[data-field="config.credentialId"]').getByRole('combobox', { name: 'Credential' });
  await expect(picker.locator('option:checked')).toHaveText('Outbox e2e SMTP (smtp)');
  await expect(settings).toContainText('Message-ID');
  await settings.screenshot({ path: `${SHOTS}/email-node-settings.png` });
});
