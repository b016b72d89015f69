import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { importSpecifiers } from './imports.ts';

/** The package a bare specifier names: `csv-parse/sync` → `csv-parse`, `@scope/a/b` → `@scope/a`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** An `exports` entry under the conditions an ESM import in Node uses. */
function exportTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) return entry.map(exportTarget).find((target) => target !== undefined);
  if (typeof entry !== 'object' || entry === null) return undefined;
  for (const condition of ['node', 'import', 'module', 'default']) {
    const target = exportTarget((entry as Record<string, unknown>)[condition]);
    if (target !== undefined) return target;
  }
  return undefined;
}

/**
 * The file an ESM `import` of the bare `specifier` from the file `from` loads in Node: the package
 * found in the nearest node_modules up from `from`, its `exports` read with the import conditions.
 */
export function resolvePackageImport(specifier: string, from: string): string {
  const name = packageName(specifier);
  const subpath = `.${specifier.slice(name.length)}`;
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const root = join(dir, 'node_modules', name);
    if (existsSync(join(root, 'package.json'))) {
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      const target =
        manifest.exports === undefined
          ? subpath === '.'
            ? (manifest.module ?? manifest.main ?? 'index.js')
            : subpath
          : exportTarget(
              typeof manifest.exports === 'object' && !Array.isArray(manifest.exports) && subpath in manifest.exports
                ? manifest.exports[subpath]
                : subpath === '.'
                  ? manifest.exports
                  : undefined,
            );
      if (target === undefined) throw new Error(`${name} does not export ${subpath}`);
      return relativeFile(resolve(root, target));
    }
    if (dirname(dir) === dir) throw new Error(`${specifier} is not installed (from ${from})`);
  }
}

/** What a package's module graph loads: its files and its dependencies' files, as Node would. */
export interface ModuleGraph {
  /** Every file loaded, the entry's and its dependencies'. */
  readonly files: string[];
  /** Packages it loads (its own name included), each with a file that imports it. */
  readonly packages: Map<string, string>;
  /** Node's built-in modules it imports (`node:fs`, `stream`), each with a file that imports it. */
  readonly builtins: Map<string, string>;
}

/**
 * The module graph an ESM `import` of `specifier` loads, followed through relative imports and into
 * other packages. Imports are found by text (`importSpecifiers`) once block comments and whole-line
 * `//` comments are taken out (libraries show usage in them); an import in a string still counts,
 * erring towards reporting.
 */
export function moduleGraph(specifier: string, from: string): ModuleGraph {
  const files = new Set<string>();
  const packages = new Map<string, string>([[packageName(specifier), from]]);
  const builtins = new Map<string, string>();
  const queue = [resolvePackageImport(specifier, from)];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const imported of importSpecifiers(withoutComments(readFileSync(file, 'utf8')))) {
      if (imported.startsWith('.') || imported.startsWith('/')) {
        queue.push(relativeFile(resolve(dirname(file), imported)));
      } else if (imported.startsWith('node:') || isBuiltin(imported)) {
        if (!builtins.has(imported)) builtins.set(imported, file);
      } else {
        if (!packages.has(packageName(imported))) packages.set(packageName(imported), file);
        queue.push(resolvePackageImport(imported, file));
      }
    }
  }
  return { files: [...files], packages, builtins };
}

/** Source without block comments and whole-line `//` comments (a `//` after code is left: it may be in a URL). */
const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** The file a relative import names: itself, or (as CommonJS finds them) with `.js`, or a folder's index.js. */
function relativeFile(target: string): string {
  if (!existsSync(target)) return `${target}.js`;
  return statSync(target).isDirectory() ? join(target, 'index.js') : target;
}
