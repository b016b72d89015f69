/*
 * Address lists as people type them into a Send email node's To, Cc and Bcc: separated by commas
 * or semicolons, each `bob@example.com`, `Bob <bob@example.com>` or `"Doe, Jane" <jane@example.com>`.
 * Pure string work, so nodes/ needs no mail library; the SMTP capability parses them again.
 */

/** A run of characters an address may hold (no spaces, brackets, quotes or separators; no quoted local parts). */
const LOCAL = String.raw`[^\s@<>()[\]\\,;:"]+`;
/** A domain label: the same without dots. */
const LABEL = String.raw`[^\s@<>()[\]\\,;:".]+`;
const ADDRESS = new RegExp(`^${LOCAL}@${LABEL}(?:\\.${LABEL})*$`, 'u');

/** Whether `text` is a bare address such as `bob@example.com` (a domain without dots, `root@localhost`, too). */
export function isEmailAddress(text: string): boolean {
  return text.length <= 320 && ADDRESS.test(text);
}

/**
 * The entries of a list: split at commas and semicolons outside quotes and angle brackets, trimmed,
 * empty ones dropped (a trailing comma is harmless).
 */
export function splitAddressList(list: string): string[] {
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  let angled = false;
  for (const char of list) {
    if (char === '"' && !angled) quoted = !quoted;
    else if (char === '<' && !quoted) angled = true;
    else if (char === '>' && !quoted) angled = false;
    if ((char === ',' || char === ';') && !quoted && !angled) {
      entries.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  entries.push(current);
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/** The address inside one entry (`Bob <bob@example.com>` → `bob@example.com`), or undefined when it holds none. */
export function addressOf(entry: string): string | undefined {
  if (/[\r\n]/.test(entry)) return undefined;
  const named = /^(?:"(?:[^"\\]|\\.)*"|[^<>"]*)\s*<([^<>]*)>$/u.exec(entry.trim());
  const address = (named ? (named[1] ?? '') : entry).trim();
  return isEmailAddress(address) ? address : undefined;
}
