/**
 * Size caps on what steps store. What people read of a step (its stored input and output) is
 * capped: a bigger value is stored as a marker with its original size and the start of its JSON.
 * Outputs also feed later steps, which need them whole: the whole output of a capped one is kept
 * beside the marker while the run may still need it (`step_runs.output_full`, cleared by
 * retention). An output beyond the hard cap fails its step.
 */
import { MAX_OUTPUT_BYTES } from '../core/engine/output-cap.ts';

export { MAX_OUTPUT_BYTES };
export const DISPLAY_CAP_BYTES = 256 * 1024;
/** How much of a capped value's JSON the marker keeps, for people to recognise it. */
const PREVIEW_CHARS = 2000;

export interface Truncated {
  readonly $truncated: true;
  readonly originalBytes: number;
  readonly preview: string;
}

/** Whether a JSON text's UTF-8 size is over `cap`; counts bytes only when its length cannot tell. */
function overCap(json: string, cap: number): boolean {
  // A UTF-16 code unit is one to three UTF-8 bytes.
  if (json.length > cap) return true;
  if (json.length * 3 <= cap) return false;
  return Buffer.byteLength(json) > cap;
}

function marker(json: string): Truncated {
  return { $truncated: true, originalBytes: Buffer.byteLength(json), preview: json.slice(0, PREVIEW_CHARS) };
}

export function forDisplay(value: unknown): { value: unknown; truncated: boolean } {
  const json = JSON.stringify(value ?? null);
  if (!overCap(json, DISPLAY_CAP_BYTES)) return { value: value ?? null, truncated: false };
  return { value: marker(json), truncated: true };
}

/** The marker people see instead of a (plain JSON) value over the display cap; undefined when it is within it. */
export function displayMarker(value: unknown): Truncated | undefined {
  const json = JSON.stringify(value ?? null);
  return overCap(json, DISPLAY_CAP_BYTES) ? marker(json) : undefined;
}

/**
 * Makes an output plain JSON within the hard cap: the JSON-normalised copy for later steps, and,
 * when it is over the display cap, the marker to store for people instead.
 */
export function checkOutput(value: unknown): { output: unknown; truncated?: Truncated } {
  const json = JSON.stringify(value ?? null);
  if (overCap(json, MAX_OUTPUT_BYTES)) {
    throw new Error(
      `output is ${Buffer.byteLength(json)} bytes, more than the ${MAX_OUTPUT_BYTES}-byte limit for a step`,
    );
  }
  const output: unknown = JSON.parse(json);
  return overCap(json, DISPLAY_CAP_BYTES) ? { output, truncated: marker(json) } : { output };
}

/**
 * Error text as stored for a step or a run, capped like outputs: text over the display cap keeps
 * its start (as much as a marker's preview) and says how big it was. Error text is for people (no
 * later step reads it), so nothing is kept whole.
 */
export function capErrorText(text: string): string {
  if (!overCap(text, DISPLAY_CAP_BYTES)) return text;
  return `${text.slice(0, PREVIEW_CHARS)}… (cut: ${Buffer.byteLength(text)} bytes in all)`;
}

/**
 * An error object as stored for a step: its message capped (`capErrorText`), flagged with the
 * marker's `$truncated` and `originalBytes`; an error still over the cap (a huge field besides the
 * message) becomes the marker itself.
 */
export function capError(error: unknown): unknown {
  if (error === null || error === undefined) return null;
  const json = JSON.stringify(error);
  if (json === undefined || !overCap(json, DISPLAY_CAP_BYTES)) return error;
  const message = (error as { message?: unknown }).message;
  if (typeof error === 'object' && !Array.isArray(error) && typeof message === 'string') {
    const capped = {
      ...error,
      message: capErrorText(message),
      $truncated: true,
      originalBytes: Buffer.byteLength(json),
    };
    if (!overCap(JSON.stringify(capped), DISPLAY_CAP_BYTES)) return capped;
  }
  return marker(json);
}

/**
 * The most a step's `{{ }}` expressions may produce in all (every field, every call), in UTF-8
 * bytes of JSON: the hard cap of a step's output, which those values mostly become.
 */
export const MAX_EXPRESSION_BYTES = MAX_OUTPUT_BYTES;
