import { createHash } from 'node:crypto';
import { z } from 'zod';
import { addressOf } from '../../nodes/actions/email-addresses.ts';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '../../nodes/actions/email-attachments.ts';
import type { SmtpMessage, SmtpSent } from '../../nodes/credentials/operations.ts';
import smtp from '../../nodes/credentials/smtp.credential.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import type { ConnectionTestResult } from './connection-test.ts';
import { defineCapability, type OperationUse } from './define-capability.ts';

/*
 * The SMTP credential type's protocol, with nodemailer: `smtp.send` sends one message (the Send
 * email node, nodes/actions/email.node.ts), and "Test connection" signs in and quits. A new
 * connection per message: a step sends one, and a worker holds no sockets between steps.
 */

type SmtpSecret = z.output<typeof smtp.secret>;

const MAX_RECIPIENTS = 100;

/** How long each phase may take: connecting, the server's greeting, and silence mid-conversation. */
const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000, dnsTimeout: 15_000 };

const oneLine = (what: string) => (text: string) => !/[\r\n]/.test(text) || `${what} must be one line`;
const Mailbox = z
  .string()
  .max(998)
  .refine((entry) => addressOf(entry) !== undefined, { message: 'is not an email address' });
const Base64 = z
  .string()
  .transform((text) => text.replace(/\s+/g, ''))
  .refine((text) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text), { message: 'is not base64' });

/** The `smtp.send` request as the node sends it (`SmtpMessage`), checked again here: it crossed a boundary. */
const SendRequest = z
  .strictObject({
    from: Mailbox.optional(),
    to: z.array(Mailbox).max(MAX_RECIPIENTS),
    cc: z.array(Mailbox).max(MAX_RECIPIENTS).default([]),
    bcc: z.array(Mailbox).max(MAX_RECIPIENTS).default([]),
    replyTo: Mailbox.optional(),
    subject: z.string().max(998).refine(oneLine('the subject')),
    text: z.string().optional(),
    html: z.string().optional(),
    attachments: z
      .array(
        z.strictObject({
          name: z.string().min(1).max(255).refine(oneLine('an attachment name')),
          type: z
            .string()
            .regex(/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(?:\s*;[^\r\n]*)?$/, 'is not a MIME type')
            .optional(),
          content: Base64,
        }),
      )
      .max(MAX_ATTACHMENTS)
      .default([]),
    idempotencyKey: z.string().max(1000).optional(),
  })
  .refine((message) => message.to.length + message.cc.length + message.bcc.length > 0, {
    message: 'needs at least one recipient',
    path: ['to'],
  })
  .refine((message) => message.text !== undefined || message.html !== undefined, {
    message: 'needs a text or an HTML body',
    path: ['text'],
  });

/** Where the server is, as messages and the execution page name it. */
const serverName = (secret: SmtpSecret) => `${secret.host}:${secret.port}`;

/**
 * nodemailer (~650 kB of code) is loaded by the first step that sends mail or test of an SMTP
 * credential, not by every process that loads the credential catalogue at start.
 */
async function transportFor(secret: SmtpSecret) {
  const { default: nodemailer } = await import('nodemailer');
  return nodemailer.createTransport({
    host: secret.host,
    port: secret.port,
    // "tls" speaks TLS from the first byte; "starttls" must upgrade or fail; "none" stays plain.
    secure: secret.security === 'tls',
    requireTLS: secret.security === 'starttls',
    ignoreTLS: secret.security === 'none',
    tls: { rejectUnauthorized: !secret.allowSelfSigned },
    ...(secret.username ? { auth: { user: secret.username, pass: secret.password ?? '' } } : {}),
    ...TIMEOUTS,
    // Attachments and bodies are data from the run: never paths or URLs the worker would read.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

/** The sender's domain, for the Message-ID; `stepwise.invalid` when it has none. */
function domainOf(from: string): string {
  const address = addressOf(from) ?? '';
  return address.slice(address.lastIndexOf('@') + 1) || 'stepwise.invalid';
}

/** A size as people read it: 18 bytes, 68.4 KB, 2.1 MB. */
function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A Message-ID that is the same for every attempt of a step: `<hash of its idempotency key@sender's domain>`. */
export function stableMessageId(idempotencyKey: string, from: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}.stepwise@${domainOf(from)}>`;
}

/** One problem of a request, naming its field: `to.0: is not an email address`. */
function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || 'message'}: ${issue.message}`;
}

async function send(secret: SmtpSecret, request: SmtpMessage, use: OperationUse): Promise<SmtpSent> {
  const parsed = SendRequest.safeParse(request);
  if (!parsed.success) throw new NonRetryableError(`the email ${parsed.error.issues.map(describeIssue).join('; ')}`);
  const message = parsed.data;
  const from = message.from ?? secret.from;
  if (!from) {
    throw new NonRetryableError('the email has no sender: set From in the node or a default sender in the credential');
  }
  if (!addressOf(from))
    throw new NonRetryableError(`the credential's default sender "${from}" is not an email address`);
  const messageId = message.idempotencyKey ? stableMessageId(message.idempotencyKey, from) : undefined;
  const attachments = message.attachments.map((attachment) => ({
    filename: attachment.name,
    content: Buffer.from(attachment.content, 'base64'),
    ...(attachment.type ? { contentType: attachment.type } : {}),
  }));
  const bytes = attachments.reduce((sum, file) => sum + file.content.length, 0);
  if (bytes > MAX_ATTACHMENT_BYTES) {
    throw new NonRetryableError(
      `the email's attachments hold ${bytes} bytes, more than ${MAX_ATTACHMENT_BYTES} in all`,
    );
  }
  use.record({
    operation: 'smtp.send',
    title: `SMTP to ${serverName(secret)}`,
    // Text, as the execution page shows it best: lists joined, one attachment a line.
    details: {
      from,
      to: message.to.join(', '),
      ...(message.cc.length > 0 ? { cc: message.cc.join(', ') } : {}),
      ...(message.bcc.length > 0 ? { bcc: message.bcc.join(', ') } : {}),
      ...(message.replyTo ? { replyTo: message.replyTo } : {}),
      subject: message.subject,
      ...(messageId ? { messageId } : {}),
      ...(attachments.length > 0
        ? { attachments: attachments.map((file) => `${file.filename} (${size(file.content.length)})`).join('\n') }
        : {}),
    },
  });
  const transport = await transportFor(secret);
  try {
    const info = await transport.sendMail({
      from,
      to: message.to,
      cc: message.cc,
      bcc: message.bcc,
      ...(message.replyTo ? { replyTo: message.replyTo } : {}),
      subject: message.subject,
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.html !== undefined ? { html: message.html } : {}),
      attachments,
      ...(messageId ? { messageId } : {}),
      // Canceling the run closes the connection mid-conversation.
      signal: use.signal,
    });
    return {
      messageId: info.messageId,
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
    };
  } catch (error) {
    throw smtpError(error, secret);
  } finally {
    transport.close();
  }
}

/** What nodemailer's errors carry besides the message (nodemailer's `NodemailerError`). */
interface SmtpFailure extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  permanent?: boolean;
  originalCode?: string;
  recipient?: string;
  rejected?: string[];
  /** OpenSSL's words for a failed handshake ("wrong version number"), without its internals. */
  reason?: string;
}

/** Node's TLS error codes: the certificate was not trusted, or the two sides spoke differently. */
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

/** What is wrong with a refused certificate, in words (Node's own add advice about its flags). */
function certificateProblem(codes: readonly string[], host: string): string {
  const has = (pattern: RegExp) => codes.some((code) => pattern.test(code));
  if (has(/SELF_SIGNED/)) return 'its certificate is self-signed';
  if (has(/EXPIRED/)) return 'its certificate has expired';
  if (has(/NOT_YET_VALID/)) return 'its certificate is not valid yet';
  if (has(/ALTNAME/)) return `its certificate is not for ${host}`;
  return 'its certificate is not signed by an authority this machine trusts';
}
const HANDSHAKE_CODES = /^ERR_SSL|^ERR_TLS|^EPROTO$/;

/**
 * A failure in words a workflow author can act on, with its retry behaviour: a refused sign-in, a
 * failed TLS handshake and a permanent (5xx) refusal fail at once; an unreachable server and a
 * temporary (4xx) refusal are retried by the node's policy.
 */
export function smtpError(thrown: unknown, secret: SmtpSecret): Error {
  if (!(thrown instanceof Error)) return new Error(`SMTP ${serverName(secret)}: ${String(thrown)}`);
  const error = thrown as SmtpFailure;
  if (error.name === 'AbortError' || error.code === 'EABORT') return error;
  const where = serverName(secret);
  const reply = error.response ? `: ${error.response}` : '';
  const tlsDetail = error.reason ?? error.message.split('\n')[0]?.replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '');
  const codes = [error.code, error.originalCode].filter((code): code is string => typeof code === 'string');
  if (error.code === 'EAUTH') return new NonRetryableError(`${where} refused the user name or password${reply}`);
  if (error.code === 'ENOAUTH') {
    return new NonRetryableError(`${where} asks to sign in: give the credential a user name and password`);
  }
  if (codes.some((code) => CERTIFICATE_CODES.test(code))) {
    return new NonRetryableError(
      `${where}: a secure connection failed: ${certificateProblem(codes, secret.host)}. If it is your own server with a self-signed certificate, turn on "Accept an untrusted certificate" in the credential`,
    );
  }
  if (error.code === 'ETLS' || codes.some((code) => HANDSHAKE_CODES.test(code))) {
    return new NonRetryableError(
      `${where}: a secure connection failed (${tlsDetail}); check the credential's Security setting (TLS for port 465, STARTTLS for 587)`,
    );
  }
  if (typeof error.responseCode === 'number') {
    const refused = error.recipient
      ? ` ${error.recipient}`
      : error.rejected?.length
        ? ` ${error.rejected.join(', ')}`
        : '';
    const text = `${where} refused${refused || ' the message'}${reply || ` (${error.message})`}`;
    // 5xx except 503: the same message would be refused again (nodemailer's `permanent`).
    return error.permanent ? new NonRetryableError(text) : new Error(`${text}; trying again later`);
  }
  if (['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROTOCOL'].includes(error.code ?? '')) {
    return new Error(`could not talk to SMTP server ${where}: ${error.message}`);
  }
  return new Error(`SMTP ${where}: ${error.message}`);
}

/** "Test connection": connect, upgrade as the credential says, sign in, and quit. */
async function testConnection(secret: SmtpSecret, signal: AbortSignal): Promise<ConnectionTestResult> {
  const transport = await transportFor(secret);
  try {
    // verify() takes no signal; the timeouts above end its socket if the caller stops waiting.
    await Promise.race([
      transport.verify(),
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
    ]);
    const how = { starttls: 'STARTTLS', tls: 'TLS', none: 'no encryption' }[secret.security];
    return {
      ok: true,
      message: secret.username
        ? `Signed in to ${serverName(secret)} as ${secret.username} (${how})`
        : `Connected to ${serverName(secret)} (${how}, no sign-in)`,
    };
  } catch (error) {
    const failure = error as SmtpFailure;
    if (failure.code === 'EAUTH') {
      return {
        ok: false,
        message: `The server refused the user name or password${failure.response ? `: ${failure.response}` : ''}`,
      };
    }
    return { ok: false, message: smtpError(error, secret).message };
  } finally {
    transport.close();
  }
}

export default defineCapability(smtp, { operations: { 'smtp.send': send }, testConnection });
