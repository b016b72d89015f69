import type Database from 'better-sqlite3';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { StepId, StepRef } from '../../nodes/step.ts';
import type { StepResult, Wait } from '../core/engine/ports.ts';
import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { prepared } from './prepared.ts';
import { type APPROVAL_STATUSES, approvals, executions, ROLES, type Role, users, workflows } from './schema.ts';

/*
 * Approvals: the decisions `flow.wait` steps in approval mode wait for. The row follows its step:
 * opened when the step is stored `waiting` with a wait of kind `approval`, closed when the step is
 * resumed (by the port it leaves by: approved, rejected, or timeout) or its run canceled, in the
 * same transaction (docs/architecture.md, invariant "suspended steps"). The step's guarded
 * resumption decides who wins when two people decide at once; the row only records it.
 */

type Sql = Database.Database;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** What an approval wait stores in `step_runs.wait` (nodes/flow/wait.node.ts). */
interface ApprovalWait extends Wait {
  readonly kind: 'approval';
  readonly role: Role;
  readonly title: string;
  readonly message: string;
}

const isApprovalWait = (wait: Wait): wait is ApprovalWait =>
  wait.kind === 'approval' && ROLES.includes(wait.role as Role);

/** Opens the approval of a step that just suspended on one; a step stored twice opens one (unique step). */
export function openApproval(sqlite: Sql, step: StepId, wait: Wait): void {
  if (!isApprovalWait(wait)) return;
  prepared(
    sqlite,
    `insert into approvals (id, execution_id, node_id, scope, attempt, role, title, message, status, expires_at, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)
     on conflict (execution_id, node_id, scope, attempt) do nothing`,
  ).run(
    newId(),
    step.executionId,
    step.nodeId,
    step.scope,
    step.attempt,
    wait.role,
    String(wait.title),
    String(wait.message),
    wait.timer?.at ?? null,
    nowIso(),
  );
}

const CLOSED_BY_PORT: Readonly<Record<string, ApprovalStatus>> = {
  approved: 'approved',
  rejected: 'rejected',
  timeout: 'timed-out',
};

/** Closes a resumed step's pending approval with how it left (a failure closes it as canceled). */
export function closeApproval(sqlite: Sql, step: StepId, result: StepResult): void {
  const status = result.status === 'succeeded' ? (CLOSED_BY_PORT[result.port] ?? 'canceled') : 'canceled';
  prepared(
    sqlite,
    `update approvals set status = ?, decided_at = ?
     where execution_id = ? and node_id = ? and scope = ? and attempt = ? and status = 'pending'`,
  ).run(status, nowIso(), step.executionId, step.nodeId, step.scope, step.attempt);
}

/** A canceled run's pending approvals can no longer be decided. */
export function cancelApprovals(sqlite: Sql, executionId: string): void {
  prepared(
    sqlite,
    "update approvals set status = 'canceled', decided_at = ? where execution_id = ? and status = 'pending'",
  ).run(nowIso(), executionId);
}

/** An approval as lists and the inbox show it. */
export interface ApprovalRow {
  id: string;
  executionId: string;
  workflowId: string;
  workflowName: string;
  nodeId: string;
  scope: string;
  attempt: number;
  role: Role;
  title: string;
  message: string;
  status: ApprovalStatus;
  expiresAt: string | null;
  decidedBy: { id: string; email: string; name: string } | null;
  decidedAt: string | null;
  comment: string | null;
  createdAt: string;
}

function selectApprovals(db: Db) {
  return db
    .select({
      id: approvals.id,
      executionId: approvals.executionId,
      workflowId: executions.workflowId,
      workflowName: workflows.name,
      nodeId: approvals.nodeId,
      scope: approvals.scope,
      attempt: approvals.attempt,
      role: approvals.role,
      title: approvals.title,
      message: approvals.message,
      status: approvals.status,
      expiresAt: approvals.expiresAt,
      decidedById: approvals.decidedBy,
      decidedByEmail: users.email,
      decidedByName: users.name,
      decidedAt: approvals.decidedAt,
      comment: approvals.comment,
      createdAt: approvals.createdAt,
    })
    .from(approvals)
    .innerJoin(executions, eq(executions.id, approvals.executionId))
    .innerJoin(workflows, eq(workflows.id, executions.workflowId))
    .leftJoin(users, eq(users.id, approvals.decidedBy));
}

type Selected = Awaited<ReturnType<ReturnType<typeof selectApprovals>['all']>>[number];
const toRow = ({ decidedById, decidedByEmail, decidedByName, ...row }: Selected): ApprovalRow => ({
  ...row,
  decidedBy:
    decidedById && decidedByEmail ? { id: decidedById, email: decidedByEmail, name: decidedByName ?? '' } : null,
});

/** Newest first (oldest first for pending ones: the longest waiting comes first in an inbox). */
export function listApprovals(
  db: Db,
  filter: { status?: ApprovalStatus; executionId?: string; limit: number },
): ApprovalRow[] {
  return selectApprovals(db)
    .where(
      and(
        filter.status ? eq(approvals.status, filter.status) : undefined,
        filter.executionId ? eq(approvals.executionId, filter.executionId) : undefined,
      ),
    )
    .orderBy(filter.status === 'pending' ? approvals.createdAt : desc(approvals.createdAt), approvals.id)
    .limit(filter.limit)
    .all()
    .map(toRow);
}

export function getApproval(db: Db, id: string): ApprovalRow | undefined {
  const row = selectApprovals(db).where(eq(approvals.id, id)).get();
  return row && toRow(row);
}

export function countPendingApprovals(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(approvals).where(eq(approvals.status, 'pending')).get()?.n ?? 0;
}

/**
 * Who decided and why, written in the transaction that resumes the step (`Resumption.alongside`),
 * after `closeApproval` set the status from the port it left by.
 */
export function recordDecider(
  db: Db,
  step: StepRef & { attempt: number },
  userId: string,
  comment: string | null,
): void {
  db.update(approvals)
    .set({ decidedBy: userId, comment })
    .where(
      and(
        eq(approvals.executionId, step.executionId),
        eq(approvals.nodeId, step.nodeId),
        eq(approvals.scope, step.scope),
        eq(approvals.attempt, step.attempt),
      ),
    )
    .run();
}
