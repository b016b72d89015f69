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

  it('gives existing credentials the origins their published HTTP nodes call as allowed targets (0009)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stepwise-0009-'));
    dirs.push(dataDir);
    const file = join(dataDir, 'stepwise.db');
    const before = journal.entries.findIndex((entry) => entry.tag.startsWith('0009_'));
    expect(before).toBe(9);
    openStore(file, { migrationsFolder: olderMigrations(before) }).close();
    const old = new Database(file);
    const now = '2026-01-01T00:00:00.000Z';
    const http = (id: string, url: string, credentialId: string) => ({
      id,
      type: 'action.http',
      name: id,
      position: { x: 0, y: 0 },
      config: { url, credentialId },
    });
    for (const id of ['used', 'dynamic', 'draft-only']) {
      old
        .prepare(
          `insert into credentials (id, name, type, ciphertext, iv, auth_tag, key_id, created_at, updated_at)
           values (?, ?, 'bearer', x'00', x'00', x'00', 'k', ?, ?)`,
        )
        .run(id, id, now, now);
    }
    const graph = (nodes: unknown[]) => JSON.stringify({ nodes, edges: [] });
    old
      .prepare(
        `insert into workflows (id, name, description, draft, draft_revision, draft_updated_at, active, created_at, updated_at)
         values ('w1', 'W', '', ?, 1, ?, 0, ?, ?)`,
      )
      .run(graph([http('d', 'https://drafted.example/x', 'draft-only')]), now, now, now);
    const insertVersion = old.prepare(
      `insert into workflow_versions (id, workflow_id, number, graph, message, created_at) values (?, 'w1', ?, ?, '', ?)`,
    );
    insertVersion.run('v1', 1, graph([http('o', 'https://old.example/', 'used')]), now);
    insertVersion.run(
      'v2',
      2,
      graph([
        http('a', 'HTTPS://API.Example.com:8443/v1/orders?x=1', 'used'),
        http('b', 'http://hooks.example#frag', 'used'),
        http('c', 'https://api.example.com:8443/v2', 'used'),
        http('e', 'https://{{ input.host }}/x', 'dynamic'),
        http('f', 'https://user:pw@sneaky.example/', 'used'),
      ]),
      now,
    );
    old.prepare(`update workflows set published_version_id = 'v2' where id = 'w1'`).run();
    old.close();

    const store = openStore(file);
    try {
      const targets = Object.fromEntries(
        (
          store.sqlite.prepare('select id, allowed_targets as t from credentials').all() as { id: string; t: string }[]
        ).map((row) => [row.id, JSON.parse(row.t)]),
      );
      // Only the published version counts (not v1, not the draft); origins only, each once.
      expect(targets).toEqual({
        used: ['http://hooks.example', 'https://api.example.com:8443'],
        dynamic: [],
        'draft-only': [],
      });
    } finally {
      store.close();
    }
  });

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
