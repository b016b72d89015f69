import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, valueImportSpecifiers } from './testing/imports.ts';
import { moduleGraph } from './testing/package-graph.ts';

/**
 * What nodes/ may import besides its own files, by exact specifier, each with why. nodes/ is loaded by
 * the server, the worker and the API process (the web app takes its types only), and a node reaches
 * the outside world only through its context (`ctx.http`, the sandbox, stored credentials in the
 * worker). So the only packages here are pure data libraries: they turn values into other values and
 * load nothing of Node's (no files, sockets, processes, crypto), which the last tests below check
 * through each one's whole module graph. Protocol libraries (nodemailer, pg, OAuth) and `node:*`
 * never: their work is done in server/, reached through the context.
 */
const ALLOWED_PACKAGES: Readonly<Record<string, string>> = {
  zod: 'config schemas (every node)',
  croner: 'cron parsing (triggers/schedule.node.ts)',
  'csv-parse/sync': 'reading CSV (formats/csv-parse.node.ts); the sync API, not the stream one that loads node:stream',
  'csv-stringify/sync': 'writing CSV (formats/csv-build.node.ts); the sync API, as for csv-parse',
  'fast-xml-parser': 'XML to JSON and back (formats/xml-to-json.node.ts, formats/json-to-xml.node.ts)',
  luxon: 'dates, time zones and durations (formats/date-time.node.ts)',
};
const isAllowedPackage = (specifier: string) => Object.hasOwn(ALLOWED_PACKAGES, specifier);
const root = import.meta.dirname;

// Test support (nodes/testing/) runs under vitest only, and no production file may import it
// (server/boundary.test.ts): it may use Node, as the tests do.
const sourceFiles = (readdirSync(root, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.startsWith(`testing${sep}`))
  .sort();

describe('importSpecifiers', () => {
  it('finds every kind of import', () => {
    const source = [
      "import { z } from 'zod';",
      'import type { A } from "./a.ts";',
      "import {\n  b,\n  c,\n} from '../b.ts';",
      "import 'side-effect';",
      "export { d } from './d.ts';",
      "export * from 'e';",
      "const f = await import('f');",
      "const g = require('g');",
      "export default defineNode({ description: 'not an import' });",
    ].join('\n');
    expect(importSpecifiers(source).sort()).toEqual(
      ['zod', './a.ts', '../b.ts', 'side-effect', './d.ts', 'e', 'f', 'g'].sort(),
    );
  });

  it('tells the imports a bundler keeps from type-only ones', () => {
    const source = [
      "import type { A } from './types.ts';",
      "export type { B } from './b.ts';",
      "import { type C } from './c.ts';", // kept as `import './c.ts'` under verbatimModuleSyntax
      "import { d, type D } from './d.ts';",
      "export { e } from './e.ts';",
      "const f = await import('./f.ts');",
    ].join('\n');
    expect(valueImportSpecifiers(source).sort()).toEqual(['./c.ts', './d.ts', './e.ts', './f.ts']);
  });
});

describe('nodes/ dependency boundary', () => {
  it('scans every node file', () => {
    expect(sourceFiles).toEqual(
      expect.arrayContaining([
        'catalogue.ts',
        'define.ts',
        join('triggers', 'schedule.node.ts'),
        join('actions', 'http.node.ts'),
      ]),
    );
  });

  it.each(sourceFiles)('%s imports only files inside nodes/ and the allowed packages', (file) => {
    const specifiers = importSpecifiers(readFileSync(join(root, file), 'utf8'));
    for (const specifier of specifiers) {
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        const target = relative(root, resolve(root, file, '..', specifier));
        expect(target.startsWith(`..${sep}`) || target === '..', `${specifier} leaves nodes/`).toBe(false);
      } else {
        expect(isAllowedPackage(specifier), `${specifier} is not allowed in nodes/`).toBe(true);
      }
    }
  });

  it('refuses Node built-ins, protocol libraries and the stream APIs of the CSV packages', () => {
    for (const specifier of ['node:crypto', 'crypto', 'node:fs', 'nodemailer', 'pg', 'oauth4webapi', 'csv-parse']) {
      expect(isAllowedPackage(specifier), specifier).toBe(false);
    }
    // Own keys only: a name Object.prototype has is no package of the list.
    expect(isAllowedPackage('toString')).toBe(false);
  });

  it('uses every allowed package somewhere, so the list holds nothing stale', () => {
    const used = new Set(sourceFiles.flatMap((file) => importSpecifiers(readFileSync(join(root, file), 'utf8'))));
    expect(Object.keys(ALLOWED_PACKAGES).filter((specifier) => !used.has(specifier))).toEqual([]);
  });
});

describe('the packages nodes/ may import are pure data libraries', () => {
  const from = join(root, 'catalogue.ts');

  it.each(Object.keys(ALLOWED_PACKAGES))('%s loads none of Node’s built-in modules, however deep', (specifier) => {
    const graph = moduleGraph(specifier, from);
    expect(graph.files.length).toBeGreaterThan(0);
    expect(Object.fromEntries(graph.builtins), `${specifier} reaches Node built-ins (imported by these files)`).toEqual(
      {},
    );
  });

  it('would catch one: a protocol library and a stream API do load built-ins', () => {
    expect([...moduleGraph('nodemailer', from).builtins.keys()]).toEqual(
      expect.arrayContaining(['node:net', 'node:tls', 'node:fs']),
    );
    expect([...moduleGraph('csv-parse', from).builtins.keys()]).toEqual(['stream']);
    // The walk goes into dependencies: fast-xml-parser's own imports are followed into their packages.
    expect([...moduleGraph('fast-xml-parser', from).packages.keys()]).toEqual(
      expect.arrayContaining(['fast-xml-parser', 'strnum']),
    );
  });
});
