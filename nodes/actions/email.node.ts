import { z } from 'zod';
import { credentialRef } from '../credential.ts';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { template } from '../template.ts';
import { addressOf, splitAddressList } from './email-addresses.ts';
import { attachmentsFrom, MAX_ATTACHMENT_BYTES } from './email-attachments.ts';

/** To, Cc and Bcc together: a workflow mailing a whole list one message at a time should loop. */
const MAX_RECIPIENTS = 100;

/**
 * An address list as evaluated: text with commas or semicolons, a list of such texts, or empty.
 * Each entry is checked, and a bad one is named with its field.
 */
function addressList(field: string, value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const texts = Array.isArray(value) ? value : [value];
  const entries: string[] = [];
  for (const text of texts) {
    if (typeof text !== 'string') {
      throw new NonRetryableError(`${field}: expected email addresses as text, got ${JSON.stringify(text)}`);
    }
    for (const entry of splitAddressList(text)) {
      if (!addressOf(entry)) throw new NonRetryableError(`${field}: "${entry}" is not an email address`);
      entries.push(entry);
    }
  }
  return entries;
}

/** One address (From, Reply-To), or undefined when the field is empty. */
function singleAddress(field: string, value: unknown): string | undefined {
  const [first, ...more] = addressList(field, value);
  if (more.length > 0) throw new NonRetryableError(`${field}: give one address, not ${more.length + 1}`);
  return first;
}

/** A body or subject as text; empty fields are absent. */
const textOf = (value: unknown): string | undefined =>
  value === null || value === undefined || value === ''
    ? undefined
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

export default defineNode({
  type: 'action.email',
  kind: 'action',
  title: 'Send email',
  description: 'Sends an email through an SMTP server, with attachments if you like.',
  icon: 'mail',
  docs: [
    'Sends one email through the SMTP server of an "Email server (SMTP)" credential and outputs `{ messageId, accepted, rejected }`: the recipients the server took and those it refused. Every field may use expressions.',
    'To, Cc and Bcc take addresses separated by commas, such as `ada@example.com, Grace <grace@example.com>`, or an expression giving a list. Bcc recipients get the email without the others seeing them. From defaults to the credential’s default sender.',
    'Attachments: an expression giving a list of `{ name, type, content }` with the bytes in base64, which is what a webhook’s uploaded files are (`{{ trigger.body.files }}`), or `{ name, type, text }` for text made in the workflow. At most 5 MB in all.',
    'SMTP has no idempotency key, so the email’s Message-ID is made from the step’s: a retried send carries the same Message-ID, and mail systems that deduplicate by it show the email once. A refused password, an untrusted certificate or an address refused for good (5xx) fail at once; an unreachable server or a temporary refusal (4xx) is retried. The password never appears in the run’s data.',
  ].join('\n\n'),
  config: z
    .strictObject({
      credentialId: credentialRef(['smtp'], 'SMTP server to send through'),
      // Template fields show their description as a placeholder (the part after "e.g.", if any).
      from: template('Empty: the credential’s default sender').optional(),
      to: template('Recipients, separated by commas, e.g. {{ input.email }}').min(1, 'give at least one recipient'),
      cc: template('Copy to, separated by commas').optional(),
      bcc: template('Blind copy to, separated by commas; the other recipients do not see them').optional(),
      replyTo: template('Where replies go, e.g. support@example.com').optional(),
      subject: template('Subject, e.g. Order {{ input.id }} shipped').min(1, 'give a subject'),
      text: template('Plain text, e.g. Hello {{ input.name }},').optional().meta({ title: 'Text body' }),
      html: template('Shown by mail apps that can; the text body is the fallback')
        .optional()
        .meta({ title: 'HTML body' }),
      attachments: template(
        `A list of { name, type, content (base64) } or { name, type, text }, at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB in all, e.g. {{ trigger.body.files }}`,
      ).optional(),
    })
    .refine((config) => Boolean(config.text || config.html), {
      message: 'give a text or an HTML body (or both)',
      path: ['text'],
    }),
  retry: { maxAttempts: 4, initialDelayMs: 1000, factor: 2, maxDelayMs: 60_000, jitter: 0.25 },
  async execute({ config, ctx }) {
    const values = (await ctx.evaluate({
      from: config.from,
      to: config.to,
      cc: config.cc,
      bcc: config.bcc,
      replyTo: config.replyTo,
      subject: config.subject,
      text: config.text,
      html: config.html,
      attachments: config.attachments,
    })) as Record<string, unknown>;
    const from = singleAddress('from', values.from);
    const replyTo = singleAddress('replyTo', values.replyTo);
    const to = addressList('to', values.to);
    const cc = addressList('cc', values.cc);
    const bcc = addressList('bcc', values.bcc);
    if (to.length + cc.length + bcc.length === 0)
      throw new NonRetryableError('to: no recipients (the expression gave none)');
    if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) {
      throw new NonRetryableError(
        `to, cc, bcc: more than ${MAX_RECIPIENTS} recipients; send one email per recipient in a loop`,
      );
    }
    const text = textOf(values.text);
    const html = textOf(values.html);
    if (text === undefined && html === undefined) throw new NonRetryableError('text, html: both bodies are empty');
    const attachments = attachmentsFrom(values.attachments);
    // A subject is one line: line breaks from an expression become spaces.
    const subject = (textOf(values.subject) ?? '').replace(/\s*[\r\n]+\s*/g, ' ').trim();

    const sent = await ctx.useCredential({
      credentialId: config.credentialId,
      operation: 'smtp.send',
      request: {
        ...(from ? { from } : {}),
        to,
        cc,
        bcc,
        ...(replyTo ? { replyTo } : {}),
        subject,
        ...(text !== undefined ? { text } : {}),
        ...(html !== undefined ? { html } : {}),
        attachments,
        // The same for every attempt and retry of this step: the Message-ID is made from it
        // (invariant "stable idempotency key").
        idempotencyKey: ctx.idempotencyKey,
      },
    });
    return { output: { messageId: sent.messageId, accepted: sent.accepted, rejected: sent.rejected } };
  },
});
