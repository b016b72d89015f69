/**
 * How deep JSON sent to the API or a webhook may nest (objects and arrays inside each other).
 * Real payloads stay far below it; text nested 10,000+ deep would make a parser, a schema or a
 * later `JSON.stringify` recurse until the stack runs out (a 500 or 503, not the caller's 400).
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Whether JSON text nests deeper than `max`, found by one pass over the characters that counts
 * brackets outside strings (escapes respected), without recursion and before any parser runs.
 * Text that is not valid JSON gets an answer too; the parser then says what is wrong with it.
 */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c /* \ */) index++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
