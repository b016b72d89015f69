import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SmtpMessage } from '../../nodes/credentials/operations.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { closedPort, testSmtpServer } from '../testing/smtp.ts';
import { capabilityOf } from './capabilities.ts';
import type { OperationRecord } from './define-capability.ts';
import { stableMessageId } from './smtp.capability.ts';

/*
 * The SMTP capability against a real SMTP server (smtp-server) on 127.0.0.1: what arrives is read
 * back with mailparser, and every failure is checked for its words and its retry behaviour.
 */

const smtp = capabilityOf('smtp');
const USER = { name: 'bob', password: 'correct-horse-battery' };
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(options: Parameters<typeof testSmtpServer>[0] = {}) {
  const started = await testSmtpServer(options);
  servers.push(started);
  return started;
}

/** Sends with the stored secret (as the worker holds it: unparsed, defaults not yet applied). */
async function send(secret: Record<string, unknown>, message: SmtpMessage, signal = new AbortController().signal) {
  const records: OperationRecord[] = [];
  const operation = smtp?.operations['smtp.send'];
  if (!operation) throw new Error('smtp.send is missing');
  const answer = await operation(secret, message, { signal, record: (done) => records.push(done) });
  return { answer, records };
}

const message = (extra: Partial<SmtpMessage> = {}): SmtpMessage => ({
  from: 'Orders <orders@example.com>',
  to: ['ada@example.com'],
  subject: 'Your order',
  text: 'Thanks!',
  ...extra,
});

describe('smtp.send', () => {
  it('sends over STARTTLS with a sign-in: envelope, headers, both bodies and a binary attachment byte for byte', async () => {
    const mail = await server({ security: 'starttls', user: USER });
    const pdf = randomBytes(70_000);
    const secret = {
      host: mail.host,
      port: mail.port,
      username: USER.name,
      password: USER.password,
      allowSelfSigned: true,
    };
    const { answer, records } = await send(
      secret,
      message({
        to: ['Ada <ada@example.com>', 'grace@example.com'],
        cc: ['"Doe, Jane" <jane@example.com>'],
        bcc: ['audit@example.com'],
        replyTo: 'help@example.com',
        subject: 'Your order №42',
        text: 'Thanks for your order.',
        html: '<p>Thanks for your <b>order</b>.</p>',
        attachments: [
          { name: 'invoice.pdf', type: 'application/pdf', content: pdf.toString('base64') },
          { name: 'note.txt', content: Buffer.from('ünïcode note').toString('base64') },
        ],
        idempotencyKey: 'exec-1:send',
      }),
    );

    expect(mail.received).toHaveLength(1);
    const [received] = mail.received;
    expect(received?.secure).toBe(true);
    expect(received?.user).toBe('bob');
    expect(mail.logins.at(-1)).toMatchObject({ user: 'bob' });
    expect(received?.mailFrom).toBe('orders@example.com');
    expect(received?.rcptTo).toEqual(['ada@example.com', 'grace@example.com', 'jane@example.com', 'audit@example.com']);
    const parsed = received?.parsed;
    expect(parsed?.from?.value).toEqual([{ name: 'Orders', address: 'orders@example.com' }]);
    expect(parsed?.subject).toBe('Your order №42');
    expect(parsed?.text?.trim()).toBe('Thanks for your order.');
    expect(parsed?.html).toBe('<p>Thanks for your <b>order</b>.</p>');
    expect(parsed?.replyTo?.text).toBe('help@example.com');
    expect(parsed?.headers.get('cc')).toMatchObject({ value: [{ address: 'jane@example.com', name: 'Doe, Jane' }] });
    // Bcc goes in the envelope only: the other recipients never see it.
    expect(parsed?.headers.has('bcc')).toBe(false);
    expect(received?.raw.toString()).not.toContain('audit@example.com');
    const [invoice, note] = parsed?.attachments ?? [];
    expect(invoice?.filename).toBe('invoice.pdf');
    expect(invoice?.contentType).toBe('application/pdf');
    expect(invoice?.content.equals(pdf)).toBe(true);
    expect(note?.filename).toBe('note.txt');
    expect(note?.contentType).toBe('text/plain');
    expect(note?.content.toString('utf8')).toBe('ünïcode note');

    const messageId = stableMessageId('exec-1:send', 'orders@example.com');
    expect(messageId).toMatch(/^<[0-9a-f]{32}\.stepwise@example\.com>$/);
    expect(parsed?.messageId).toBe(messageId);
    expect(answer).toEqual({
      messageId,
      accepted: ['ada@example.com', 'grace@example.com', 'jane@example.com', 'audit@example.com'],
      rejected: [],
    });
    // What the execution page shows: who, what and which files, never the bodies.
    expect(records).toEqual([
      {
        operation: 'smtp.send',
        title: `SMTP to 127.0.0.1:${mail.port}`,
        details: {
          from: 'Orders <orders@example.com>',
          to: 'Ada <ada@example.com>, grace@example.com',
          cc: '"Doe, Jane" <jane@example.com>',
          bcc: 'audit@example.com',
          replyTo: 'help@example.com',
          subject: 'Your order №42',
          messageId,
          attachments: `invoice.pdf (68.4 KB)\nnote.txt (${Buffer.byteLength('ünïcode note')} bytes)`,
        },
      },
    ]);
  });

  it('gives a retried send the same Message-ID, and another step another', async () => {
    const mail = await server({ security: 'none' });
    const secret = { host: mail.host, port: mail.port, security: 'none' };
    await send(secret, message({ idempotencyKey: 'exec-7:send' }));
    await send(secret, message({ idempotencyKey: 'exec-7:send' }));
    await send(secret, message({ idempotencyKey: 'exec-7:send:2' }));
    const ids = mail.received.map((received) => received.parsed.messageId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('speaks TLS from the start on a "tls" server, and refuses its self-signed certificate unless told to accept it', async () => {
    const mail = await server({ security: 'tls', user: USER });
    const secret = { host: mail.host, port: mail.port, security: 'tls', username: USER.name, password: USER.password };
    await expect(send(secret, message())).rejects.toSatisfy(
      (error: Error) =>
        error instanceof NonRetryableError &&
        error.message ===
          `127.0.0.1:${mail.port}: a secure connection failed: its certificate is self-signed. If it is your own server with a self-signed certificate, turn on "Accept an untrusted certificate" in the credential`,
    );
    expect(mail.received).toHaveLength(0);
    await send({ ...secret, allowSelfSigned: true }, message());
    expect(mail.received[0]?.secure).toBe(true);
  });

  it('says to check the Security setting when "tls" meets a server that speaks plain SMTP', async () => {
    const mail = await server({ security: 'none' });
    const failing = send({ host: mail.host, port: mail.port, security: 'tls' }, message());
    await expect(failing).rejects.toBeInstanceOf(NonRetryableError);
    await expect(failing).rejects.toThrow(
      `127.0.0.1:${mail.port}: a secure connection failed (wrong version number); check the credential's Security setting (TLS for port 465, STARTTLS for 587)`,
    );
  });

  it('refuses to continue unencrypted when STARTTLS is asked for and the server cannot', async () => {
    const mail = await server({ security: 'none', user: USER });
    const secret = { host: mail.host, port: mail.port, username: USER.name, password: USER.password };
    const failing = send(secret, message());
    await expect(failing).rejects.toBeInstanceOf(NonRetryableError);
    await expect(failing).rejects.toThrow(`127.0.0.1:${mail.port}: a secure connection failed`);
    expect(mail.logins).toHaveLength(0);
  });

  it('sends plain text to a relay with "none" and no sign-in', async () => {
    const mail = await server({ security: 'none' });
    await send(
      { host: mail.host, port: mail.port, security: 'none', from: 'robot@example.com' },
      message({ from: undefined }),
    );
    expect(mail.received[0]).toMatchObject({ secure: false, mailFrom: 'robot@example.com', user: undefined });
  });

  it('fails at once, in plain words, when the server refuses the password', async () => {
    const mail = await server({ security: 'starttls', user: USER });
    const secret = {
      host: mail.host,
      port: mail.port,
      username: USER.name,
      password: 'wrong-password-1',
      allowSelfSigned: true,
    };
    const failing = send(secret, message());
    await expect(failing).rejects.toBeInstanceOf(NonRetryableError);
    await expect(failing).rejects.toThrow(
      `127.0.0.1:${mail.port} refused the user name or password: 535 Authentication failed`,
    );
    expect(mail.received).toHaveLength(0);
  });

  it('fails at once when the server asks for a sign-in and the credential has none', async () => {
    const mail = await server({ security: 'none', user: USER });
    const failing = send({ host: mail.host, port: mail.port, security: 'none' }, message());
    // smtp-server answers MAIL FROM with 530 before a sign-in: permanent.
    await expect(failing).rejects.toBeInstanceOf(NonRetryableError);
    await expect(failing).rejects.toThrow(/refused the message: 530/);
  });

  it('retries when the server is down', async () => {
    const port = await closedPort();
    const failing = send({ host: '127.0.0.1', port, security: 'none' }, message());
    await expect(failing).rejects.toThrow(`could not talk to SMTP server 127.0.0.1:${port}`);
    await expect(failing).rejects.not.toBeInstanceOf(NonRetryableError);
  });

  it('reports recipients refused for good, fails when all are, and retries a temporary refusal', async () => {
    const mail = await server({ security: 'none', refuse: { 'gone@example.com': 550, 'full@example.com': 450 } });
    const secret = { host: mail.host, port: mail.port, security: 'none' };
    const partly = await send(secret, message({ to: ['ada@example.com', 'gone@example.com'] }));
    expect(partly.answer).toMatchObject({ accepted: ['ada@example.com'], rejected: ['gone@example.com'] });
    expect(mail.received[0]?.rcptTo).toEqual(['ada@example.com']);

    const gone = send(secret, message({ to: ['gone@example.com'] }));
    await expect(gone).rejects.toBeInstanceOf(NonRetryableError);
    await expect(gone).rejects.toThrow(`127.0.0.1:${mail.port} refused gone@example.com: 550`);

    const full = send(secret, message({ to: ['full@example.com'] }));
    await expect(full).rejects.toThrow(/refused full@example\.com: 450 .*; trying again later/);
    await expect(full).rejects.not.toBeInstanceOf(NonRetryableError);
  });

  it('refuses a malformed request naming the field, and a message without a sender', async () => {
    const secret = { host: '127.0.0.1', port: 25, security: 'none' };
    await expect(send(secret, message({ to: ['not-an-address'] }))).rejects.toThrow(
      'the email to.0: is not an email address',
    );
    await expect(send(secret, message({ text: undefined }))).rejects.toThrow(
      'the email text: needs a text or an HTML body',
    );
    await expect(send(secret, message({ attachments: [{ name: 'a.bin', content: 'not base64!' }] }))).rejects.toThrow(
      'the email attachments.0.content: is not base64',
    );
    await expect(send(secret, message({ from: undefined }))).rejects.toThrow(
      'the email has no sender: set From in the node or a default sender in the credential',
    );
  });

  it('gives up when the run is canceled, without waiting for a silent server', async () => {
    // Accepts connections and never greets: only the signal ends the send.
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise<void>((resolve) => silent.close(() => resolve())) });
    const { port } = silent.address() as { port: number };
    const controller = new AbortController();
    const sending = send({ host: '127.0.0.1', port, security: 'none' }, message(), controller.signal);
    setTimeout(() => controller.abort(new Error('run canceled')), 100);
    await expect(sending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('SMTP test connection', () => {
  const test = (secret: Record<string, unknown>) => {
    const testConnection = smtp?.testConnection;
    if (!testConnection) throw new Error('smtp has no connection test');
    return testConnection(secret, new AbortController().signal);
  };

  it('signs in and says as whom', async () => {
    const mail = await server({ security: 'starttls', user: USER });
    const secret = {
      host: mail.host,
      port: mail.port,
      username: USER.name,
      password: USER.password,
      allowSelfSigned: true,
    };
    expect(await test(secret)).toEqual({ ok: true, message: `Signed in to 127.0.0.1:${mail.port} as bob (STARTTLS)` });
    expect(mail.received).toHaveLength(0);
  });

  it('says when the password is refused, when nobody answers, and when no sign-in is needed', async () => {
    const mail = await server({ security: 'starttls', user: USER });
    const wrong = {
      host: mail.host,
      port: mail.port,
      username: USER.name,
      password: 'nope-nope-nope',
      allowSelfSigned: true,
    };
    expect(await test(wrong)).toEqual({
      ok: false,
      message: 'The server refused the user name or password: 535 Authentication failed',
    });
    const port = await closedPort();
    expect(await test({ host: '127.0.0.1', port })).toMatchObject({
      ok: false,
      message: expect.stringContaining(`could not talk to SMTP server 127.0.0.1:${port}`),
    });
    const relay = await server({ security: 'none' });
    expect(await test({ host: relay.host, port: relay.port, security: 'none' })).toEqual({
      ok: true,
      message: `Connected to 127.0.0.1:${relay.port} (no encryption, no sign-in)`,
    });
  });
});
