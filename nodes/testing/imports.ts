/** Test support for the dependency-boundary tests (nodes/ and server/). */

const STATIC = /(?:^|[\s;}])(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s*)?['"]([^'"]+)['"]/g;
const DYNAMIC = [/\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g, /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g];

/** Every module specifier in a file: static imports and re-exports (type-only too), dynamic imports, require. */
export function importSpecifiers(source: string): string[] {
  return [
    ...[...source.matchAll(STATIC)].map((match) => match[2] as string),
    ...DYNAMIC.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] as string)),
  ];
}

/**
 * The specifiers whose modules a bundler keeps: all but `import type` / `export type` statements.
 * Under `verbatimModuleSyntax`, `import { type A } from 'x'` keeps `import 'x'`, so it counts.
 */
export function valueImportSpecifiers(source: string): string[] {
  return [
    ...[...source.matchAll(STATIC)].filter((match) => match[1] === undefined).map((match) => match[2] as string),
    ...DYNAMIC.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] as string)),
  ];
}

/** The value imports loaded with the file itself: `valueImportSpecifiers` without dynamic `import()`. */
export function staticValueImportSpecifiers(source: string): string[] {
  return [...source.matchAll(STATIC)].filter((match) => match[1] === undefined).map((match) => match[2] as string);
}
