import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, valueImportSpecifiers } from './testing/imports.ts';

// nodes/ is shared by the server, the worker and the web app, so it may import only zod and its own
// files; croner (pure cron parsing, see triggers/schedule.node.ts) is the one documented exception.
const ALLOWED_PACKAGES = new Set(['zod', 'croner']);
const root = import.meta.dirname;

const sourceFiles = (readdirSync(root, { recursive: true }) as string[])
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
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

  it.each(sourceFiles)('%s imports only zod, croner and files inside nodes/', (file) => {
    const specifiers = importSpecifiers(readFileSync(join(root, file), 'utf8'));
    for (const specifier of specifiers) {
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        const target = relative(root, resolve(root, file, '..', specifier));
        expect(target.startsWith(`..${sep}`) || target === '..', `${specifier} leaves nodes/`).toBe(false);
      } else {
        expect(ALLOWED_PACKAGES.has(specifier), `${specifier} is not allowed in nodes/`).toBe(true);
      }
    }
  });
});
