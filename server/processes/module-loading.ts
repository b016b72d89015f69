import { enableCompileCache, registerHooks } from 'node:module';

/**
 * What Node does for every module a process loads, made cheaper. Each entry (server/cli.ts, which
 * `npm start` reaches through start.mjs; server/main.ts; server/worker-main.ts) calls this first
 * and only then imports the process's code: a hook applies to the imports resolved after it, and
 * an entry's static imports are all resolved before its first line runs. Measured on `npm start` (bench/footprint.bench.ts), per process:
 *
 * - drizzle-orm is loaded through its CommonJS build. To learn each loaded file's format, Node's
 *   ESM loader looks up the package's package.json and (Node 24) parses its `exports` field again
 *   every time; drizzle-orm's package.json is 180 kB and some 200 of its files load: 0.4 s of CPU
 *   and 150 MiB of garbage, which V8 then keeps as a larger young generation. As CommonJS the same
 *   files load in 60 ms. Same code and classes, and one copy per process: every import of
 *   drizzle-orm in the process goes through this hook.
 * - V8's compile cache (and Node's cache of stripped TypeScript) is kept in the OS temp directory,
 *   keyed by each file's contents and the Node version: a start after the first compiles almost
 *   nothing (a third less CPU for the imports). NODE_COMPILE_CACHE moves it,
 *   NODE_DISABLE_COMPILE_CACHE=1 turns it off (Node's own switches); a cache that cannot be
 *   written only costs the time it would have saved.
 */
export function loadModulesQuickly(): void {
  enableCompileCache();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier !== 'drizzle-orm' && !specifier.startsWith('drizzle-orm/')) return nextResolve(specifier, context);
      const conditions = context.conditions.map((condition) => (condition === 'import' ? 'require' : condition));
      return nextResolve(specifier, { ...context, conditions });
    },
  });
}
