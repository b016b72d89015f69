import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore } from '../testing/store.ts';
import { listPublications, publishVersion } from './publications.ts';
import { getVersionByNumber, insertVersion, listVersions } from './versions.ts';
import { deleteWorkflow, getWorkflowListItem, insertWorkflow, listWorkflows, saveDraft } from './workflows.ts';

let store: ReturnType<typeof tempStore>;
beforeEach(() => {
  store = tempStore();
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

  it('enforces foreign keys', () => {
    expect(() => insertVersion(store.db, { workflowId: 'missing', graph: {} })).toThrow(/FOREIGN KEY/);
  });
});

describe('workflows and versions', () => {
  it('numbers versions per workflow, independently', () => {
    const a = insertWorkflow(store.db, { name: 'A', draft: {} });
    const b = insertWorkflow(store.db, { name: 'B', draft: {} });
    expect(insertVersion(store.db, { workflowId: a.id, graph: { n: 1 } }).number).toBe(1);
    expect(insertVersion(store.db, { workflowId: a.id, graph: { n: 2 } }).number).toBe(2);
    expect(insertVersion(store.db, { workflowId: b.id, graph: { n: 1 } }).number).toBe(1);
    expect(listVersions(store.db, a.id).map((version) => version.number)).toEqual([1, 2]);
    expect(getVersionByNumber(store.db, a.id, 2)?.graph).toEqual({ n: 2 });
  });

  it('refuses two versions with the same number for one workflow', () => {
    const workflow = insertWorkflow(store.db, { name: 'A', draft: {} });
    const version = insertVersion(store.db, { workflowId: workflow.id, graph: {} });
    expect(() =>
      store.sqlite
        .prepare(
          "insert into workflow_versions (id, workflow_id, number, graph, message, created_at) values ('x', ?, ?, '{}', '', '')",
        )
        .run(workflow.id, version.number),
    ).toThrow(/UNIQUE/);
  });

  it('bumps the draft revision on every save and refuses a stale one', () => {
    const workflow = insertWorkflow(store.db, { name: 'A', draft: { v: 0 } });
    const first = saveDraft(store.db, workflow.id, { v: 1 }, 1);
    expect(first.kind).toBe('saved');
    expect(saveDraft(store.db, workflow.id, { v: 2 }, 1)).toEqual({ kind: 'conflict', currentRevision: 2 });
    expect(saveDraft(store.db, workflow.id, { v: 3 }).kind).toBe('saved');
    expect(saveDraft(store.db, 'missing', {}).kind).toBe('not_found');
  });

  it('reports latest and published version numbers with each workflow', () => {
    const workflow = insertWorkflow(store.db, { name: 'A', draft: {} });
    insertWorkflow(store.db, { name: 'Other', draft: {} });
    const v1 = insertVersion(store.db, { workflowId: workflow.id, graph: {} });
    insertVersion(store.db, { workflowId: workflow.id, graph: {} });
    publishVersion(store.db, { workflowId: workflow.id, versionId: v1.id, versionNumber: 1 });
    expect(getWorkflowListItem(store.db, workflow.id)).toMatchObject({ latestVersion: 2, publishedVersion: 1 });
    const other = listWorkflows(store.db, { archived: false, limit: 10 }).find((item) => item.name === 'Other');
    expect(other).toMatchObject({ latestVersion: null, publishedVersion: null });
  });

  it('records publishes and rollbacks, and nothing for a repeated publish', () => {
    const workflow = insertWorkflow(store.db, { name: 'A', draft: {} });
    const v1 = insertVersion(store.db, { workflowId: workflow.id, graph: {} });
    const v2 = insertVersion(store.db, { workflowId: workflow.id, graph: {} });
    publishVersion(store.db, { workflowId: workflow.id, versionId: v2.id, versionNumber: 2 });
    expect(publishVersion(store.db, { workflowId: workflow.id, versionId: v2.id, versionNumber: 2 }).kind).toBe(
      'unchanged',
    );
    publishVersion(store.db, { workflowId: workflow.id, versionId: v1.id, versionNumber: 1 });
    publishVersion(store.db, { workflowId: workflow.id, versionId: v2.id, versionNumber: 2 });
    expect(
      listPublications(store.db, workflow.id).map((p) => [p.kind, p.versionNumber, p.previousVersionNumber]),
    ).toEqual([
      ['publish', 2, 1],
      ['rollback', 1, 2],
      ['publish', 2, null],
    ]);
  });

  it('deletes a workflow with everything that belongs to it', () => {
    const workflow = insertWorkflow(store.db, { name: 'A', draft: {} });
    const version = insertVersion(store.db, { workflowId: workflow.id, graph: {} });
    publishVersion(store.db, { workflowId: workflow.id, versionId: version.id, versionNumber: 1 });
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
    expect(deleteWorkflow(store.db, workflow.id)).toBe(true);
    for (const table of ['workflows', 'workflow_versions', 'publications', 'executions', 'step_runs']) {
      expect((store.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n, table).toBe(0);
    }
  });
});
