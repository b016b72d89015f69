import { existsSync, readFileSync, statSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A `NODE_PACKS` entry that names a folder (a path) rather than an npm package. */
export const isPackPath = (entry: string): boolean =>
  entry.startsWith('./') || entry.startsWith('../') || entry === '.' || entry === '..' || isAbsolute(entry);

/** Why a pack could not be found or loaded; its message names the entry. */
export class PackNotFound extends Error {
  override name = 'PackNotFound';
}

/**
 * The module file a `NODE_PACKS` entry stands for. A path is a folder, taken from `baseDir` (the
 * directory Stepwise runs in) when relative; a name is an npm package, found in the node_modules
 * of `baseDir` or a folder above it, as `import` would find it from there. Either way the file is
 * the package's entry (its package.json `exports` for `import`, else `main`), or `index.js`,
 * `index.mjs` or `index.ts` in a folder without one.
 */
export function packEntryFile(entry: string, baseDir: string): string {
  const packageDir = isPackPath(entry) ? resolve(baseDir, entry) : installedPackageDir(entry, baseDir);
  if (!existsSync(packageDir) || !statSync(packageDir).isDirectory()) {
    throw new PackNotFound(`${packageDir} is not a folder`);
  }
  const manifestFile = join(packageDir, 'package.json');
  const manifest = existsSync(manifestFile) ? readManifest(manifestFile) : {};
  const named = exportedEntry(manifest.exports) ?? (typeof manifest.main === 'string' ? manifest.main : undefined);
  const candidates = named ? [named] : ['index.js', 'index.mjs', 'index.ts'];
  const file = candidates.map((candidate) => join(packageDir, candidate)).find((path) => existsSync(path));
  if (!file) {
    throw new PackNotFound(
      named
        ? `its package.json names ${named} as its entry, which ${packageDir} does not have`
        : `${packageDir} has no package.json entry ("exports" or "main") and no index.js, index.mjs or index.ts`,
    );
  }
  return file;
}

function installedPackageDir(name: string, baseDir: string): string {
  try {
    const manifest = findPackageJSON(name, pathToFileURL(join(baseDir, '/')).href);
    if (manifest) return dirname(manifest);
  } catch {
    // Not installed: said below in the operator's words rather than the resolver's.
  }
  throw new PackNotFound(`no npm package "${name}" is installed in ${baseDir} (run npm install ${name} there)`);
}

interface Manifest {
  readonly exports?: unknown;
  readonly main?: unknown;
}

function readManifest(file: string): Manifest {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Manifest) : {};
  } catch (error) {
    throw new PackNotFound(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The conditions a pack is imported under, in Node's order of preference for `import`. */
const CONDITIONS = ['import', 'node', 'default'];

/**
 * The file package.json `exports` gives the package itself (`.`) when imported: the string form,
 * the `.` entry, or the first of the `import`, `node` and `default` conditions, nested or in an
 * array of fallbacks. (Node's own resolver takes no other base than the importing module, and a
 * pack is found from the directory Stepwise runs in.)
 */
export function exportedEntry(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) {
    for (const item of exports) {
      const found = exportedEntry(item);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof exports !== 'object' || exports === null) return undefined;
  const map = exports as Record<string, unknown>;
  if ('.' in map) return exportedEntry(map['.']);
  for (const condition of CONDITIONS) {
    if (condition in map) {
      const found = exportedEntry(map[condition]);
      if (found) return found;
    }
  }
  return undefined;
}
