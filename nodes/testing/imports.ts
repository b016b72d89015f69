/** Test support for the dependency-boundary tests (nodes/ and server/). */

/** Every module specifier in a file: static imports and re-exports (type-only too), dynamic imports, require. */
export function importSpecifiers(source: string): string[] {
  const patterns = [
    /(?:^|[\s;}])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s*)?['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] as string));
}
