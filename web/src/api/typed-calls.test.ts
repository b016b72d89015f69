import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The web app reaches the API one way: `call('METHOD /path', …)`, typed from the server's route
 * declarations, with query keys only in the factories of web/src/api/queries/. A page that writes
 * its own key or asserts an answer's type with a raw request fails here.
 */
const SRC = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const files = sources(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));

describe('API calls from the web app', () => {
  it('write query keys only in the query factories', () => {
    const offenders = files
      .filter((file) => !file.path.startsWith('api/queries/'))
      .filter((file) => /queryKey:\s*\[/.test(file.text))
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it('send requests only through the typed client', () => {
    // The client itself, and the early GETs it takes (boot/early-answers.ts, started before the
    // client's code has loaded); the autosave, which needs fetch's keepalive to save as the page
    // closes; and the webhook snippets, which write `fetch(…)` into example code for the user to copy.
    const allowed = new Set([
      'api/client.ts',
      'boot/early-answers.ts',
      'editor/autosave.ts',
      'pages/versions/webhook-snippets.ts',
    ]);
    const offenders = files
      .filter((file) => !allowed.has(file.path))
      .filter((file) => /\bfetch\(|\brequest</.test(file.text))
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it('finds the files it checks', () => {
    expect(files.some((file) => file.path === 'pages/workflows/workflows-page.tsx')).toBe(true);
    expect(files.filter((file) => file.path.startsWith('api/queries/')).length).toBeGreaterThan(5);
  });
});
