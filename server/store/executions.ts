import { and, desc, eq, gte, inArray, lt, lte, or, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { type Db, nowIso } from './db.ts';
import { type EXECUTION_STATUSES, executions, type TRIGGER_KINDS } from './schema.ts';

export type ExecutionRow = typeof executions.$inferSelect;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['succeeded', 'failed', 'canceled'];

export function insertExecution(
  db: Db,
  values: {
    workflowId: string;
    versionId: string | null;
    graph?: unknown;
    trigger: TriggerKind;
    triggerPayload: unknown;
    retryOf?: string | null;
    createdBy?: string | null;
  },
): ExecutionRow {
  return db
    .insert(executions)
    .values({
      id: uuidv7(),
      workflowId: values.workflowId,
      versionId: values.versionId,
      graph: values.graph ?? null,
      trigger: values.trigger,
      triggerPayload: values.triggerPayload ?? null,
      status: 'queued',
      retryOf: values.retryOf ?? null,
      createdBy: values.createdBy ?? null,
      createdAt: nowIso(),
    })
    .returning()
    .get();
}

export function getExecution(db: Db, id: string): ExecutionRow | undefined {
  return db.select().from(executions).where(eq(executions.id, id)).get();
}

export interface ExecutionFilter {
  workflowId?: string;
  status?: ExecutionStatus;
  trigger?: TriggerKind;
  from?: string;
  to?: string;
  /** Continue after this (createdAt, id), newest first. */
  after?: { createdAt: string; id: string };
  limit: number;
}

/** Executions newest first, without their bulky payload columns. */
export function listExecutions(db: Db, filter: ExecutionFilter) {
  return db
    .select({
      id: executions.id,
      workflowId: executions.workflowId,
      versionId: executions.versionId,
      trigger: executions.trigger,
      status: executions.status,
      error: executions.error,
      retryOf: executions.retryOf,
      createdAt: executions.createdAt,
      startedAt: executions.startedAt,
      finishedAt: executions.finishedAt,
    })
    .from(executions)
    .where(
      and(
        filter.workflowId ? eq(executions.workflowId, filter.workflowId) : undefined,
        filter.status ? eq(executions.status, filter.status) : undefined,
        filter.trigger ? eq(executions.trigger, filter.trigger) : undefined,
        filter.from ? gte(executions.createdAt, filter.from) : undefined,
        filter.to ? lte(executions.createdAt, filter.to) : undefined,
        filter.after
          ? or(
              lt(executions.createdAt, filter.after.createdAt),
              and(eq(executions.createdAt, filter.after.createdAt), lt(executions.id, filter.after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(executions.createdAt), desc(executions.id))
    .limit(filter.limit)
    .all();
}

/** The first step to start moves the run from queued to running. */
export function markExecutionRunning(db: Db, id: string): void {
  db.update(executions)
    .set({ status: 'running', startedAt: nowIso() })
    .where(and(eq(executions.id, id), eq(executions.status, 'queued')))
    .run();
}

/** Ends a run that is still going; a run already ended (e.g. canceled meanwhile) keeps its end. */
export function finishExecution(db: Db, id: string, status: 'succeeded' | 'failed', error?: unknown): boolean {
  return (
    db
      .update(executions)
      .set({ status, error: error ?? null, finishedAt: nowIso() })
      .where(and(eq(executions.id, id), inArray(executions.status, ['queued', 'running'])))
      .run().changes > 0
  );
}

/** Cancels a run that has not ended; answers whether it did. */
export function cancelExecution(db: Db, id: string): boolean {
  return (
    db
      .update(executions)
      .set({ status: 'canceled', finishedAt: nowIso() })
      .where(and(eq(executions.id, id), inArray(executions.status, ['queued', 'running'])))
      .run().changes > 0
  );
}

/** Runs a crashed or restarted engine may need to push on: not ended, oldest first. */
export function listUnfinishedExecutions(db: Db, limit: number): Array<Pick<ExecutionRow, 'id' | 'status'>> {
  return db
    .select({ id: executions.id, status: executions.status })
    .from(executions)
    .where(inArray(executions.status, ['queued', 'running']))
    .orderBy(executions.createdAt)
    .limit(limit)
    .all();
}

export function countExecutions(db: Db, workflowId?: string): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(executions)
      .where(workflowId ? eq(executions.workflowId, workflowId) : undefined)
      .get()?.n ?? 0
  );
}
