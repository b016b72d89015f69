import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from '@playwright/test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { Events, type MutableResponse, OAuth2Server } from 'oauth2-mock-server';
import { SMTPServer } from 'smtp-server';
import { drawEdge, frame, handle, node, typeInto } from './canvas.ts';
import { expect, screenshotPath, test } from './fixtures.ts';
import { publishFirstVersion, saveFirstVersion } from './versions.ts';

/**
 * Issue 17's acceptance journey, as an admin goes through the browser: connect an OAuth 2 account
 * at a provider, store an SMTP server, build the "CSV → loop → email" workflow from the template
 * gallery (adding an HTTP call inside the loop that signs in with the OAuth 2 connection), publish
 * and activate it, send its webhook a CSV file from outside, and read the summary mail it sends.
 * Every far side is real and on 127.0.0.1: an OAuth 2 authorization server (oauth2-mock-server),
 * an SMTP server (smtp-server) and a small CRM API that records who called it with what token.
 *
 *   Upload ──▶ Parse CSV ──▶ Each row ══body══▶ [ Look up contact (HTTP, OAuth 2) ──▶ Row ] ──done──▶ Totals ──▶ Email summary
 */

/** Unique: every spec shares one server (and some find their own things by name). */
const SUFFIX = Date.now().toString(36);
const OAUTH = `Journey CRM OAuth ${SUFFIX}`;
const SMTP = `Journey mail relay ${SUFFIX}`;
const WORKFLOW = `Journey CSV summary ${SUFFIX}`;
const RECIPIENT = 'ledger-team@example.com';
const SMTP_USER = 'journey-mailer';
const SMTP_PASSWORD = 'pw-journey-smtp-71c9e2';

/** Four rows: a quoted comma in two names, padded and upper-case emails to tidy, an empty amount. */
const CSV = [
  'name,email,amount',
  'Ada Lovelace, ADA@Example.com ,120.50',
  '"Hopper, Grace",grace@example.com,80',
  'Alan Turing,alan@example.com,42.25',
  '"Noether, Emmy",Emmy@Example.com,',
  '',
].join('\n');

const SHOTS = '/tmp/shots-journey';
mkdirSync(SHOTS, { recursive: true });
async function shoot(page: Page, name: string, options: { fullPage?: boolean } = { fullPage: true }) {
  await page.screenshot({ path: screenshotPath(`journey-${name}`), ...options });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, ...options });
}

// ── The far sides ────────────────────────────────────────────────────────────────────────────

let provider: OAuth2Server;
let providerUrl = '';
/** Every access token the provider handed out, in order. */
const issuedTokens: string[] = [];

interface ReceivedMail {
  readonly mailFrom: string;
  readonly rcptTo: string[];
  readonly parsed: ParsedMail;
}
let smtp: SMTPServer;
let smtpPort = 0;
const mails: ReceivedMail[] = [];

interface CrmCall {
  readonly email: string;
  readonly authorization: string;
}
let crm: Server;
let crmOrigin = '';
const crmCalls: CrmCall[] = [];

async function startProvider(): Promise<void> {
  provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  providerUrl = provider.issuer.url as string;
  // The mock grants "dummy" whatever is asked: grant the scopes asked for at /authorize instead.
  const scopesByCode = new Map<string, string>();
  provider.service.on(Events.BeforeAuthorizeRedirect, ({ url }, request) => {
    const code = url.searchParams.get('code');
    if (code) scopesByCode.set(code, new URL(request.url ?? '', providerUrl).searchParams.get('scope') ?? '');
  });
  // The token endpoint's answers: the access tokens a request may carry afterwards.
  provider.service.on(Events.BeforeResponse, (response: MutableResponse, request) => {
    const body = response.body as { access_token?: unknown; scope?: unknown };
    const asked = request.body as Record<string, string>;
    if (asked.grant_type === 'authorization_code') body.scope = scopesByCode.get(asked.code ?? '') ?? '';
    if (typeof body.access_token === 'string') issuedTokens.push(body.access_token);
  });
}

/** Plain SMTP with a sign-in, as a relay on one's own network; every mail parsed as it arrives. */
async function startSmtp(): Promise<void> {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: SMTP_USER });
      else callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        mails.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((recipient) => recipient.address),
          parsed,
        });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
}

/** A CRM's contact lookup: records the Authorization header of each call, answers JSON. */
async function startCrm(): Promise<void> {
  crm = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://crm.invalid');
      const email = url.searchParams.get('email') ?? '';
      crmCalls.push({ email, authorization: String(request.headers.authorization ?? '') });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ email, known: true }));
    });
  });
  await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', resolve));
  crmOrigin = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
}

test.beforeAll(async () => {
  await Promise.all([startProvider(), startSmtp(), startCrm()]);
});
test.afterAll(async () => {
  await provider?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (crm ? crm.close(() => resolve()) : resolve()));
});

// ── Steps of the journey ─────────────────────────────────────────────────────────────────────

const settings = (page: Page) => page.getByRole('complementary', { name: 'Node settings' });
const saved = (page: Page) => expect(page.locator('[data-save-state="saved"]')).toBeVisible({ timeout: 15_000 });
const credentialPicker = (page: Page) =>
  settings(page).locator('[data-field="config.credentialId"]').getByRole('combobox', { name: 'Credential' });

/** Opens the credentials page's form for a new credential of the type labelled `type`. */
async function newCredential(page: Page, name: string, type: string): Promise<Locator> {
  await page.goto('/admin/credentials');
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Type').selectOption({ label: type });
  return dialog;
}

/** Step 1: an OAuth 2 credential for the CRM, connected at the provider and back. */
async function connectOAuth2(page: Page): Promise<void> {
  const dialog = await newCredential(page, OAUTH, 'OAuth 2');
  await dialog.getByLabel('Authorization URL').fill(`${providerUrl}/authorize`);
  await dialog.getByLabel('Token URL').fill(`${providerUrl}/token`);
  await dialog.getByLabel('Client ID').fill('stepwise-journey');
  await dialog.getByLabel('Client secret').fill('journey-client-secret-5a4b');
  await dialog.getByLabel('Scopes').fill('contacts.read');
  // The token goes only to the CRM.
  await dialog.getByLabel('Allowed targets').fill(crmOrigin);
  await shoot(page, 'oauth2-credential-form');
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole('row').filter({ hasText: OAUTH });
  await expect(row).toContainText('Not connected');
  await row.getByRole('button', { name: `Connect ${OAUTH}` }).click();
  // To the provider (which consents at once) and back through Stepwise's callback.
  await page.waitForURL(/\/admin\/credentials\?credential=.+&oauth2=connected$/, { timeout: 30_000 });
  const notice = page.getByRole('status').filter({ hasText: 'Connected "' });
  await expect(notice).toContainText(`Connected "${OAUTH}"`);
  await expect(notice).toContainText('Granted: contacts.read.');
  await expect(row).toContainText('Connected');
  await expect(row).toContainText(/Token expires in \d+ min/);
  expect(issuedTokens).toHaveLength(1);
  await shoot(page, 'oauth2-connected');
}

/** Step 2: the SMTP server the summary goes through. */
async function storeSmtp(page: Page): Promise<void> {
  const dialog = await newCredential(page, SMTP, 'Email server (SMTP)');
  await dialog.getByLabel(/^Server/).fill('127.0.0.1');
  await dialog.getByLabel('Port', { exact: true }).fill(String(smtpPort));
  await dialog
    .getByLabel('Security', { exact: true })
    .selectOption({ label: 'None: plain text, only for a relay on your own network' });
  await dialog.getByLabel('User name', { exact: true }).fill(SMTP_USER);
  await dialog.getByLabel('Password', { exact: true }).fill(SMTP_PASSWORD);
  // The template leaves From empty: the credential's default sender signs the mail.
  await dialog.getByLabel('Default sender').fill('Stepwise reports <reports@example.com>');
  await shoot(page, 'smtp-credential-form');
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('row').filter({ hasText: SMTP })).toContainText('Email server (SMTP)');
}

/** Step 3a: from the gallery to the editor, on a new workflow made from the CSV → loop → email template. */
async function useTemplate(page: Page): Promise<string> {
  await page.goto('/workflows');
  await page.getByRole('button', { name: 'New from template' }).click();
  await expect(page).toHaveURL(/\/templates$/);
  const card = page.getByTestId('template-csv-upload-summary');
  await expect(card.getByTestId('preview-node-Email summary')).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await shoot(page, 'gallery');
  await card.getByRole('button', { name: 'Use template' }).click();
  const dialog = page.getByRole('dialog', { name: 'Email a CSV upload’s summary' });
  await expect(dialog.getByText('The mail server that sends the summary')).toBeVisible();
  await shoot(page, 'template-detail', { fullPage: false });
  await dialog.getByLabel('Name of the new workflow').fill(WORKFLOW);
  await dialog.getByRole('button', { name: 'Use template' }).click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  await expect(page.getByLabel('Workflow name')).toHaveValue(WORKFLOW);
  return page.url().match(/\/workflows\/([0-9a-f-]{36})$/)?.[1] as string;
}

/** Clicks an edge of the canvas halfway along its drawn path, as a person selects it. */
async function clickEdge(edge: Locator): Promise<void> {
  const point = await edge.locator('path.react-flow__edge-path').evaluate((path: SVGPathElement) => {
    const middle = path.getPointAtLength(path.getTotalLength() / 2);
    const onScreen = new DOMPoint(middle.x, middle.y).matrixTransform(path.getScreenCTM() ?? undefined);
    return { x: onScreen.x, y: onScreen.y };
  });
  await edge.page().mouse.click(point.x, point.y);
}
const edgeBetween = (page: Page, source: string, target: string) =>
  page.locator(`.react-flow__edge[aria-label="Edge from ${source} to ${target}"]`);

/**
 * Step 3b: an HTTP call at the start of the loop's body that looks each row's contact up in the CRM,
 * signed in with the OAuth 2 connection. Added beside Row (palette click), then rewired so the body
 * runs it first: Row stays last, so the loop still collects the tidied rows the summary reads.
 */
async function addCrmLookup(page: Page): Promise<void> {
  await node(page, 'Row').click();
  await page.getByTestId('palette-action.http').click();
  const http = node(page, 'HTTP request');
  await expect(http).toBeVisible();
  // Room to rewire: both side panels away.
  await page.getByRole('button', { name: 'Hide the node settings' }).click();
  await page.getByRole('button', { name: 'Hide the node palette' }).click();
  await expect(frame(page, 'Each row')).toBeInViewport({ ratio: 1 });
  const edges = page.locator('.react-flow__edge');
  await expect(edges).toHaveCount(7);
  await clickEdge(edgeBetween(page, 'each', 'row'));
  await page.keyboard.press('Delete');
  await expect(edges).toHaveCount(6);
  await clickEdge(edgeBetween(page, 'row', 'http_request'));
  await page.keyboard.press('Delete');
  await expect(edges).toHaveCount(5);
  await drawEdge(page, handle(frame(page, 'Each row'), 'source', 'body'), handle(http, 'target'));
  await drawEdge(page, handle(http, 'source'), handle(node(page, 'Row'), 'target'));
  await expect(edges).toHaveCount(7);
  // The frame grew to hold the new node, over Totals beside it: tidied up, the steps stand apart again.
  await page.getByRole('button', { name: 'Tidy up (auto-layout)' }).click();
  await page.waitForTimeout(600); // the fit after tidying animates
  await shoot(page, 'editor-rewired', { fullPage: false });

  await page.getByRole('button', { name: 'Show the node settings' }).click();
  const panel = settings(page);
  await http.click();
  await panel.getByRole('textbox', { name: 'Name', exact: true }).fill('Look up contact');
  await typeInto(panel.getByRole('textbox', { name: 'URL' }), `${crmOrigin}/contacts?email={{ item.email }}`);
  await credentialPicker(page).selectOption({ label: `${OAUTH} (oauth2)` });
}

/** Drags the canvas's empty background left by `dx` pixels, as a person pans. */
async function panLeft(page: Page, dx: number): Promise<void> {
  const canvas = await page.getByTestId('editor-canvas').boundingBox();
  if (!canvas) throw new Error('canvas not visible');
  const y = canvas.y + canvas.height - 60; // below the nodes, above nothing
  await page.mouse.move(canvas.x + dx + 40, y);
  await page.mouse.down();
  await page.mouse.move(canvas.x + 40, y, { steps: 10 });
  await page.mouse.up();
}

/** Step 3c: the email node sends through the stored SMTP server, to the ledger team. */
async function pickMailServer(page: Page): Promise<void> {
  // The workflow is wider than the canvas at a readable zoom: drag it left to bring the last step in.
  await panLeft(page, 600);
  await node(page, 'Email summary').click();
  const picker = credentialPicker(page);
  await expect(picker).toHaveValue('');
  await picker.selectOption({ label: `${SMTP} (smtp)` });
  await typeInto(settings(page).getByRole('textbox', { name: 'To', exact: true }), RECIPIENT);
}

/** Step 3d: a version saved, published and activated on the versions page. */
async function publishAndActivate(page: Page): Promise<void> {
  await saved(page);
  await expect(page.getByTestId('problems-none')).toBeVisible();
  await saveFirstVersion(page, 'From the template: our SMTP server, a CRM lookup per row');
  await publishFirstVersion(page);
  await page.getByRole('button', { name: 'Activate' }).click();
  await expect(page.getByRole('button', { name: 'Deactivate' })).toBeVisible();
}

test('issue 17 end to end: OAuth 2 and SMTP credentials, a workflow from a template, a CSV in, a summary mail out', async ({
  page,
  server,
}) => {
  test.setTimeout(180_000);
  await connectOAuth2(page);
  await storeSmtp(page);

  const id = await useTemplate(page);
  await addCrmLookup(page);
  await pickMailServer(page);
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await shoot(page, 'editor', { fullPage: false });
  await publishAndActivate(page);

  // Step 4: the CSV file arrives from outside, as text/csv.
  const sent = await fetch(`${server.url}/hooks/${id}/csv-upload`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: CSV,
  });
  expect(sent.status).toBe(202);
  const { executionId } = (await sent.json()) as { executionId: string };

  // Step 5: the summary mail, as the SMTP server received it.
  await expect.poll(() => mails.length, { timeout: 30_000 }).toBe(1);
  const mail = mails[0] as ReceivedMail;
  expect(mail.rcptTo).toEqual([RECIPIENT]);
  expect(mail.mailFrom).toBe('reports@example.com');
  expect(mail.parsed.subject).toBe('CSV upload: 4 rows, 242.75 in total');
  expect(mail.parsed.text?.trim()).toBe(
    [
      'Rows: 4',
      'Total amount: 242.75',
      'Largest amount: 120.5',
      '',
      'Ada Lovelace <ada@example.com>: 120.5',
      'Hopper, Grace <grace@example.com>: 80',
      'Alan Turing <alan@example.com>: 42.25',
      'Noether, Emmy <emmy@example.com>: 0',
    ].join('\n'),
  );
  // Each row's CRM call carried the access token the provider issued when the admin connected.
  expect(crmCalls.map((call) => call.email)).toEqual([
    'ADA@Example.com',
    'grace@example.com',
    'alan@example.com',
    'Emmy@Example.com',
  ]);
  for (const call of crmCalls) expect(call.authorization).toBe(`Bearer ${issuedTokens[0]}`);

  // Step 6: the run's page: succeeded, the loop ran once per row.
  await page.goto(`/executions/${executionId}`);
  await expect(page.locator('h1')).toContainText('Succeeded', { timeout: 30_000 });
  const loop = frame(page, 'Each row');
  await expect(loop).toHaveAttribute('data-status', 'succeeded');
  await expect(loop.getByTestId('iteration-counts')).toHaveText(/^4 items\s*4 succeeded$/);
  for (const step of ['Upload', 'Parse CSV', 'Look up contact', 'Row', 'Totals', 'Email summary']) {
    await expect(node(page, step)).toHaveAttribute('data-status', 'succeeded');
  }
  await shoot(page, 'execution');
});
