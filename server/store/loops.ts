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

/** An iteration as the execution API lists it. `canceled`: started, never ended, and its loop is over. */
export interface IterationListItem {
  readonly index: number;
  readonly scope: string;
  readonly status: IterationStatus | 'running' | 'canceled';
  readonly error?: unknown;
}

/** How a loop step's iterations stand, for the execution detail. */
export interface IterationCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly running: number;
}

interface LoopState {
  readonly total: number;
  readonly started: number;
  readonly waiting: boolean;
}

/** A loop step's list size, how many iterations started, and whether it still waits for them. */
function loopState(sqlite: Sql, executionId: string, nodeId: string, scope: string): LoopState | undefined {
  const step = prepared(
    sqlite,
    `select attempt, status, output_port as port from step_runs
     where execution_id = ? and node_id = ? and scope = ? order by attempt desc limit 1`,
  ).get(executionId, nodeId, scope) as { attempt: number; status: string; port: string | null } | undefined;
  if (!step) return undefined;
  const progress = loopProgress(sqlite, { executionId, nodeId, scope, attempt: step.attempt });
  const recorded = prepared(
    sqlite,
    'select count(*) as n, max(idx) as last from loop_iterations where execution_id = ? and node_id = ? and scope = ?',
  ).get(executionId, nodeId, scope) as { n: number; last: number | null };
  const started = Math.max(progress?.started ?? 0, (recorded.last ?? -1) + 1);
  return { total: progress?.total ?? started, started, waiting: step.status === 'waiting' };
}

/** Per loop step of the top scope (`<node>#<scope>` keys), how its iterations stand. */
export function iterationCounts(
  sqlite: Sql,
  executionId: string,
  loops: readonly string[],
): Map<string, IterationCounts> {
  const counts = new Map<string, IterationCounts>();
  for (const nodeId of loops) {
    const state = loopState(sqlite, executionId, nodeId, '');
    if (!state) continue;
    const rows = prepared(
      sqlite,
      `select status, count(*) as n from loop_iterations
       where execution_id = ? and node_id = ? and scope = '' group by status`,
    ).all(executionId, nodeId) as Array<{ status: IterationStatus; n: number }>;
    const of = (status: IterationStatus) => rows.find((row) => row.status === status)?.n ?? 0;
    const ended = rows.reduce((sum, row) => sum + row.n, 0);
    counts.set(nodeId, {
      total: state.total,
      succeeded: of('succeeded'),
      failed: of('failed'),
      skipped: of('skipped'),
      running: state.waiting ? state.started - ended : 0,
    });
  }
  return counts;
}

/**
 * One page of a loop step's iterations, in item order from `cursor` (an index): those that ended,
 * and those started and still running (`canceled` once the loop is over without them). With a
 * `status`, only iterations in it.
 */
export function listLoopIterations(
  sqlite: Sql,
  query: {
    executionId: string;
    nodeId: string;
    scope: string;
    cursor: number;
    limit: number;
    status?: IterationStatus | 'running';
  },
): { items: IterationListItem[]; nextCursor: number | null } {
  const { executionId, nodeId, scope, cursor, limit } = query;
  const state = loopState(sqlite, executionId, nodeId, scope);
  if (!state) return { items: [], nextCursor: null };
  const toItem = (row: { idx: number; status: IterationStatus; error: string | null }): IterationListItem => ({
    index: row.idx,
    scope: scope === '' ? String(row.idx) : `${scope}/${row.idx}`,
    status: row.status,
    ...(row.error === null ? {} : { error: fromJson(row.error) }),
  });
  if (query.status !== undefined && query.status !== 'running') {
    const rows = prepared(
      sqlite,
      `select idx, status, error from loop_iterations
       where execution_id = ? and node_id = ? and scope = ? and status = ? and idx >= ? order by idx limit ?`,
    ).all(executionId, nodeId, scope, query.status, cursor, limit + 1) as Array<{
      idx: number;
      status: IterationStatus;
      error: string | null;
    }>;
    const page = rows.slice(0, limit).map(toItem);
    return { items: page, nextCursor: rows.length > limit ? (rows[limit]?.idx ?? null) : null };
  }
  // Every index below `started` has ended or is still running: read the page's ended ones.
  const rows = prepared(
    sqlite,
    `select idx, status, error from loop_iterations
     where execution_id = ? and node_id = ? and scope = ? and idx >= ? and idx < ? order by idx`,
  ).all(executionId, nodeId, scope, cursor, state.started) as Array<{
    idx: number;
    status: IterationStatus;
    error: string | null;
  }>;
  const ended = new Map(rows.map((row) => [row.idx, row]));
  const items: IterationListItem[] = [];
  let index = cursor;
  for (; index < state.started && items.length < limit; index++) {
    const row = ended.get(index);
    if (row) {
      if (query.status === undefined) items.push(toItem(row));
      continue;
    }
    items.push({
      index,
      scope: scope === '' ? String(index) : `${scope}/${index}`,
      status: state.waiting ? 'running' : 'canceled',
    });
  }
  if (query.status === 'running') {
    // Skip to the next running one, if any, for the cursor.
    while (index < state.started && ended.has(index)) index++;
  }
  return { items, nextCursor: index < state.started ? index : null };
}
