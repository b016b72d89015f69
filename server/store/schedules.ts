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
  /** The last activation, or the last resume of a paused schedule: slots before it never fire. */
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

/**
 * Takes a cron slot for a workflow, for the execution that runs it (inserted in the same
 * transaction); false when another process (or an earlier tick) took it.
 */
export function claimFire(sqlite: Sql, workflowId: string, fireTime: string, executionId: string): boolean {
  return (
    prepared(
      sqlite,
      `insert into schedule_fires (workflow_id, fire_time, execution_id, created_at) values (?, ?, ?, ?)
       on conflict do nothing`,
    ).run(workflowId, fireTime, executionId, nowIso()).changes > 0
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

/**
 * Pauses or resumes a workflow's schedule. Resuming counts the schedule afresh from now, as
 * activating does: slots that passed while it was paused are skipped, not caught up on resume.
 */
export function setSchedulePaused(sqlite: Sql, workflowId: string, paused: boolean): boolean {
  const now = nowIso();
  return (
    prepared(
      sqlite,
      `update workflows set
         active_since = case when schedule_paused = 1 and @paused = 0 then @now else active_since end,
         schedule_paused = @paused, updated_at = @now
       where id = @workflowId`,
    ).run({ paused: paused ? 1 : 0, now, workflowId }).changes > 0
  );
}
