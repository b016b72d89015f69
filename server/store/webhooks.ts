import type Database from 'better-sqlite3';
import { nowIso } from './db.ts';
import { prepared } from './prepared.ts';

type Sql = Database.Database;

/** How long a repeated delivery with the same idempotency key starts no second run. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What a webhook call needs of its workflow: whether it is live, and the version that runs. */
export interface WebhookTarget {
  active: boolean;
  archived: boolean;
  versionId: string | null;
}

export function webhookTarget(sqlite: Sql, workflowId: string): WebhookTarget | undefined {
  const row = prepared(
    sqlite,
    `select active, archived_at as archivedAt, published_version_id as versionId from workflows where id = ?`,
  ).get(workflowId) as { active: number; archivedAt: string | null; versionId: string | null } | undefined;
  return row && { active: row.active === 1, archived: row.archivedAt !== null, versionId: row.versionId };
}

/** The execution an earlier delivery with this key started, if within `windowMs`. */
export function earlierDelivery(sqlite: Sql, workflowId: string, key: string, windowMs: number): string | undefined {
  const row = prepared(
    sqlite,
    `select execution_id as executionId, created_at as createdAt from webhook_deliveries
     where workflow_id = ? and idempotency_key = ?`,
  ).get(workflowId, key) as { executionId: string | null; createdAt: string } | undefined;
  if (!row || Date.parse(row.createdAt) < Date.now() - windowMs) return undefined;
  return row.executionId ?? undefined;
}

/**
 * Records a delivery's key with the execution it started, in that execution's insert transaction,
 * so a key is never recorded without its run; false when another delivery with the key got there
 * first (its row is kept, the caller's insert is to be undone).
 */
export function recordDelivery(
  sqlite: Sql,
  workflowId: string,
  key: string,
  windowMs: number,
  executionId: string,
): boolean {
  // A key older than the window may be used again.
  prepared(
    sqlite,
    'delete from webhook_deliveries where workflow_id = ? and idempotency_key = ? and created_at < ?',
  ).run(workflowId, key, new Date(Date.now() - windowMs).toISOString());
  return (
    prepared(
      sqlite,
      `insert into webhook_deliveries (workflow_id, idempotency_key, execution_id, created_at) values (?, ?, ?, ?)
       on conflict do nothing`,
    ).run(workflowId, key, executionId, nowIso()).changes > 0
  );
}

/** Forgets a delivery whose run was stored but could not be queued: the sender's retry may start it again. */
export function forgetDelivery(sqlite: Sql, workflowId: string, key: string, executionId: string): void {
  prepared(
    sqlite,
    'delete from webhook_deliveries where workflow_id = ? and idempotency_key = ? and execution_id = ?',
  ).run(workflowId, key, executionId);
}

/** The output of the step that finished last: what a webhook answers when it waits for the run. */
export function lastStepOutput(sqlite: Sql, executionId: string): unknown {
  // Picked here rather than by ORDER BY: SQLite re-plans an ordered statement on every call (see steps.ts).
  const steps = prepared(
    sqlite,
    "select id, finished_at as finishedAt from step_runs where execution_id = ? and status = 'succeeded'",
  ).all(executionId) as Array<{ id: string; finishedAt: string | null }>;
  let last: (typeof steps)[number] | undefined;
  for (const step of steps) {
    if (
      !last ||
      (step.finishedAt ?? '') > (last.finishedAt ?? '') ||
      (step.finishedAt === last.finishedAt && step.id > last.id)
    )
      last = step;
  }
  if (!last) return null;
  const row = prepared(sqlite, 'select coalesce(output_full, output) as output from step_runs where id = ?').get(
    last.id,
  ) as { output: string | null };
  return row.output ? JSON.parse(row.output) : null;
}
