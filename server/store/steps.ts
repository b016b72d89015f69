import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { StepState } from '../core/engine/plan.ts';
import { type Db, nowIso } from './db.ts';
import { stepRuns } from './schema.ts';

export type StepRunRow = typeof stepRuns.$inferSelect;

/** The latest attempt of each node of an execution. */
export function latestStepRuns(db: Db, executionId: string): StepRunRow[] {
  return db
    .select()
    .from(stepRuns)
    .where(
      and(
        eq(stepRuns.executionId, executionId),
        sql`${stepRuns.attempt} = (select max(s2.attempt) from step_runs s2 where s2.execution_id = ${stepRuns.executionId} and s2.node_id = ${stepRuns.nodeId})`,
      ),
    )
    .all();
}

/** The engine's view of a step run row. */
export function toStepState(
  row: Pick<StepRunRow, 'status' | 'attempt' | 'outputPort' | 'retryAt' | 'continueAt'>,
): StepState {
  switch (row.status) {
    case 'running':
      return { status: 'running', attempt: row.attempt };
    case 'succeeded':
      return {
        status: 'succeeded',
        attempt: row.attempt,
        port: row.outputPort ?? 'main',
        ...(row.continueAt ? { continueAt: row.continueAt } : {}),
      };
    case 'failed':
      return row.retryAt
        ? { status: 'waiting', attempt: row.attempt, retryAt: row.retryAt }
        : { status: 'failed', attempt: row.attempt };
    case 'skipped':
      return { status: 'skipped' };
    case 'canceled':
      return { status: 'canceled' };
  }
}

/** State of every node that has one, keyed by node id. */
export function stepStates(db: Db, executionId: string): Map<string, StepState> {
  return new Map(
    db
      .select({
        nodeId: stepRuns.nodeId,
        status: stepRuns.status,
        attempt: stepRuns.attempt,
        outputPort: stepRuns.outputPort,
        retryAt: stepRuns.retryAt,
        continueAt: stepRuns.continueAt,
      })
      .from(stepRuns)
      .where(eq(stepRuns.executionId, executionId))
      .orderBy(asc(stepRuns.attempt))
      .all()
      .map((row) => [row.nodeId, toStepState(row)]),
  );
}

export function getStepRun(db: Db, executionId: string, nodeId: string, attempt: number): StepRunRow | undefined {
  return db
    .select()
    .from(stepRuns)
    .where(and(eq(stepRuns.executionId, executionId), eq(stepRuns.nodeId, nodeId), eq(stepRuns.attempt, attempt)))
    .get();
}

/** Outputs of the given nodes' successful attempts. */
export function stepOutputs(db: Db, executionId: string, nodeIds: readonly string[]): Map<string, unknown> {
  if (nodeIds.length === 0) return new Map();
  return new Map(
    db
      .select({ nodeId: stepRuns.nodeId, output: stepRuns.output })
      .from(stepRuns)
      .where(
        and(
          eq(stepRuns.executionId, executionId),
          inArray(stepRuns.nodeId, [...nodeIds]),
          eq(stepRuns.status, 'succeeded'),
        ),
      )
      .all()
      .map((row) => [row.nodeId, row.output]),
  );
}

/** Records that `workerId` runs this attempt (inserting the row, or taking over a left one). */
export function claimStepRun(
  db: Db,
  values: { executionId: string; nodeId: string; attempt: number; workerId: string; input: unknown },
): void {
  const now = nowIso();
  db.insert(stepRuns)
    .values({
      id: uuidv7(),
      executionId: values.executionId,
      nodeId: values.nodeId,
      attempt: values.attempt,
      status: 'running',
      input: values.input ?? null,
      workerId: values.workerId,
      startedAt: now,
    })
    .onConflictDoUpdate({
      target: [stepRuns.executionId, stepRuns.nodeId, stepRuns.attempt],
      set: { workerId: values.workerId, startedAt: now, input: values.input ?? null },
      setWhere: eq(stepRuns.status, 'running'),
    })
    .run();
}

export type StepResult =
  | { status: 'succeeded'; output: unknown; port: string; continueAt?: string }
  | { status: 'failed'; error: unknown; retryAt?: string };

/** Stores the result of an attempt, once: only a running attempt can finish. */
export function finishStepRun(
  db: Db,
  executionId: string,
  nodeId: string,
  attempt: number,
  result: StepResult,
): boolean {
  const set =
    result.status === 'succeeded'
      ? {
          status: 'succeeded' as const,
          output: result.output ?? null,
          outputPort: result.port,
          continueAt: result.continueAt ?? null,
        }
      : { status: 'failed' as const, error: result.error, retryAt: result.retryAt ?? null };
  return (
    db
      .update(stepRuns)
      .set({ ...set, finishedAt: nowIso() })
      .where(
        and(
          eq(stepRuns.executionId, executionId),
          eq(stepRuns.nodeId, nodeId),
          eq(stepRuns.attempt, attempt),
          eq(stepRuns.status, 'running'),
        ),
      )
      .run().changes > 0
  );
}

export function insertSkippedSteps(db: Db, executionId: string, nodeIds: readonly string[]): void {
  if (nodeIds.length === 0) return;
  const now = nowIso();
  db.insert(stepRuns)
    .values(
      nodeIds.map((nodeId) => ({
        id: uuidv7(),
        executionId,
        nodeId,
        attempt: 1,
        status: 'skipped' as const,
        startedAt: now,
        finishedAt: now,
      })),
    )
    .onConflictDoNothing()
    .run();
}

/** Marks attempts still running as canceled (the run was canceled; their results are not wanted). */
export function cancelRunningSteps(db: Db, executionId: string): void {
  db.update(stepRuns)
    .set({ status: 'canceled', finishedAt: nowIso() })
    .where(and(eq(stepRuns.executionId, executionId), eq(stepRuns.status, 'running')))
    .run();
}

/** Every attempt of every node, for the execution detail. */
export function listStepRuns(db: Db, executionId: string): StepRunRow[] {
  return db
    .select()
    .from(stepRuns)
    .where(eq(stepRuns.executionId, executionId))
    .orderBy(asc(stepRuns.startedAt), asc(stepRuns.id))
    .all();
}

/** Copies the successful steps of `fromExecution` into `toExecution`, for a retry that resumes. */
export function copySucceededSteps(db: Db, fromExecution: string, toExecution: string): number {
  const rows = db
    .select()
    .from(stepRuns)
    .where(and(eq(stepRuns.executionId, fromExecution), inArray(stepRuns.status, ['succeeded', 'skipped'])))
    .all();
  if (rows.length === 0) return 0;
  db.insert(stepRuns)
    .values(
      rows.map((row) => ({
        ...row,
        id: uuidv7(),
        executionId: toExecution,
        attempt: 1,
        reused: true,
        workerId: null,
        retryAt: null,
      })),
    )
    .run();
  return rows.length;
}
