import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import type { StepRunRow } from '../store/steps.ts';
import { edge, node, stepRunsNow, testEngine, waitUntil } from '../testing/engine.ts';
import { closedPort, testSmtpServer } from '../testing/smtp.ts';
import { storeFile } from '../testing/store.ts';

/*
 * Sending email through the whole engine: a real worker, PostgreSQL, a stored smtp credential and
 * a real SMTP server on 127.0.0.1. The run's trigger payload has a multipart webhook's shape, so
 * `{{ trigger.body.files }}` attaches what was uploaded.
 */

const PASSWORD = 'pa55-smtp-9d8c7b6a5f4e';
const USER = { name: 'mailer', password: PASSWORD };
let engine: Awaited<ReturnType<typeof testEngine>>;
const servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(async () => {
  await engine?.close();
});

async function smtpServer(options: Parameters<typeof testSmtpServer>[0]) {
  const server = await testSmtpServer({ security: 'starttls', user: USER, ...options });
  servers.push(server);
  return server;
}

async function credential(port: number, password = PASSWORD) {
  const stored = await engine.repos.credentials.insert(engine.masterKey, {
    name: `Mail ${port}`,
    type: 'smtp',
    secret: { host: '127.0.0.1', port, username: USER.name, password, allowSelfSigned: true },
  });
  return stored.id;
}

/**
 *   Start (manual; payload as a multipart webhook's) ──▶ Send (action.email, the uploaded files attached)
 */
const graph = (credentialId: string): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('send', 'action.email', 'Send', {
      credentialId,
      from: 'Uploads <uploads@example.com>',
      to: '{{ trigger.body.fields.email }}',
      subject: 'Your upload: {{ trigger.body.files[0].name }}',
      text: 'Here is what you sent.',
      attachments: '{{ trigger.body.files }}',
    }),
  ],
  edges: [edge('start', 'send')],
});

const pdf = randomBytes(20_000);
/** A multipart webhook request's payload (the webhook trigger's agreed shape). */
const upload = {
  method: 'POST',
  path: '/upload',
  headers: { 'content-type': 'multipart/form-data; boundary=x' },
  query: {},
  body: {
    fields: { email: 'ada@example.com' },
    files: [
      { field: 'file', name: 'scan.pdf', type: 'application/pdf', size: pdf.length, content: pdf.toString('base64') },
    ],
  },
};

/** A stored step error as the engine keeps it. */
const errorOf = (step: StepRunRow | undefined) => step?.error as { name: string; message: string; retryable: boolean };

/** Nothing the run stored, nor the SQLite file itself, holds the password. */
function expectNoPassword(stored: unknown) {
  expect(JSON.stringify(stored)).not.toContain(PASSWORD);
  storeFile(engine.store).pragma('wal_checkpoint(TRUNCATE)');
  expect(readFileSync(engine.store.file).toString('latin1')).not.toContain(PASSWORD);
}

describe('Send email in a run', () => {
  it('mails a webhook’s uploaded file, records what was sent, and stores no password', async () => {
    const mail = await smtpServer({});
    const started = await engine.run(graph(await credential(mail.port)), upload);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');

    const [received] = mail.received;
    expect(received?.rcptTo).toEqual(['ada@example.com']);
    expect(received?.parsed.subject).toBe('Your upload: scan.pdf');
    const [file] = received?.parsed.attachments ?? [];
    expect(file?.filename).toBe('scan.pdf');
    expect(file?.contentType).toBe('application/pdf');
    expect(file?.content.equals(pdf)).toBe(true);

    const send = steps.find((step) => step.nodeId === 'send');
    expect(send?.output).toEqual({
      messageId: received?.parsed.messageId,
      accepted: ['ada@example.com'],
      rejected: [],
    });
    // The execution page's record: where, who and which files; the bodies are not kept.
    expect(send?.request).toEqual({
      operation: 'smtp.send',
      title: `SMTP to 127.0.0.1:${mail.port}`,
      details: {
        from: 'Uploads <uploads@example.com>',
        to: 'ada@example.com',
        subject: 'Your upload: scan.pdf',
        messageId: received?.parsed.messageId,
        attachments: 'scan.pdf (19.5 KB)',
      },
    });
    expectNoPassword(steps);
  });

  it('retries a temporary refusal with the same Message-ID, so the receiver can tell it is the same email', async () => {
    const mail = await smtpServer({ refuseFirstData: true });
    const started = await engine.run(graph(await credential(mail.port)), upload);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const attempts = steps.filter((step) => step.nodeId === 'send').sort((a, b) => a.attempt - b.attempt);
    expect(attempts.map((step) => step.status)).toEqual(['failed', 'succeeded']);
    expect(errorOf(attempts[0])).toMatchObject({
      retryable: true,
      message: expect.stringContaining('451 Try again later; trying again later'),
    });
    const first = mail.refusedCopies[0]?.parsed.messageId;
    expect(first).toMatch(/^<[0-9a-f]{32}\.stepwise@example\.com>$/);
    expect(mail.received[0]?.parsed.messageId).toBe(first);
  });

  it('fails at once when the password is refused, with the server’s words and the password masked', async () => {
    // Quotes the password it was given, as careless servers do.
    const mail = await smtpServer({ refusal: (user, password) => `No such user ${user} / ${password}` });
    const started = await engine.run(graph(await credential(mail.port, `${PASSWORD}-old`)), upload);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('failed');
    const attempts = steps.filter((step) => step.nodeId === 'send');
    expect(attempts).toHaveLength(1);
    expect(errorOf(attempts[0])).toMatchObject({
      name: 'NonRetryableError',
      retryable: false,
      message: `127.0.0.1:${mail.port} refused the user name or password: 535 No such user mailer / ••••••`,
    });
    expect(mail.logins.at(-1)?.password).toBe(`${PASSWORD}-old`);
    expect(mail.received).toHaveLength(0);
    expect(JSON.stringify([execution, steps])).not.toContain(`${PASSWORD}-old`);
    expectNoPassword([execution, steps]);
  });

  it('retries while the server is down, and sends once it is up', async () => {
    const port = await closedPort();
    const started = await engine.run(graph(await credential(port)), upload);
    await waitUntil('the first attempt has failed', () =>
      stepRunsNow(engine.store, started.id).some((step) => step.nodeId === 'send' && step.status === 'failed'),
    );
    const mail = await smtpServer({ port });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const attempts = steps.filter((step) => step.nodeId === 'send').sort((a, b) => a.attempt - b.attempt);
    expect(errorOf(attempts[0])).toMatchObject({
      retryable: true,
      message: expect.stringContaining(`could not talk to SMTP server 127.0.0.1:${port}`),
    });
    expect(attempts.at(-1)?.status).toBe('succeeded');
    expect(mail.received).toHaveLength(1);
  });
});
