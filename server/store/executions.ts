import type Database from 'better-sqlite3';
import { and, desc, eq, gte, lt, lte, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { StepId } from '../../nodes/step.ts';
import { AlreadyReported, AlreadyRetried, type ParentStep } from '../core/engine/ports.ts';
import { TERMINAL_STATUSES as ENDED } from '../core/engine/records.ts';
import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { fromJson, prepared, toJson } from './prepared.ts';
import { type EXECUTION_STATUSES, executions, type TRIGGER_KINDS, workflows, workflowVersions } from './schema.ts';
import { currentVariableValues } from './variables.ts';

export type ExecutionRow = typeof executions.$inferSelect;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** The statuses of a run that has ended (the engine's, server/core/engine/records.ts). */
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ENDED;

type Sql = Database.Database;

const COLUMNS = `id, workflow_id as workflowId, version_id as versionId, graph, trigger, trigger_payload as triggerPayload,
  status, error, retry_of as retryOf, retry_chain as retryChain, error_of as errorOf, vars, created_by as createdBy,
  parent_execution_id as parentExecutionId, parent_node_id as parentNodeId, parent_scope as parentScope,
  parent_attempt as parentAttempt, call_depth as callDepth, created_at as createdAt, started_at as startedAt,
  finished_at as finishedAt`;

function toRow(raw: Record<string, unknown>): ExecutionRow {
  return {
    ...(raw as unknown as ExecutionRow),
    graph: fromJson(raw.graph),
    triggerPayload: fromJson(raw.triggerPayload),
    error: fromJson(raw.error),
    vars: fromJson(raw.vars) as ExecutionRow['vars'],
  };
}

export function insertExecution(
  sqlite: Sql,
  values: {
    workflowId: string;
    versionId: string | null;
    graph?: unknown;
    trigger: TriggerKind;
    triggerPayload: unknown;
    retryOf?: string | null;
    /** The first execution of the retry chain this one continues; a first run starts its own. */
    retryChain?: string | null;
    createdBy?: string | null;
    /** For a sub-workflow run: the calling step attempt (see `ParentStep`). */
    parent?: ParentStep;
    /** For an error workflow's run: the failed run it reports (unique: one error run per failure). */
    errorOf?: string | null;
    /** The variables it runs with; left out: its caller's (a sub-workflow run), else their current values. */
    vars?: Readonly<Record<string, string>> | null;
  },
): ExecutionRow {
  if (values.parent) {
    // One child per calling step attempt (unique index `executions_parent_step_idx`): a job that
    // runs the calling step again finds the child it started before instead of starting another.
    const existing = childOfStep(sqlite, values.parent);
    if (existing) return existing;
  }
  if (values.retryOf) {
    const earlier = prepared(sqlite, 'select id from executions where retry_of = ? limit 1').get(values.retryOf) as
      | { id: string }
      | undefined;
    if (earlier) throw new AlreadyRetried(values.retryOf, earlier.id);
  }
  if (values.errorOf) {
    // The unique index keeps this too; asked first so the caller hears it by name.
    const reported = prepared(sqlite, 'select id from executions where error_of = ? limit 1').get(values.errorOf);
    if (reported) throw new AlreadyReported(`run ${values.errorOf} already started its error workflow`);
  }
  const id = newId();
  // Read once, here, in the transaction that inserts the run (invariant "variables read once").
  const vars =
    values.vars ?? (values.parent ? executionVars(sqlite, values.parent.executionId) : currentVariableValues(sqlite));
  const row = {
    id,
    workflowId: values.workflowId,
    versionId: values.versionId,
    graph: values.graph ?? null,
    trigger: values.trigger,
    triggerPayload: values.triggerPayload ?? null,
    status: 'queued' as const,
    error: null,
    retryOf: values.retryOf ?? null,
    retryChain: values.retryChain ?? id,
    errorOf: values.errorOf ?? null,
    vars: { ...vars },
    createdBy: values.createdBy ?? null,
    parentExecutionId: values.parent?.executionId ?? null,
    parentNodeId: values.parent?.nodeId ?? null,
    parentScope: values.parent?.scope ?? null,
    parentAttempt: values.parent?.attempt ?? null,
    callDepth: values.parent?.callDepth ?? 0,
    createdAt: nowIso(),
    startedAt: null,
    finishedAt: null,
  };
  prepared(
    sqlite,
    `insert into executions (id, workflow_id, version_id, graph, trigger, trigger_payload, status, retry_of, retry_chain,
       error_of, vars, created_by, parent_execution_id, parent_node_id, parent_scope, parent_attempt, call_depth, created_at)
     values (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.id,
    row.workflowId,
    row.versionId,
    values.graph === undefined || values.graph === null ? null : JSON.stringify(values.graph),
    row.trigger,
    toJson(row.triggerPayload),
    row.retryOf,
    row.retryChain,
    row.errorOf,
    JSON.stringify(row.vars),
    row.createdBy,
    row.parentExecutionId,
    row.parentNodeId,
    row.parentScope,
    row.parentAttempt,
    row.callDepth,
    row.createdAt,
  );
  return row;
}

/** The variables a run records (none for a run older than them, or gone). */
function executionVars(sqlite: Sql, id: string): Record<string, string> {
  const row = prepared(sqlite, 'select vars from executions where id = ?').get(id) as
    | { vars: string | null }
    | undefined;
  return (fromJson(row?.vars) as Record<string, string> | null) ?? {};
}

/** The sub-workflow run a step attempt started, if it started one. */
export function childOfStep(sqlite: Sql, step: StepId): ExecutionRow | undefined {
  const raw = prepared(
    sqlite,
    `select ${COLUMNS} from executions
     where parent_execution_id = ? and parent_node_id = ? and parent_scope = ? and parent_attempt = ?`,
  ).get(step.executionId, step.nodeId, step.scope, step.attempt) as Record<string, unknown> | undefined;
  return raw && toRow(raw);
}

export function getExecution(sqlite: Sql, id: string): ExecutionRow | undefined {
  const raw = prepared(sqlite, `select ${COLUMNS} from executions where id = ?`).get(id) as
    | Record<string, unknown>
    | undefined;
  return raw && toRow(raw);
}

/** What a person reading an execution wants besides ids: its workflow's name and its version's number. */
/** What an execution is shown with: its workflow's name, its version's number, the run that retried it. */
export interface ExecutionLabels {
  readonly workflowName: string;
  readonly versionNumber: number | null;
  readonly retriedAs: string | null;
  /** Failed attempts its nodes' settings handled (the run went on from them): shown, not a failure. */
  readonly handledErrors: number;
}

/** The run that retried `executions.id`, if any (at most one: see `retryOfExecution`). */
// Written out: drizzle qualifies columns only in queries with joins, and the subquery needs the outer row's id.
const retriedAs = sql<string | null>`(select r.id from executions r where r.retry_of = executions.id limit 1)`;

/** How many of an execution's attempts were failures its nodes' settings handled (indexed by the step key). */
const handledErrors = sql<number>`(select count(*) from step_runs s where s.execution_id = executions.id and s.handled = 1)`;

export function getExecutionLabels(db: Db, id: string): ExecutionLabels {
  const row = db
    .select({ workflowName: workflows.name, versionNumber: workflowVersions.number, retriedAs, handledErrors })
    .from(executions)
    .innerJoin(workflows, eq(workflows.id, executions.workflowId))
    .leftJoin(workflowVersions, eq(workflowVersions.id, executions.versionId))
    .where(eq(executions.id, id))
    .get();
  return row ?? { workflowName: '', versionNumber: null, retriedAs: null, handledErrors: 0 };
}

/** A sub-workflow run's caller, as an execution's answer names it. */
export interface ParentLink {
  readonly executionId: string;
  readonly workflowId: string;
  readonly workflowName: string;
  readonly nodeId: string;
}

/** A run a step attempt started (`flow.subworkflow`). */
export interface ChildLink {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly nodeId: string;
  readonly scope: string;
  readonly attempt: number;
}

export interface ExecutionFamily {
  readonly parent: ParentLink | null;
  readonly children: ChildLink[];
}

/** The run that called `id` as a sub-workflow, and the runs `id`'s steps called. */
export function getExecutionFamily(db: Db, id: string): ExecutionFamily {
  const parentRun = alias(executions, 'parent_run');
  const parent =
    db
      .select({
        executionId: parentRun.id,
        workflowId: parentRun.workflowId,
        workflowName: workflows.name,
        nodeId: sql<string>`${executions.parentNodeId}`,
      })
      .from(executions)
      .innerJoin(parentRun, eq(parentRun.id, executions.parentExecutionId))
      .innerJoin(workflows, eq(workflows.id, parentRun.workflowId))
      .where(eq(executions.id, id))
      .get() ?? null;
  const children = db
    .select({
      executionId: executions.id,
      status: executions.status,
      nodeId: sql<string>`${executions.parentNodeId}`,
      scope: sql<string>`${executions.parentScope}`,
      attempt: sql<number>`${executions.parentAttempt}`,
    })
    .from(executions)
    .where(eq(executions.parentExecutionId, id))
    .all();
  return { parent, children };
}

/** What a step needs of its execution: no graph copy (compiled graphs are cached), no error. */
export type ExecutionForStep = Pick<
  ExecutionRow,
  'id' | 'workflowId' | 'versionId' | 'status' | 'triggerPayload' | 'retryChain' | 'vars'
>;

export function getExecutionForStep(sqlite: Sql, id: string): ExecutionForStep | undefined {
  const raw = prepared(
    sqlite,
    `select id, workflow_id as workflowId, version_id as versionId, status, trigger_payload as triggerPayload,
       retry_chain as retryChain, vars
     from executions where id = ?`,
  ).get(id) as Record<string, unknown> | undefined;
  return (
    raw && ({ ...raw, triggerPayload: fromJson(raw.triggerPayload), vars: fromJson(raw.vars) } as ExecutionForStep)
  );
}

/** The copy of a draft a test run keeps (null for runs of a version). */
export function getExecutionGraph(sqlite: Sql, id: string): unknown {
  const row = prepared(sqlite, 'select graph from executions where id = ?').get(id) as
    | { graph: string | null }
    | undefined;
  return fromJson(row?.graph);
}

/**
 * Whether a run is a test run: started as one (`test`), or any run of a draft (a retry of a test
 * run keeps its draft copy and has no version). Undefined when the run is gone.
 */
export function isTestExecution(sqlite: Sql, id: string): boolean | undefined {
  const row = prepared(sqlite, 'select trigger, version_id as versionId from executions where id = ?').get(id) as
    | { trigger: string; versionId: string | null }
    | undefined;
  return row && (row.trigger === 'test' || row.versionId === null);
}

/** Status alone: what a step checks before and after its work, without reading the bulky columns. */
export function getExecutionStatus(sqlite: Sql, id: string): ExecutionStatus | undefined {
  const row = prepared(sqlite, 'select status from executions where id = ?').get(id) as
    | { status: ExecutionStatus }
    | undefined;
  return row?.status;
}

/** The first step to start moves the run from queued to running. */
export function markExecutionRunning(sqlite: Sql, id: string): void {
  prepared(sqlite, "update executions set status = 'running', started_at = ? where id = ? and status = 'queued'").run(
    nowIso(),
    id,
  );
}

/** Only suspended steps are left: `queued` or `running` → `waiting` (invariant "suspended steps"). */
export function markExecutionWaiting(sqlite: Sql, id: string): boolean {
  return (
    prepared(sqlite, "update executions set status = 'waiting' where id = ? and status in ('queued', 'running')").run(
      id,
    ).changes > 0
  );
}

/** A suspended step was resumed: `waiting` → `running`. */
export function markExecutionResumed(sqlite: Sql, id: string): boolean {
  return (
    prepared(sqlite, "update executions set status = 'running' where id = ? and status = 'waiting'").run(id).changes > 0
  );
}

/** Ends a run that is still going; a run already ended (e.g. canceled meanwhile) keeps its end. */
export function finishExecution(sqlite: Sql, id: string, status: 'succeeded' | 'failed', error?: unknown): boolean {
  return (
    prepared(
      sqlite,
      `update executions set status = ?, error = ?, finished_at = ?
       where id = ? and status in ('queued', 'running', 'waiting')`,
    ).run(status, toJson(error ?? null), nowIso(), id).changes > 0
  );
}

/** Cancels a run that has not ended; answers whether it did. */
export function cancelExecution(sqlite: Sql, id: string): boolean {
  return (
    prepared(
      sqlite,
      "update executions set status = 'canceled', finished_at = ? where id = ? and status in ('queued', 'running', 'waiting')",
    ).run(nowIso(), id).changes > 0
  );
}

export interface ExecutionFilter {
  workflowId?: string;
  /** Only the sub-workflow runs this run's steps started. */
  parentExecutionId?: string;
  status?: ExecutionStatus;
  trigger?: TriggerKind;
  from?: string;
  to?: string;
  /** Continue after this (createdAt, id), newest first. */
  after?: { createdAt: string; id: string };
  limit: number;
}

/**
 * How much of a run's error message a list of runs carries: lists answer summaries (the detail of
 * one execution carries its whole stored error), so a page of 200 failed runs stays small.
 */
export const ERROR_SUMMARY_CHARS = 500;

/** A run's error as a list shows it: where it failed and the start of its message. */
export interface ErrorSummary {
  message: string;
  nodeId?: string;
  nodeName?: string;
  /** Set when the message was cut for the list. */
  cut?: true;
}

/**
 * Executions newest first, without their bulky payload columns, with their workflow's name and
 * version number, and an error summary: cut in SQL, so a big stored error is never read whole.
 */
export function listExecutions(db: Db, filter: ExecutionFilter) {
  const errorField = (path: string) => sql<string | null>`json_extract(${executions.error}, ${path})`;
  const rows = db
    .select({
      id: executions.id,
      workflowId: executions.workflowId,
      workflowName: workflows.name,
      versionNumber: workflowVersions.number,
      versionId: executions.versionId,
      trigger: executions.trigger,
      status: executions.status,
      errorType: sql<string | null>`json_type(${executions.error})`,
      errorMessage: sql<string | null>`substr(${errorField('$.message')}, 1, ${ERROR_SUMMARY_CHARS})`,
      errorMessageLength: sql<number | null>`length(${errorField('$.message')})`,
      errorNodeId: errorField('$.nodeId'),
      errorNodeName: errorField('$.nodeName'),
      retryOf: executions.retryOf,
      retriedAs,
      parentExecutionId: executions.parentExecutionId,
      parentNodeId: executions.parentNodeId,
      errorOf: executions.errorOf,
      handledErrors,
      createdAt: executions.createdAt,
      startedAt: executions.startedAt,
      finishedAt: executions.finishedAt,
    })
    .from(executions)
    .innerJoin(workflows, eq(workflows.id, executions.workflowId))
    .leftJoin(workflowVersions, eq(workflowVersions.id, executions.versionId))
    .where(
      and(
        filter.workflowId ? eq(executions.workflowId, filter.workflowId) : undefined,
        filter.parentExecutionId ? eq(executions.parentExecutionId, filter.parentExecutionId) : undefined,
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
  return rows.map(({ errorType, errorMessage, errorMessageLength, errorNodeId, errorNodeName, ...row }) => {
    let error: ErrorSummary | null = null;
    if (errorType !== null && errorType !== 'null') {
      error = { message: typeof errorMessage === 'string' ? errorMessage : 'failed' };
      if (typeof errorNodeId === 'string') error.nodeId = errorNodeId;
      if (typeof errorNodeName === 'string') error.nodeName = errorNodeName;
      if ((errorMessageLength ?? 0) > ERROR_SUMMARY_CHARS) error.cut = true;
    }
    return { ...row, error };
  });
}

/** Ids of runs not ended (queued, running or waiting), oldest first, after `after` when given. */
export function listUnfinishedExecutionIds(sqlite: Sql, limit: number, after?: string): string[] {
  return (
    prepared(
      sqlite,
      "select id from executions where status in ('queued', 'running', 'waiting') and id > ? order by id limit ?",
    ).all(after ?? '', limit) as Array<{ id: string }>
  ).map((row) => row.id);
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
