import type { SmtpAttachment } from '../credentials/operations.ts';
import { NonRetryableError } from '../errors.ts';

/*
 * A Send email node's attachments as its template evaluates them: a list (or one) of
 * `{ name, type?, content }` with the bytes in base64, exactly the shape of a multipart webhook's
 * `files` (`{ field, name, type, size, content }`, extra keys ignored), or `{ name, type?, text }`
 * for a file made in the workflow (a CSV built by an earlier step).
 */

/**
 * All attachments of one message together, decoded. They pass through the step's expressions,
 * which may produce 8 MB (of base64, a third more than the bytes): 5 MB fits, with room for the rest.
 */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS = 100;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The number of bytes a base64 text holds, or undefined when it is not base64 (whitespace ignored). */
export function base64Bytes(text: string): number | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return (compact.length / 4) * 3 - padding;
}

/** UTF-8 text as base64, without Node's Buffer (nodes/ runs wherever zod does). */
export function textToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  // In slices: spreading a whole large file into one call would overflow the argument limit.
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}

const describeValue = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value;

/**
 * The attachments of an evaluated `attachments` template, checked: each needs a name and either
 * base64 `content` or `text`; together they stay under MAX_ATTACHMENT_BYTES. Errors name the
 * attachment (counted from 1, as the editor counts list items) and say what is wrong.
 */
export function attachmentsFrom(value: unknown): SmtpAttachment[] {
  if (value === null || value === undefined || value === '') return [];
  const items = Array.isArray(value) ? value : [value];
  if (items.length > MAX_ATTACHMENTS) {
    throw new NonRetryableError(
      `attachments: ${items.length} files, more than the ${MAX_ATTACHMENTS} one email may carry`,
    );
  }
  let total = 0;
  const attachments = items.map((item, index): SmtpAttachment => {
    const where = `attachments: item ${index + 1}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new NonRetryableError(`${where} is ${describeValue(item)}, not { name, content } or { name, text }`);
    }
    const { name, type, content, text } = item as Record<string, unknown>;
    if (typeof name !== 'string' || name.trim() === '') throw new NonRetryableError(`${where} has no name`);
    const named = `${where} ("${name}")`;
    if (type !== undefined && type !== null && typeof type !== 'string') {
      throw new NonRetryableError(`${named}: type must be a MIME type such as application/pdf`);
    }
    let base64: string;
    if (typeof content === 'string') {
      const bytes = base64Bytes(content);
      if (bytes === undefined) throw new NonRetryableError(`${named}: content is not base64`);
      base64 = content;
      total += bytes;
    } else if (typeof text === 'string') {
      base64 = textToBase64(text);
      total += base64Bytes(base64) ?? 0;
    } else {
      throw new NonRetryableError(`${named} has neither content (base64) nor text`);
    }
    if (total > MAX_ATTACHMENT_BYTES) {
      throw new NonRetryableError(
        `attachments: more than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB in all (reached at item ${index + 1}, "${name}")`,
      );
    }
    return {
      name: name.trim(),
      ...(typeof type === 'string' && type.trim() !== '' ? { type: type.trim() } : {}),
      content: base64,
    };
  });
  return attachments;
}
