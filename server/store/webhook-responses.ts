import type Database from 'better-sqlite3';
import type { StepId } from '../../nodes/step.ts';
import { nowIso } from './db.ts';
import { prepared } from './prepared.ts';

/*
 * The engine's side of `webhook_responses`: which step answered a run's webhook. Read and written
 * inside the transaction that stores a Respond to webhook step's result
 * (server/core/engine/respond.ts), so the first stored responder wins however many workers race.
 * Plain prepared SQL, as the rest of the engine's run side (prepared.ts).
 */

/** The step that answered the run's webhook, if one has. */
export function answeringStep(sqlite: Database.Database, executionId: string): StepId | undefined {
  return prepared(
    sqlite,
    'select execution_id as executionId, node_id as nodeId, scope, attempt from webhook_responses where execution_id = ?',
  ).get(executionId) as StepId | undefined;
}

/** Records the step that answers the run's webhook; false when another one did first. */
export function recordAnsweringStep(sqlite: Database.Database, step: StepId): boolean {
  return (
    prepared(
      sqlite,
      `insert into webhook_responses (execution_id, node_id, scope, attempt, created_at)
       values (?, ?, ?, ?, ?) on conflict do nothing`,
    ).run(step.executionId, step.nodeId, step.scope, step.attempt, nowIso()).changes > 0
  );
}
