import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore } from '../testing/store.ts';
import type { StorePort } from './repositories.ts';
import { sqliteRepositories } from './sqlite-repositories.ts';

let store: ReturnType<typeof tempStore>;
let repos: StorePort;
beforeEach(() => {
  store = tempStore();
  repos = sqliteRepositories(store);
});
afterEach(() => store.cleanup());

describe('the SQLite file', () => {
  it('runs in WAL mode with foreign keys, a busy timeout and incremental auto-vacuum', () => {
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.sqlite.pragma('auto_vacuum', { simple: true })).toBe(2); // 2 = incremental
  });

  it('has a table for every part of the data model', () => {
    const tables = (
      store.sqlite.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]
    ).map((row) => row.name);
    for (const table of [
      'users',
      'sessions',
      'api_keys',
      'workflows',
      'workflow_versions',
      'publications',
      'executions',
      'step_runs',
      'schedule_fires',
      'credentials',
      'audit_log',
    ]) {
      expect(tables).toContain(table);
    }
  });

  it('enforces foreign keys', async () => {
    await expect(repos.workflows.insertVersion({ workflowId: 'missing', graph: {} })).rejects.toThrow(/FOREIGN KEY/);
  });
});

// What every store does (workflows, versions, publications, accounts, …) is tested through the
// port in store-suite.ts; what is SQLite's own is tested here.
describe('the SQLite schema', () => {
  it('refuses two versions with the same number for one workflow', async () => {
    const workflow = await repos.workflows.insert({ name: 'A', draft: {} });
    const version = await repos.workflows.insertVersion({ workflowId: workflow.id, graph: {} });
    expect(() =>
      store.sqlite
        .prepare(
          "insert into workflow_versions (id, workflow_id, number, graph, message, created_at) values ('x', ?, ?, '{}', '', '')",
        )
        .run(workflow.id, version.number),
    ).toThrow(/UNIQUE/);
  });

  it('deletes a workflow with every row that belongs to it, step runs included', async () => {
    const workflow = await repos.workflows.insert({ name: 'A', draft: {} });
    const version = await repos.workflows.insertVersion({ workflowId: workflow.id, graph: {} });
    await repos.workflows.publish({ workflowId: workflow.id, versionId: version.id, versionNumber: 1 });
    store.sqlite
      .prepare(
        "insert into executions (id, workflow_id, version_id, trigger, status, created_at) values ('e1', ?, ?, 'manual', 'succeeded', '2026-01-01T00:00:00.000Z')",
      )
      .run(workflow.id, version.id);
    store.sqlite
      .prepare(
        "insert into step_runs (id, execution_id, node_id, attempt, status, started_at) values ('s1', 'e1', 'n', 1, 'succeeded', '2026-01-01T00:00:00.000Z')",
      )
      .run();
    expect(await repos.workflows.delete(workflow.id)).toBe(true);
    for (const table of ['workflows', 'workflow_versions', 'publications', 'executions', 'step_runs']) {
      expect((store.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n, table).toBe(0);
    }
  });
});
