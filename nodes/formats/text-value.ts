import { NonRetryableError } from '../errors.ts';
import { describeValue } from '../lists/list-value.ts';
import { isPlainObject } from '../paths.ts';
import { template } from '../template.ts';

/** A config field holding the text a format node reads; by default the step's input itself. */
export const textField = (description: string) => template(description).default('{{ input }}');

/**
 * The evaluated value of the config field `field` as text, or a NonRetryableError naming the field
 * and what it held instead (the same value comes back on every attempt, so retrying cannot help).
 *
 * An uploaded file as a multipart webhook hands it over (`{ name, type, size, content }`, its
 * `content` base64) is read too, its content decoded as UTF-8: `{{ trigger.body.files[0] }}` parses
 * the file itself, not its base64.
 */
export function readText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (isPlainObject(value) && typeof value.content === 'string' && typeof value.name === 'string') {
    return decodeFile(value.content, value.name, field);
  }
  throw new NonRetryableError(`config.${field}: expected text (or an uploaded file), got ${describeValue(value)}`);
}

/** `atob` and `TextDecoder` are globals in Node and browsers alike: nodes/ imports nothing for them. */
function decodeFile(base64: string, name: string, field: string): string {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  } catch {
    throw new NonRetryableError(`config.${field}: the file "${name}" has content that is not base64`);
  }
  try {
    // A byte-order mark is kept, as in a text: the CSV reader drops it, and XML allows it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new NonRetryableError(`config.${field}: the file "${name}" is not UTF-8 text`);
  }
}
