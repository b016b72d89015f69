import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OperationRecord } from '../../server/credentials/define-capability.ts';
import { stableMessageId } from '../../server/credentials/smtp.capability.ts';
import { credentialOperations } from '../../server/engine/credential-operations.ts';
import { masterKeyFrom } from '../../server/security/master-key.ts';
import { sqliteRepositories } from '../../server/store/sqlite-repositories.ts';
import { testSmtpServer } from '../../server/testing/smtp.ts';
import { tempStore } from '../../server/testing/store.ts';
import type { NodeContext } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import emailNode from './email.node.ts';
import { MAX_ATTACHMENT_BYTES } from './email-attachments.ts';

/*
 * The Send email node with the worker's real side of `ctx.useCredential` (a stored smtp credential,
 * opened and masked by credentialOperations) and a real SMTP server on 127.0.0.1.
 */

const PASSWORD = 'correct-horse-battery-staple';
const key = masterKeyFrom(randomBytes(32));
let store: ReturnType<typeof tempStore>;
let mail: Awaited<ReturnType<typeof testSmtpServer>>;
let credentialId: string;

beforeAll(async () => {
  store = tempStore();
  // Quotes the password it was given when refusing it, as careless servers do.
  mail = await testSmtpServer({
    security: 'starttls',
    user: { name: 'bob', password: PASSWORD },
    refusal: (user, password) => `Authentication failed for ${user} with password ${password}`,
  });
  credentialId = (
    await sqliteRepositories(store).credentials.insert(key, {
      name: 'Mail',
      type: 'smtp',
      secret: {
        host: mail.host,
        port: mail.port,
        username: 'bob',
        password: PASSWORD,
        from: 'Robot <robot@example.com>',
        allowSelfSigned: true,
      },
    })
  ).id;
});
afterAll(async () => {
  await mail?.close();
  store?.cleanup();
});
afterEach(() => {
  mail.received.length = 0;
});

/** Runs the node as the worker would: templates answered from `answers`, the credential used for real. */
async function run(
  config: Record<string, unknown>,
  answers: Record<string, unknown> = {},
  extra: Partial<NodeContext> = {},
) {
  const records: OperationRecord[] = [];
  const operate = credentialOperations(sqliteRepositories(store).credentials, key);
  const ctx = testContext({
    ...answeringTemplates(answers),
    useCredential: async (call) =>
      (await operate(call, new AbortController().signal, {
        executionId: 'exec-1',
        record: (done) => records.push(done),
      })) as never,
    ...extra,
  });
  const result = await emailNode.execute({
    config: emailNode.config.parse({ credentialId, ...config }),
    input: {},
    ctx,
  });
  return { result, records };
}

describe('Send email settings', () => {
  it('need a credential, recipients, a subject and a body', () => {
    expect(issuePaths(emailNode.config, { credentialId, to: 'a@example.com', subject: 'Hi' })).toEqual([['text']]);
    expect(issuePaths(emailNode.config, { to: 'a@example.com', subject: 'Hi', html: '<p>x</p>' })).toEqual([
      ['credentialId'],
    ]);
    expect(issuePaths(emailNode.config, { credentialId, to: '', subject: '', text: 'x' })).toEqual([
      ['to'],
      ['subject'],
    ]);
    expect(issuePaths(emailNode.config, { credentialId, to: '{{ input.email', subject: 'Hi', text: 'x' })).toEqual([
      ['to'],
    ]);
  });
});

describe('Send email', () => {
  it('sends to address lists from text and from expressions, and outputs what the server took', async () => {
    const { result, records } = await run(
      {
        to: '{{ input.emails }}',
        cc: 'Grace <grace@example.com>; "Doe, Jane" <jane@example.com>,',
        bcc: 'audit@example.com',
        subject: 'Order {{ input.id }}',
        text: 'Shipped.',
        html: '<p>Shipped.</p>',
      },
      { '{{ input.emails }}': ['ada@example.com', 'Linus <linus@example.com>'], 'Order {{ input.id }}': 'Order\n42 ' },
    );
    expect(result.output).toEqual({
      messageId: stableMessageId('exec-1:node-1', 'robot@example.com'),
      accepted: ['ada@example.com', 'linus@example.com', 'grace@example.com', 'jane@example.com', 'audit@example.com'],
      rejected: [],
    });
    const [received] = mail.received;
    expect(received?.mailFrom).toBe('robot@example.com');
    expect(received?.rcptTo).toEqual([
      'ada@example.com',
      'linus@example.com',
      'grace@example.com',
      'jane@example.com',
      'audit@example.com',
    ]);
    // The credential's default sender; the subject on one line.
    expect(received?.parsed.from?.value).toEqual([{ name: 'Robot', address: 'robot@example.com' }]);
    expect(received?.parsed.subject).toBe('Order 42');
    expect(received?.parsed.html).toBe('<p>Shipped.</p>');
    expect(received?.parsed.messageId).toBe(stableMessageId('exec-1:node-1', 'robot@example.com'));
    expect(records[0]).toMatchObject({ title: `SMTP to 127.0.0.1:${mail.port}`, details: { subject: 'Order 42' } });
  });

  it('attaches a webhook’s uploaded files (extra keys ignored) and text made in the workflow', async () => {
    const png = randomBytes(4096);
    const files = [
      { field: 'photo', name: 'photo.png', type: 'image/png', size: png.length, content: png.toString('base64') },
    ];
    await run(
      {
        from: 'Shop <shop@example.com>',
        to: 'ada@example.com',
        subject: 'Files',
        text: 'Attached.',
        attachments: '{{ [...trigger.body.files, { name: "report.csv", type: "text/csv", text: steps.Csv.output } ] }}',
      },
      {
        '{{ [...trigger.body.files, { name: "report.csv", type: "text/csv", text: steps.Csv.output } ] }}': [
          ...files,
          { name: 'report.csv', type: 'text/csv', text: 'name,total\nÅsa,12\n' },
        ],
      },
    );
    const attachments = mail.received[0]?.parsed.attachments ?? [];
    expect(attachments.map((file) => [file.filename, file.contentType])).toEqual([
      ['photo.png', 'image/png'],
      ['report.csv', 'text/csv'],
    ]);
    expect(attachments[0]?.content.equals(png)).toBe(true);
    expect(attachments[1]?.content.toString('utf8')).toBe('name,total\nÅsa,12\n');
    expect(mail.received[0]?.parsed.from?.value).toEqual([{ name: 'Shop', address: 'shop@example.com' }]);
  });

  it('names the field and the address that is not one, before anything is sent', async () => {
    const base = { to: 'ada@example.com', subject: 'x', text: 'x' };
    const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
      [{ cc: 'grace@example.com, bob@' }, {}, 'cc: "bob@" is not an email address'],
      [{ to: '{{ input.to }}' }, { '{{ input.to }}': 42 }, 'to: expected email addresses as text, got 42'],
      [{ to: '{{ input.to }}' }, { '{{ input.to }}': '' }, 'to: no recipients (the expression gave none)'],
      [{ from: 'a@example.com, b@example.com' }, {}, 'from: give one address, not 2'],
      [{ replyTo: 'Support' }, {}, 'replyTo: "Support" is not an email address'],
      [{ text: '{{ input.t }}' }, { '{{ input.t }}': '' }, 'text, html: both bodies are empty'],
    ];
    for (const [config, answers, message] of cases) {
      const failing = run({ ...base, ...config }, answers);
      await expect(failing, message).rejects.toThrow(message);
      await expect(failing).rejects.toBeInstanceOf(NonRetryableError);
    }
    expect(mail.received).toHaveLength(0);
  });

  it('refuses attachments of the wrong shape or too big, naming the item', async () => {
    const base = { to: 'ada@example.com', subject: 'x', text: 'x', attachments: '{{ input.files }}' };
    const tooBig = 'A'.repeat(Math.ceil(((MAX_ATTACHMENT_BYTES + 3) * 4) / 3 / 4) * 4);
    const cases: [unknown, string][] = [
      [['x'], 'attachments: item 1 is string, not { name, content } or { name, text }'],
      [[{ content: 'AAAA' }], 'attachments: item 1 has no name'],
      [
        [
          { name: 'a.txt', text: 'ok' },
          { name: 'b.bin', content: 'not base64!' },
        ],
        'attachments: item 2 ("b.bin"): content is not base64',
      ],
      [[{ name: 'c.bin' }], 'attachments: item 1 ("c.bin") has neither content (base64) nor text'],
      [[{ name: 'big.bin', content: tooBig }], 'attachments: more than 5 MB in all (reached at item 1, "big.bin")'],
    ];
    for (const [files, message] of cases) {
      await expect(run(base, { '{{ input.files }}': files }), message).rejects.toThrow(message);
    }
    expect(mail.received).toHaveLength(0);
  });

  it('keeps the password out of the error when the server quotes it', async () => {
    const wrong = await sqliteRepositories(store).credentials.insert(key, {
      name: 'Wrong',
      type: 'smtp',
      secret: {
        host: mail.host,
        port: mail.port,
        username: 'bob',
        password: 'a-wrong-password-77',
        allowSelfSigned: true,
      },
    });
    const failing = run({
      credentialId: wrong.id,
      from: 'a@example.com',
      to: 'b@example.com',
      subject: 's',
      text: 't',
    });
    await expect(failing).rejects.toBeInstanceOf(NonRetryableError);
    await expect(failing).rejects.toThrow(
      `127.0.0.1:${mail.port} refused the user name or password: 535 Authentication failed for bob with password ••••••`,
    );
    expect(mail.logins.at(-1)).toMatchObject({ password: 'a-wrong-password-77' });
  });
});
