import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';

/**
 * Permissions of what Stepwise keeps on disk. The data dir is 0711: other users (the `postgres`
 * OS user of an embedded cluster under it, when Stepwise runs as root) may pass through it to a
 * directory they own, but cannot list or read it. Files holding data or secrets (the SQLite file
 * and its WAL, the master key, PostgreSQL's password) are 0600: the owner's alone.
 */
export const DATA_DIR_MODE = 0o711;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes the data dir (0711) or closes an existing one of ours to 0711. A directory of another
 * user, or a shared one with the sticky bit (`DATA_DIR=/tmp`), is left as it is: it is not ours
 * to close.
 */
export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  const stat = statSync(dir);
  const ours = process.getuid === undefined || stat.uid === process.getuid();
  if (ours && (stat.mode & 0o1000) === 0 && (stat.mode & 0o777) !== DATA_DIR_MODE) chmodSync(dir, DATA_DIR_MODE);
}

/** Makes existing files 0600 (missing ones are skipped: a WAL file appears with the first write). */
export function makePrivate(...files: string[]): void {
  for (const file of files) {
    if (existsSync(file) && (statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(file, PRIVATE_FILE_MODE);
  }
}
