import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../store/db.ts';

/** A real SQLite file in a fresh temp dir; `cleanup` closes and removes it. */
export function tempStore(
  options: { migrationsFolder?: string } = {},
): Store & { dir: string; file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-test-'));
  const file = join(dir, 'stepwise.db');
  const store = openStore(file, options);
  return {
    ...store,
    dir,
    file,
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
