import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every module a fresh Node process loads when it imports `entry` and the modules `entry` imports
 * at first need (`import('./…')`, read from its source), resolved by Node itself through a module
 * hook, as paths relative to the repository, or package names.
 */
function modulesLoadedBy(entry: string): string[] {
  const atFirstNeed = [...readFileSync(join(root, entry), 'utf8').matchAll(/import\('(\.{1,2}\/[^']+)'\)/g)].map(
    (match) => new URL(match[1] as string, `file://${root}${entry}`).href,
  );
  const imports = [new URL(entry, `file://${root}`).href, ...atFirstNeed]
    .map((href) => `await import(${JSON.stringify(href)});`)
    .join(' ');
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
    ${imports}
    process.stdout.write(JSON.stringify([...seen]));
    process.exit(0);
  `;
  const out = execFileSync(process.execPath, ['--no-node-snapshot', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  return (JSON.parse(out) as string[]).map((url) => url.replace(`file://${root}`, ''));
}

/**
 * User code runs only in worker processes (DESIGN: Processes). The API process, which holds the
 * sessions, keys and master key, must not even load the sandbox: whatever isolated-vm and the
 * realm do, they do it elsewhere.
 */
describe('the API process', () => {
  it.each(['server/server-process.ts', 'server/api/app.ts'])(
    'never loads the sandbox or isolated-vm from %s',
    (entry) => {
      const loaded = modulesLoadedBy(entry);
      expect(loaded).toContain('server/api/app.ts'); // the walk saw the API
      expect(loaded.filter((path) => path.startsWith('server/sandbox/') || path.includes('isolated-vm'))).toEqual([]);
    },
  );

  it('is what the check would catch: a worker does load them', () => {
    const loaded = modulesLoadedBy('server/worker-process.ts');
    expect(loaded.some((path) => path.startsWith('server/sandbox/'))).toBe(true);
    expect(loaded.some((path) => path.includes('isolated-vm'))).toBe(true);
  });
});

/**
 * Libraries only some steps or credentials need load where they are used, not at a process's start
 * (issue 14's footprint: together they cost the start ~0.1 s and ~30 MiB across the two processes).
 */
const LOADED_ON_FIRST_USE = ['nodemailer', 'oauth4webapi', 'luxon', 'fast-xml-parser', 'csv-parse', 'csv-stringify'];

describe('a process at start', () => {
  it.each(['server/server-process.ts', 'server/worker-process.ts'])(
    'loads no library that only some steps need, from %s',
    (entry) => {
      const loaded = modulesLoadedBy(entry);
      expect(loaded).toContain('nodes/catalogue.ts'); // the walk saw the node catalogue
      expect(
        loaded.filter((path) => LOADED_ON_FIRST_USE.some((name) => `/${path}`.includes(`/node_modules/${name}/`))),
      ).toEqual([]);
    },
  );
});
