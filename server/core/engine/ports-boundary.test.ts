import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Every module a fresh Node process loads when it imports `entry`: repository paths, or package files. */
function modulesLoadedBy(entry: string): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
    await import(${JSON.stringify(new URL(entry, `file://${root}`).href)});
    process.stdout.write(JSON.stringify([...seen]));
    process.exit(0);
  `;
  const out = execFileSync(process.execPath, ['--no-node-snapshot', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  return (JSON.parse(out) as string[]).map((url) => url.replace(`file://${root}`, ''));
}

/** What only adapters may load: the store, the queue's database, the sandbox, and their drivers. */
const ADAPTER =
  /^server\/(store|pg|sandbox|api|auth|security)\/|node_modules\/(pg|better-sqlite3|graphile-worker|isolated-vm|drizzle-orm)\//;
const adaptersIn = (loaded: readonly string[]) => loaded.filter((path) => ADAPTER.test(path));

/*
 * The engine reaches the world only through its ports (server/core/engine/ports.ts): the step
 * runner, the run service and the core load no adapter, so the core's tests run them on the
 * in-memory ports with no PostgreSQL, SQLite or isolate.
 */
describe('the engine behind its ports', () => {
  it.each([
    'server/engine/step-runner.ts',
    'server/engine/runs.ts',
    'server/core/engine/records.ts',
    'server/core/engine/testing/memory-engine.ts',
  ])('%s loads no adapter', (entry) => {
    const loaded = modulesLoadedBy(entry);
    expect(loaded).toContain(entry);
    expect(adaptersIn(loaded)).toEqual([]);
  });

  it('is what the check would catch: the wiring loads them', () => {
    const loaded = adaptersIn(modulesLoadedBy('server/engine/adapters.ts'));
    expect(loaded.some((path) => path.startsWith('server/store/'))).toBe(true);
    expect(loaded.some((path) => path.includes('node_modules/better-sqlite3/'))).toBe(true);
  });
});
