import type Database from 'better-sqlite3';
import type { StepId, StepRef } from '../../nodes/step.ts';
import {
  type IterationRecord,
  type IterationStatus,
  isLoopProgress,
  iterationIndex,
  type LoopProgress,
} from '../core/engine/loops.ts';
import { nowIso } from './db.ts';
import { fromJson, prepared, toJson } from './prepared.ts';

/*
 * The engine's loop records (server/core/engine/loops.ts): a waiting loop step's progress (its
 * `wait`), how each iteration ended (`loop_iterations`), and what a loop reads back when it is
 * done. Plain prepared SQL: these run once per iteration.
 */
type Sql = Database.Database;

/**
 * A waiting loop step's progress (the caller knows it waits): its `loop_progress` row once it has
 * one, else what its step was stored with (`wait`, read only then: it sits after the list in the
 * step's row, and reading it reads the whole list).
 */
export function loopProgress(sqlite: Sql, loop: StepId): LoopProgress | undefined {
  const ids = [loop.executionId, loop.nodeId, loop.scope, loop.attempt];
  const row = prepared(
    sqlite,
    'select progress from loop_progress where execution_id = ? and node_id = ? and scope = ? and attempt = ?',
  ).get(...ids) as { progress: string } | undefined;
  const progress = fromJson(
    row?.progress ??
      (
        prepared(
          sqlite,
          'select wait from step_runs where execution_id = ? and node_id = ? and scope = ? and attempt = ?',
        ).get(...ids) as { wait: string | null } | undefined
      )?.wait ??
      null,
  );
  return isLoopProgress(progress) ? progress : undefined;
}

/** Stores a loop step's progress in its own small row: its step's row holds the whole list. */
export function setLoopProgress(sqlite: Sql, loop: StepId, progress: LoopProgress): void {
  prepared(
    sqlite,
    `insert into loop_progress (execution_id, node_id, scope, attempt, progress) values (?, ?, ?, ?, ?)
     on conflict (execution_id, node_id, scope, attempt) do update set progress = excluded.progress`,
  ).run(loop.executionId, loop.nodeId, loop.scope, loop.attempt, toJson(progress));
}

/** Records how an iteration ended, once (the primary key); false when it was recorded already. */
export function insertIteration(sqlite: Sql, loop: StepRef, iteration: IterationRecord): boolean {
  return (
    prepared(
      sqlite,
      `insert into loop_iterations (execution_id, node_id, scope, idx, status, error, finished_at)
       values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
    ).run(
      loop.executionId,
      loop.nodeId,
      loop.scope,
      iteration.index,
      iteration.status,
      iteration.error === undefined ? null : toJson(iteration.error),
      nowIso(),
    ).changes > 0
  );
}

/** The ended iterations of a loop's step, in item order. */
export function listIterations(sqlite: Sql, loop: StepRef): IterationRecord[] {
  const rows = prepared(
    sqlite,
    `select idx, status, error from loop_iterations
     where execution_id = ? and node_id = ? and scope = ? order by idx`,
  ).all(loop.executionId, loop.nodeId, loop.scope) as Array<{
    idx: number;
    status: IterationStatus;
    error: string | null;
  }>;
  return rows.map((row) => ({
    index: row.idx,
    status: row.status,
    ...(row.error === null ? {} : { error: fromJson(row.error) as IterationRecord['error'] & object }),
  }));
}

/**
 * The whole outputs of a body's end node in each iteration of the loop step in `loopScope`, by
 * item index: what the loop's output is made of, read once, when it is done.
 */
export function endOutputs(
  sqlite: Sql,
  executionId: string,
  endNodeId: string,
  loopScope: string,
): Map<number, unknown> {
  const prefix = loopScope === '' ? '' : `${loopScope}/`;
  const rows = prepared(
    sqlite,
    `select scope, coalesce(output_full, output) as output from step_runs
     where execution_id = ? and node_id = ? and status = 'succeeded' and substr(scope, 1, ?) = ?`,
  ).all(executionId, endNodeId, prefix.length, prefix) as Array<{ scope: string; output: string | null }>;
  const outputs = new Map<number, unknown>();
  const depth = prefix === '' ? 0 : prefix.split('/').length - 1;
  for (const row of rows) {
    // Only this loop's iterations: one more part than its own scope.
    if (row.scope.split('/').length !== depth + 1) continue;
    outputs.set(iterationIndex(row.scope), fromJson(row.output));
  }
  return outputs;
}

/** The first step of a scope that failed for good (no retry to come): its node and error. */
export function failureIn(
  sqlite: Sql,
  executionId: string,
  scope: string,
): { nodeId: string; error: unknown } | undefined {
  const row = prepared(
    sqlite,
    `select node_id as nodeId, error from step_runs
     where execution_id = ? and scope = ? and status = 'failed' and retry_at is null limit 1`,
  ).get(executionId, scope) as { nodeId: string; error: string | null } | undefined;
  return row && { nodeId: row.nodeId, error: fromJson(row.error) };
}

/** The whole list of a loop's step while it waits (its stored output); undefined when it is not waiting. */
export function waitingLoopItems(
  sqlite: Sql,
  executionId: string,
  loop: { nodeId: string; scope: string },
): unknown[] | undefined {
  const row = prepared(
    sqlite,
    `select coalesce(output_full, output) as output from step_runs
     where execution_id = ? and node_id = ? and scope = ? and status = 'waiting'`,
  ).get(executionId, loop.nodeId, loop.scope) as { output: string | null } | undefined;
  const items = row ? fromJson(row.output) : undefined;
  return Array.isArray(items) ? items : undefined;
}
