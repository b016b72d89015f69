import type Database from 'better-sqlite3';
import { type StepId, type StepKey, type StepRef, stepKey } from '../../nodes/step.ts';
import type { StepState } from '../core/engine/plan.ts';
import type { StepResult, Wait, WaitingStep } from '../core/engine/ports.ts';
import { cancelApprovals, closeApproval, openApproval } from './approvals.ts';
import { nowIso } from './db.ts';
import { newId } from './ids.ts';
import { fromJson, prepared, toJson } from './prepared.ts';
import type { stepRuns } from './schema.ts';

/**
 * Step runs: one row per attempt of a step (node and scope).
 * Steps are addressed by `StepRef` / `StepId` objects (nodes/step.ts), never by positional ids. Plain prepared SQL: this is the engine's hot path.
 * The row as people see it: `output_full` is the engine's working copy and is never read out.
 */
export type StepRunRow = Omit<typeof stepRuns.$inferSelect, 'outputFull' | 'wait'> & {
  /** What a suspended step waits for, as people see it (no secrets: a resume URL is not shown). */
  waitingFor?: WaitingFor | null;
};

/** A summary of `step_runs.wait`: its kind, when its timer fires, and an approval's role and title. */
export interface WaitingFor {
  kind: string;
  until: string | null;
  role: string | null;
  title: string | null;
}
type Sql = Database.Database;

const COLUMNS = `id, execution_id as executionId, node_id as nodeId, scope, attempt, status, input, output,
  output_port as outputPort, error, request, truncated, worker_id as workerId, job_id as jobId, retry_at as retryAt,
  continue_at as continueAt, reused, handled, started_at as startedAt, finished_at as finishedAt,
  case when wait is null then null else json_object('kind', json_extract(wait, '$.kind'),
    'until', json_extract(wait, '$.timer.at'), 'role', json_extract(wait, '$.role'),
    'title', json_extract(wait, '$.title')) end as waitingFor`;

function toRow(raw: Record<string, unknown>): StepRunRow {
  return {
    ...(raw as unknown as StepRunRow),
    input: fromJson(raw.input),
    output: fromJson(raw.output),
    error: fromJson(raw.error),
    request: fromJson(raw.request),
    waitingFor: (fromJson(raw.waitingFor) as WaitingFor | null | undefined) ?? null,
    truncated: raw.truncated === 1,
    reused: raw.reused === 1,
    handled: raw.handled === 1,
  };
}

/** The engine's view of a step run row. */
export function toStepState(
  row: Pick<StepRunRow, 'status' | 'attempt' | 'outputPort' | 'retryAt' | 'continueAt'> & {
    timerAt?: string | null;
    handled?: unknown;
  },
): StepState {
  switch (row.status) {
    case 'running':
      return { status: row.status, attempt: row.attempt };
    case 'waiting':
      // When a timer resumes it (Wait.timer): reconciling queues the timer again.
      return row.timerAt
        ? { status: row.status, attempt: row.attempt, timerAt: row.timerAt }
        : { status: row.status, attempt: row.attempt };
    case 'succeeded':
      return {
        status: 'succeeded',
        attempt: row.attempt,
        port: row.outputPort ?? 'main',
        ...(row.continueAt ? { continueAt: row.continueAt } : {}),
      };
    case 'failed':
      // Handled by its node's settings: the run goes on from it by its port (plan.ts, StepState).
      if (row.handled === 1 || row.handled === true) {
        return { status: 'succeeded', attempt: row.attempt, port: row.outputPort ?? 'main', handled: true };
      }
      return row.retryAt
        ? { status: 'retrying', attempt: row.attempt, retryAt: row.retryAt }
        : { status: 'failed', attempt: row.attempt };
    case 'skipped':
      return { status: 'skipped' };
    case 'canceled':
      return { status: 'canceled' };
  }
}

/*
 * No `order by` in the hot-path reads below: SQLite (3.54) re-plans a statement that has one on
 * every new binding of its `?` parameters (its planner checks whether a bound value changes the
 * best plan), which cost ten times the query itself. A step has one row per attempt, so picking
 * the latest attempt here is cheap.
 */

/** The row of the highest attempt. */
function latest<T extends { attempt: number }>(rows: readonly T[]): T | undefined {
  let found: T | undefined;
  for (const row of rows) if (!found || row.attempt > found.attempt) found = row;
  return found;
}

/**
 * State of the latest attempt of every step that has one, keyed by step (node and scope); of one
 * scope only when `scope` is given (a loop iteration's steps: `step_runs_scope_idx`).
 */
export function stepStates(sqlite: Sql, executionId: string, scope?: string): Map<StepKey, StepState> {
  const columns = `node_id as nodeId, scope, status, attempt, output_port as outputPort, retry_at as retryAt,
       continue_at as continueAt, handled, json_extract(wait, '$.timer.at') as timerAt`;
  const rows = (
    scope === undefined
      ? prepared(sqlite, `select ${columns} from step_runs where execution_id = ?`).all(executionId)
      : prepared(sqlite, `select ${columns} from step_runs where execution_id = ? and scope = ?`).all(
          executionId,
          scope,
        )
  ) as Array<
    Pick<StepRunRow, 'nodeId' | 'scope' | 'status' | 'attempt' | 'outputPort' | 'retryAt' | 'continueAt'> & {
      handled: number;
      timerAt: string | null;
    }
  >;
  const latestByStep = new Map<StepKey, (typeof rows)[number]>();
  for (const row of rows) {
    const key = stepKey(row.nodeId, row.scope);
    const seen = latestByStep.get(key);
    if (!seen || row.attempt > seen.attempt) latestByStep.set(key, row);
  }
  return new Map([...latestByStep].map(([key, row]) => [key, toStepState(row)]));
}

/** A step's latest attempt when it is suspended: what it waits for and its whole stored output. */
export function waitingStep(sqlite: Sql, step: StepRef): WaitingStep | undefined {
  const row = prepared(
    sqlite,
    `select attempt, status, wait, coalesce(output_full, output) as output from step_runs
     where execution_id = ? and node_id = ? and scope = ? order by attempt desc limit 1`,
  ).get(step.executionId, step.nodeId, step.scope) as
    | { attempt: number; status: string; wait: string | null; output: string | null }
    | undefined;
  if (row?.status !== 'waiting' || row.wait === null) return undefined;
  return { attempt: row.attempt, wait: fromJson(row.wait) as Wait, output: fromJson(row.output) };
}

type AttemptRow = Pick<StepRunRow, 'status' | 'attempt' | 'outputPort' | 'retryAt' | 'continueAt' | 'jobId'> & {
  handled: number;
};

/** The latest attempt of one step (with the job that claimed it), or undefined when it has none. */
export function latestAttempt(sqlite: Sql, step: StepRef): AttemptRow | undefined {
  return latest(
    prepared(
      sqlite,
      `select status, attempt, output_port as outputPort, retry_at as retryAt, continue_at as continueAt, job_id as jobId,
         handled
       from step_runs where execution_id = ? and node_id = ? and scope = ?`,
    ).all(step.executionId, step.nodeId, step.scope) as AttemptRow[],
  );
}

/**
 * The state and output of the latest attempt of each given step of one execution: what a step
 * needs of its parents to build its input, without reading the whole execution.
 */
export function latestResults(
  sqlite: Sql,
  executionId: string,
  steps: ReadonlyArray<{ readonly nodeId: string; readonly scope: string }>,
): { states: Map<StepKey, StepState>; outputs: Map<StepKey, unknown> } {
  const states = new Map<StepKey, StepState>();
  const outputs = new Map<StepKey, unknown>();
  const statement = prepared(
    sqlite,
    `select status, attempt, output_port as outputPort, retry_at as retryAt, continue_at as continueAt, handled,
       coalesce(output_full, output) as output
     from step_runs where execution_id = ? and node_id = ? and scope = ?`,
  );
  for (const step of steps) {
    const key = stepKey(step.nodeId, step.scope);
    if (states.has(key)) continue;
    const row = latest(
      statement.all(executionId, step.nodeId, step.scope) as Array<AttemptRow & { output: string | null }>,
    );
    if (!row) continue;
    states.set(key, toStepState(row));
    if (row.status === 'succeeded' || row.handled === 1) outputs.set(key, fromJson(row.output));
  }
  return { states, outputs };
}

/** Outputs of the given steps' successful (or handled) attempts (whole, also when the stored one is capped). */
export function stepOutputs(
  sqlite: Sql,
  executionId: string,
  steps: ReadonlyArray<{ readonly nodeId: string; readonly scope: string }>,
): Map<StepKey, unknown> {
  const outputs = new Map<StepKey, unknown>();
  const statement = prepared(
    sqlite,
    `select coalesce(output_full, output) as output from step_runs
     where execution_id = ? and node_id = ? and scope = ? and (status = 'succeeded' or handled = 1)`,
  );
  for (const step of steps) {
    const key = stepKey(step.nodeId, step.scope);
    if (outputs.has(key)) continue;
    const row = statement.get(executionId, step.nodeId, step.scope) as { output: string | null } | undefined;
    if (row) outputs.set(key, fromJson(row.output));
  }
  return outputs;
}

/** Records that queue job `jobId`, in worker `workerId`, runs this attempt (or runs it again after a crash). */
export function claimStepRun(
  sqlite: Sql,
  values: StepId & {
    workerId: string;
    jobId: string;
    /** Take over an attempt claimed by this (vanished) job. */
    replacing?: string;
    input: unknown;
    truncated: boolean;
  },
): void {
  prepared(
    sqlite,
    `insert into step_runs (id, execution_id, node_id, scope, attempt, status, input, truncated, worker_id, job_id, started_at)
     values (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)
     on conflict (execution_id, node_id, scope, attempt) do update
       set worker_id = excluded.worker_id, job_id = excluded.job_id, started_at = excluded.started_at, input = excluded.input
       where step_runs.status = 'running' and step_runs.job_id in (excluded.job_id, ?)`,
  ).run(
    newId(),
    values.executionId,
    values.nodeId,
    values.scope,
    values.attempt,
    toJson(values.input ?? null),
    values.truncated ? 1 : 0,
    values.workerId,
    values.jobId,
    nowIso(),
    values.replacing ?? values.jobId,
  );
}

export type { StepResult } from '../core/engine/ports.ts';

/** `output`, `output_full` and the truncated flag of a successful, handled or suspended attempt, as stored. */
function storedOutput(result: { output?: unknown; truncatedOutput?: unknown }): [string | null, string | null, 0 | 1] {
  if (result.truncatedOutput === undefined) return [toJson(result.output ?? null), null, 0];
  return [toJson(result.truncatedOutput), toJson(result.output ?? null), 1];
}

/** The request an action sent, as stored (null for steps that send none). */
const storedRequest = (result: StepResult): string | null =>
  result.request === undefined ? null : toJson(result.request);

/** Stores the result of an attempt, once: only a running attempt can finish. */
export function finishStepRun(sqlite: Sql, step: StepId, result: StepResult): boolean {
  return completeStepRun(sqlite, step, result, 'running');
}

/**
 * Completes a suspended attempt, once: only a `waiting` row is resumed (docs/architecture.md,
 * invariant "suspended steps"), and what it waited for is cleared.
 */
export function resumeStepRun(sqlite: Sql, step: StepId, result: StepResult): boolean {
  return completeStepRun(sqlite, step, result, 'waiting');
}

/** Stores a result over an attempt's row while it has status `from` (the guard of both kinds of finish). */
function completeStepRun(sqlite: Sql, step: StepId, result: StepResult, from: 'running' | 'waiting'): boolean {
  const { executionId, nodeId, scope, attempt } = step;
  const finished = nowIso();
  if (result.status === 'waiting') {
    const suspended =
      prepared(
        sqlite,
        `update step_runs set status = 'waiting', wait = ?, output = ?, output_full = ?, truncated = truncated or ?,
           request = ?
         where execution_id = ? and node_id = ? and scope = ? and attempt = ? and status = ?`,
      ).run(
        toJson(result.wait),
        ...storedOutput(result),
        storedRequest(result),
        executionId,
        nodeId,
        scope,
        attempt,
        from,
      ).changes > 0;
    if (suspended) openApproval(sqlite, step, result.wait);
    return suspended;
  }
  const changes =
    result.status === 'succeeded'
      ? prepared(
          sqlite,
          `update step_runs set status = 'succeeded', output = ?, output_full = ?, truncated = truncated or ?,
             output_port = ?, continue_at = ?, request = coalesce(?, request), wait = null, finished_at = ?
           where execution_id = ? and node_id = ? and scope = ? and attempt = ? and status = ?`,
        ).run(
          ...storedOutput(result),
          result.port,
          result.continueAt ?? null,
          storedRequest(result),
          finished,
          executionId,
          nodeId,
          scope,
          attempt,
          from,
        ).changes
      : prepared(
          sqlite,
          `update step_runs set status = 'failed', error = ?, retry_at = ?, request = coalesce(?, request), wait = null,
             finished_at = ?, output = ?, output_full = ?, truncated = truncated or ?, output_port = ?, handled = ?
           where execution_id = ? and node_id = ? and scope = ? and attempt = ? and status = ?`,
        ).run(
          toJson(result.error),
          result.retryAt ?? null,
          storedRequest(result),
          finished,
          ...(result.handled ? storedOutput(result.handled) : [null, null, 0]),
          result.handled?.port ?? null,
          result.handled ? 1 : 0,
          executionId,
          nodeId,
          scope,
          attempt,
          from,
        ).changes;
  // A resumed step's approval is closed with it, by the port it leaves by.
  if (changes > 0 && from === 'waiting') closeApproval(sqlite, step, result);
  return changes > 0;
}

/**
 * Stores an attempt that was not claimed before it ran (a step that does not reach the outside
 * world), with its result, in one statement. Answers false when the attempt already has a row:
 * another job recorded (or claimed) it, and this result is not stored.
 */
export function insertFinishedStepRun(
  sqlite: Sql,
  values: StepId & {
    workerId: string;
    jobId: string;
    input: unknown;
    truncated: boolean;
    startedAt: string;
  },
  result: StepResult,
): boolean {
  const succeeded = result.status === 'succeeded' ? result : undefined;
  const failed = result.status === 'failed' ? result : undefined;
  const waiting = result.status === 'waiting' ? result : undefined;
  // What leaves the step: a success's output, or a handled failure's.
  const leaving = succeeded ?? failed?.handled;
  const inserted =
    prepared(
      sqlite,
      `insert into step_runs (id, execution_id, node_id, scope, attempt, status, input, output, output_full, truncated,
         output_port, error, request, worker_id, job_id, retry_at, continue_at, handled, wait, started_at, finished_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ? or ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (execution_id, node_id, scope, attempt) do nothing`,
    ).run(
      newId(),
      values.executionId,
      values.nodeId,
      values.scope,
      values.attempt,
      result.status,
      toJson(values.input ?? null),
      ...(leaving ? storedOutput(leaving) : waiting ? storedOutput(waiting) : [null, null, 0]),
      values.truncated ? 1 : 0,
      leaving?.port ?? null,
      failed ? toJson(failed.error) : null,
      storedRequest(result),
      values.workerId,
      values.jobId,
      failed?.retryAt ?? null,
      succeeded?.continueAt ?? null,
      failed?.handled ? 1 : 0,
      waiting ? toJson(waiting.wait) : null,
      values.startedAt,
      waiting ? null : nowIso(),
    ).changes > 0;
  if (inserted && waiting) openApproval(sqlite, stepIdOf(values), waiting.wait);
  return inserted;
}

const stepIdOf = (values: StepId): StepId => ({
  executionId: values.executionId,
  nodeId: values.nodeId,
  scope: values.scope,
  attempt: values.attempt,
});

/** Records steps that will never run (every branch into them was not taken), as attempt 1. */
export function insertSkippedSteps(
  sqlite: Sql,
  executionId: string,
  steps: ReadonlyArray<{ readonly nodeId: string; readonly scope: string }>,
): void {
  const now = nowIso();
  const statement = prepared(
    sqlite,
    `insert into step_runs (id, execution_id, node_id, scope, attempt, status, started_at, finished_at)
     values (?, ?, ?, ?, 1, 'skipped', ?, ?) on conflict do nothing`,
  );
  for (const step of steps) statement.run(newId(), executionId, step.nodeId, step.scope, now, now);
}

/**
 * For a canceled run: attempts still running or suspended become canceled (their results are not wanted) and
 * failed attempts lose their scheduled retry, so no row claims that a retry is still coming.
 */
export function cancelRunningSteps(sqlite: Sql, executionId: string): void {
  prepared(
    sqlite,
    `update step_runs set status = 'canceled', wait = null, finished_at = ?
     where execution_id = ? and status in ('running', 'waiting')`,
  ).run(nowIso(), executionId);
  cancelApprovals(sqlite, executionId);
  prepared(
    sqlite,
    "update step_runs set retry_at = null where execution_id = ? and status = 'failed' and retry_at is not null",
  ).run(executionId);
}

/** Every attempt of every step, for the execution detail; of one scope only when `scope` is given (`step_runs_scope_idx`). */
export function listStepRuns(sqlite: Sql, executionId: string, scope?: string): StepRunRow[] {
  const rows =
    scope === undefined
      ? prepared(sqlite, `select ${COLUMNS} from step_runs where execution_id = ? order by started_at, id`).all(
          executionId,
        )
      : prepared(
          sqlite,
          `select ${COLUMNS} from step_runs where execution_id = ? and scope = ? order by started_at, id`,
        ).all(executionId, scope);
  return (rows as Array<Record<string, unknown>>).map(toRow);
}

/**
 * Copies the successful steps of `fromExecution` into `toExecution`, for a retry that resumes, with
 * the handled failures: the run went on from those as from successes.
 */
export function copySucceededSteps(sqlite: Sql, fromExecution: string, toExecution: string): number {
  const rows = prepared(
    sqlite,
    `select node_id, scope, status, input, output, output_full, output_port, request, truncated, continue_at,
       error, handled, started_at, finished_at
     from step_runs where execution_id = ? and (status in ('succeeded', 'skipped') or handled = 1)`,
  ).all(fromExecution) as Array<Record<string, unknown>>;
  const insert = prepared(
    sqlite,
    `insert into step_runs (id, execution_id, node_id, scope, attempt, status, input, output, output_full, output_port,
       request, truncated, continue_at, error, handled, reused, started_at, finished_at)
     values (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
  );
  for (const row of rows) {
    insert.run(
      newId(),
      toExecution,
      row.node_id,
      row.scope,
      row.status,
      row.input,
      row.output,
      row.output_full,
      row.output_port,
      row.request,
      row.truncated,
      row.continue_at,
      row.error,
      row.handled,
      row.started_at,
      row.finished_at,
    );
  }
  return rows.length;
}

/**
 * Forgets the whole outputs kept beside capped ones (`output_full`) of runs that succeeded before
 * `endedBefore`: nothing reads them any more (a webhook waiting for its run reads right after the
 * end). Failed and canceled runs keep theirs, since a retry that resumes reuses them; they go when
 * retention deletes the run. Answers how many steps it cleared.
 */
export function clearSpentOutputs(sqlite: Sql, endedBefore: string): number {
  return prepared(
    sqlite,
    `update step_runs set output_full = null
     where output_full is not null and execution_id in (
       select id from executions where status = 'succeeded' and finished_at < ?)`,
  ).run(endedBefore).changes;
}
