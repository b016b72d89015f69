/**
 * Size caps on what steps store. Inputs are kept for people to read (a step's input is its
 * parent's output, stored in full already), so a big one is stored truncated with a marker.
 * Outputs feed later steps and must stay whole; one beyond the hard cap fails its step.
 */
export const DISPLAY_CAP_BYTES = 256 * 1024;
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface Truncated {
  readonly $truncated: true;
  readonly originalBytes: number;
  readonly preview: string;
}

export function forDisplay(value: unknown): { value: unknown; truncated: boolean } {
  const json = JSON.stringify(value ?? null);
  if (json.length <= DISPLAY_CAP_BYTES) return { value: value ?? null, truncated: false };
  const marker: Truncated = { $truncated: true, originalBytes: Buffer.byteLength(json), preview: json.slice(0, 2000) };
  return { value: marker, truncated: true };
}

/** Ensures an output is plain JSON within the cap; returns the JSON-normalised copy. */
export function checkOutput(value: unknown): unknown {
  const json = JSON.stringify(value ?? null);
  if (json.length > MAX_OUTPUT_BYTES) {
    throw new Error(`output is ${json.length} bytes, more than the ${MAX_OUTPUT_BYTES}-byte limit for a step`);
  }
  return JSON.parse(json);
}
