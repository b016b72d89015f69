import { MAX_OUTPUT_BYTES } from '../core/engine/output-cap.ts';
import { ApiError } from './errors.ts';

/*
 * A `multipart/form-data` webhook body (an HTML form with file inputs, `curl -F`) as a run's payload
 * carries it. The shape is agreed with the email node (it attaches these file objects as they are)
 * and the templates gallery: change it only with them.
 */

/** An uploaded file: its bytes base64-encoded, as JSON can hold any bytes exactly. */
export interface UploadedFile {
  /** The form field it came in. */
  readonly field: string;
  /** The sender's file name for display: no folders, no control characters (fileDisplayName). */
  readonly name: string;
  /** The content type the sender declared, as data: Stepwise never serves it back as a page. */
  readonly type: string;
  /** Its size in bytes (before base64). */
  readonly size: number;
  readonly content: string;
}

export interface MultipartBody {
  /** Text fields; a name sent more than once gives its values in order. */
  readonly fields: Record<string, string | string[]>;
  /** Every file, in the order sent; several files in one field are separate entries. */
  readonly files: UploadedFile[];
}

/** How many files one request may carry. */
export const MAX_WEBHOOK_FILES = 20;
/** How many text field values one request may carry (each value of a repeated name counts). */
export const MAX_WEBHOOK_FIELDS = 1000;
/** How long a displayed file name may be, in characters (longer ones keep their end, where the extension is). */
const MAX_FILE_NAME_CHARS = 255;

/**
 * Parses a multipart body from the exact bytes received (the ones its signature was checked over)
 * with the platform's own parser (undici's, as `Request.formData()`), so binary files survive byte
 * for byte. Refuses, as `ApiError`, a body it cannot read (400 `invalid_body`, naming the problem:
 * no boundary, a boundary the body does not use, a cut-off part), too many files or fields (413),
 * and files whose base64 would not fit in a step's output (413: the trigger step could not hold them).
 */
export async function parseMultipart(bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<MultipartBody> {
  let form: FormData;
  try {
    form = await new Request('http://webhook.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: bytes,
    }).formData();
  } catch (error) {
    // undici says what is wrong in the cause ("no boundary found in multipart body", "missing
    // boundary in content-type header"); its own message only that it failed.
    const cause = (error as { cause?: unknown }).cause;
    const why = cause instanceof Error ? cause.message : (error as Error).message;
    throw new ApiError(400, 'invalid_body', `the multipart/form-data body could not be read: ${why}`);
  }

  // A Map, not an object: field names are the sender's (`__proto__`, `constructor`).
  const values = new Map<string, string[]>();
  const uploads: Array<{ field: string; file: File }> = [];
  let fieldCount = 0;
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      fieldCount += 1;
      if (fieldCount > MAX_WEBHOOK_FIELDS) {
        throw new ApiError(413, 'too_many_fields', `the form has more than ${MAX_WEBHOOK_FIELDS} fields`);
      }
      const earlier = values.get(name);
      if (earlier) earlier.push(value);
      else values.set(name, [value]);
    } else if (!(value.name === '' && value.size === 0)) {
      // A browser sends an empty file input as a nameless, empty file: no upload at all.
      uploads.push({ field: name, file: value });
    }
  }
  // Own properties each (fromEntries defines them), `__proto__` included.
  const fields: Record<string, string | string[]> = Object.fromEntries(
    [...values].map(([name, sent]) => [name, sent.length === 1 ? (sent[0] as string) : sent]),
  );
  if (uploads.length > MAX_WEBHOOK_FILES) {
    throw new ApiError(
      413,
      'too_many_files',
      `the form has ${uploads.length} files; a webhook takes at most ${MAX_WEBHOOK_FILES}`,
    );
  }
  // Checked before encoding anything: base64 makes 3 bytes 4 characters.
  const base64Bytes = uploads.reduce((sum, { file }) => sum + 4 * Math.ceil(file.size / 3), 0);
  if (base64Bytes > MAX_OUTPUT_BYTES) {
    throw new ApiError(
      413,
      'payload_too_large',
      `the files come to ${base64Bytes} bytes base64-encoded, more than the ${MAX_OUTPUT_BYTES} bytes a run's trigger step may hold`,
    );
  }
  const files: UploadedFile[] = [];
  for (const { field, file } of uploads) {
    files.push({
      field,
      name: fileDisplayName(file.name),
      type: file.type,
      size: file.size,
      content: Buffer.from(await file.arrayBuffer()).toString('base64'),
    });
  }
  return { fields, files };
}

/**
 * A sender's file name made safe to show and to pass on (as an email attachment's name, say): the
 * last part of any path (`../../etc/passwd`, `C:\Users\a\b.pdf`), without control or
 * text-direction characters (which could make `invoice‮fdp.exe` read as `invoiceexe.pdf`), trimmed,
 * at most 255 characters; `file` when nothing is left.
 */
export function fileDisplayName(sent: string): string {
  const last = sent.split(/[/\\]/).at(-1) ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = last.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const name = clean === '.' || clean === '..' ? '' : clean;
  if (name === '') return 'file';
  const characters = [...name]; // by code point, so no emoji is cut in half
  return characters.length > MAX_FILE_NAME_CHARS ? characters.slice(-MAX_FILE_NAME_CHARS).join('') : name;
}
