import type Database from 'better-sqlite3';
import { nowIso } from './db.ts';
import { prepared } from './prepared.ts';

type Sql = Database.Database;

/** A workflow with a published version: whether it is scheduled depends on that version's trigger. */
export interface PublishedWorkflow {
  workflowId: string;
  name: string;
  active: boolean;
  paused: boolean;
  activeSince: string | null;
  versionId: string;
  versionNumber: number;
  publishedAt: string | null;
  lastFire: string | null;
}

export function listPublishedWorkflows(sqlite: Sql): PublishedWorkflow[] {
  const rows = prepared(
    sqlite,
    `select w.id as workflowId, w.name, w.active, w.schedule_paused as paused, w.active_since as activeSince,
            v.id as versionId, v.number as versionNumber,
            (select max(p.published_at) from publications p where p.workflow_id = w.id) as publishedAt,
            (select max(f.fire_time) from schedule_fires f where f.workflow_id = w.id) as lastFire
     from workflows w join workflow_versions v on v.id = w.published_version_id
     where w.archived_at is null
     order by w.name, w.id`,
  ).all() as Array<Omit<PublishedWorkflow, 'active' | 'paused'> & { active: number; paused: number }>;
  return rows.map((row) => ({ ...row, active: row.active === 1, paused: row.paused === 1 }));
}

export function versionGraph(sqlite: Sql, versionId: string): unknown {
  const row = prepared(sqlite, 'select graph from workflow_versions where id = ?').get(versionId) as
    | { graph: string }
    | undefined;
  return row ? JSON.parse(row.graph) : undefined;
}

/** Takes a cron slot for a workflow; false when another process (or an earlier tick) took it. */
export function claimFire(sqlite: Sql, workflowId: string, fireTime: string): boolean {
  return (
    prepared(
      sqlite,
      'insert into schedule_fires (workflow_id, fire_time, created_at) values (?, ?, ?) on conflict do nothing',
    ).run(workflowId, fireTime, nowIso()).changes > 0
  );
}

export function setFireExecution(sqlite: Sql, workflowId: string, fireTime: string, executionId: string): void {
  prepared(sqlite, 'update schedule_fires set execution_id = ? where workflow_id = ? and fire_time = ?').run(
    executionId,
    workflowId,
    fireTime,
  );
}

export interface ScheduledRun {
  id: string;
  status: string;
  createdAt: string;
}

export function lastScheduledRun(sqlite: Sql, workflowId: string): ScheduledRun | undefined {
  return prepared(
    sqlite,
    `select id, status, created_at as createdAt from executions
     where workflow_id = ? and trigger = 'schedule' order by created_at desc limit 1`,
  ).get(workflowId) as ScheduledRun | undefined;
}

export function setSchedulePaused(sqlite: Sql, workflowId: string, paused: boolean): boolean {
  return (
    prepared(sqlite, 'update workflows set schedule_paused = ?, updated_at = ? where id = ?').run(
      paused ? 1 : 0,
      nowIso(),
      workflowId,
    ).changes > 0
  );
}
