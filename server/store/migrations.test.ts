import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openStore } from './db.ts';
import { getVersionByNumber, insertVersion } from './versions.ts';
import { getWorkflow, getWorkflowListItem } from './workflows.ts';

interface Journal {
  entries: Array<{ idx: number; tag: string }>;
}
const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as Journal;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the migrations folder as an older release shipped it: only the first `count` migrations. */
function olderMigrations(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-migrations-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'meta'));
  const kept = journal.entries.slice(0, count);
  for (const entry of kept) cpSync(join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), join(dir, `${entry.tag}.sql`));
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: kept }));
  return dir;
}

describe('migrations', () => {
  it('are listed in order, one SQL file each', () => {
    expect(journal.entries.length).toBeGreaterThan(0);
    journal.entries.forEach((entry, index) => {
      expect(entry.idx).toBe(index);
      expect(readFileSync(join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), 'utf8').length).toBeGreaterThan(0);
    });
  });

  it.each(journal.entries.map((entry, index) => [entry.tag, index + 1]))(
    'carry a database written after %s forward without losing data',
    (_tag, count) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'stepwise-upgrade-'));
      dirs.push(dataDir);
      const file = join(dataDir, 'stepwise.db');

      // An older Stepwise creates the file and writes a workflow with a version through plain SQL,
      // in the columns its first migration defined.
      openStore(file, { migrationsFolder: olderMigrations(count) }).close();
      const old = new Database(file);
      old
        .prepare(
          `insert into workflows (id, name, description, draft, draft_revision, draft_updated_at, active, created_at, updated_at)
           values ('w1', 'Legacy', 'from an older release', '{"nodes":[],"edges":[]}', 3, '2026-01-01T00:00:00.000Z', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
        )
        .run();
      old
        .prepare(
          `insert into workflow_versions (id, workflow_id, number, graph, message, created_at)
           values ('v1', 'w1', 1, '{"nodes":[],"edges":[]}', 'old', '2026-01-01T00:00:00.000Z')`,
        )
        .run();
      old.close();

      // The current release opens the same file: migrations apply, data is intact and usable.
      const store = openStore(file);
      try {
        const applied = store.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
        expect(applied.n).toBe(journal.entries.length);
        expect(getWorkflow(store.db, 'w1')).toMatchObject({ name: 'Legacy', draftRevision: 3 });
        expect(getVersionByNumber(store.db, 'w1', 1)?.message).toBe('old');
        expect(insertVersion(store.db, { workflowId: 'w1', graph: { nodes: [], edges: [] } }).number).toBe(2);
        expect(getWorkflowListItem(store.db, 'w1')?.latestVersion).toBe(2);
      } finally {
        store.close();
      }
    },
  );

  it('is a no-op on an up-to-date database, so every start may run it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stepwise-reopen-'));
    dirs.push(dataDir);
    const file = join(dataDir, 'stepwise.db');
    openStore(file).close();
    const store = openStore(file);
    const applied = store.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
    expect(applied.n).toBe(journal.entries.length);
    store.close();
  });
});
