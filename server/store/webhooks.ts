import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { type Db, nowIso } from './db.ts';
import { preparedOnce } from './prepared.ts';
import { stepRuns, webhookDeliveries, webhookResponses, webhookSignatures, workflows } from './schema.ts';

/** How long a repeated delivery with the same idempotency key starts no second run. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What a webhook call needs of its workflow: whether it is live, and the version that runs. */
export interface WebhookTarget {
  active: boolean;
  archived: boolean;
  versionId: string | null;
}

// Every statement below runs on every webhook call: each is built and prepared once.
const target = preparedOnce((db) =>
  db
    .select({ active: workflows.active, archivedAt: workflows.archivedAt, versionId: workflows.publishedVersionId })
    .from(workflows)
    .where(eq(workflows.id, sql.placeholder('workflowId')))
    .prepare(),
);

const sameKey = and(
  eq(webhookDeliveries.workflowId, sql.placeholder('workflowId')),
  eq(webhookDeliveries.idempotencyKey, sql.placeholder('key')),
);

const delivery = preparedOnce((db) =>
  db
    .select({ executionId: webhookDeliveries.executionId, createdAt: webhookDeliveries.createdAt })
    .from(webhookDeliveries)
    .where(sameKey)
    .prepare(),
);

const deleteExpiredDelivery = preparedOnce((db) =>
  db
    .delete(webhookDeliveries)
    .where(and(sameKey, lt(webhookDeliveries.createdAt, sql.placeholder('before'))))
    .prepare(),
);

const insertDelivery = preparedOnce((db) =>
  db
    .insert(webhookDeliveries)
    .values({
      workflowId: sql.placeholder('workflowId'),
      idempotencyKey: sql.placeholder('key'),
      executionId: sql.placeholder('executionId'),
      createdAt: sql.placeholder('now'),
    })
    .onConflictDoNothing()
    .prepare(),
);

const deleteDelivery = preparedOnce((db) =>
  db
    .delete(webhookDeliveries)
    .where(and(sameKey, eq(webhookDeliveries.executionId, sql.placeholder('executionId'))))
    .prepare(),
);

const insertSignature = preparedOnce((db) =>
  db
    .insert(webhookSignatures)
    .values({
      workflowId: sql.placeholder('workflowId'),
      digest: sql.placeholder('digest'),
      expiresAt: sql.placeholder('expiresAt'),
    })
    // A remembered signature that has expired is taken afresh; a live one is kept (no change: a replay).
    .onConflictDoUpdate({
      target: [webhookSignatures.workflowId, webhookSignatures.digest],
      set: { expiresAt: sql`excluded.expires_at` },
      setWhere: lt(webhookSignatures.expiresAt, sql.placeholder('now')),
    })
    .prepare(),
);

/** How many expired signatures one insert deletes: a few each time keeps the table at its live rows. */
const EXPIRED_SIGNATURES_PER_INSERT = 20;

const deleteExpiredSignatures = preparedOnce((db) =>
  db
    .delete(webhookSignatures)
    .where(
      inArray(
        sql`rowid`,
        db
          .select({ rowid: sql`rowid` })
          .from(webhookSignatures)
          .where(lt(webhookSignatures.expiresAt, sql.placeholder('now')))
          .limit(EXPIRED_SIGNATURES_PER_INSERT),
      ),
    )
    .prepare(),
);

const deleteSignature = preparedOnce((db) =>
  db
    .delete(webhookSignatures)
    .where(
      and(
        eq(webhookSignatures.workflowId, sql.placeholder('workflowId')),
        eq(webhookSignatures.digest, sql.placeholder('digest')),
      ),
    )
    .prepare(),
);

const succeededSteps = preparedOnce((db) =>
  db
    .select({ nodeId: stepRuns.nodeId, scope: stepRuns.scope, attempt: stepRuns.attempt })
    .from(stepRuns)
    .where(and(eq(stepRuns.executionId, sql.placeholder('executionId')), eq(stepRuns.status, 'succeeded')))
    .prepare(),
);

const wholeOutput = preparedOnce((db) =>
  db
    .select({ output: sql<string | null>`coalesce(${stepRuns.outputFull}, ${stepRuns.output})` })
    .from(stepRuns)
    .where(
      and(
        eq(stepRuns.executionId, sql.placeholder('executionId')),
        eq(stepRuns.nodeId, sql.placeholder('nodeId')),
        eq(stepRuns.scope, sql.placeholder('scope')),
        eq(stepRuns.attempt, sql.placeholder('attempt')),
      ),
    )
    .prepare(),
);

const answeringStep = preparedOnce((db) =>
  db
    .select({ nodeId: webhookResponses.nodeId, scope: webhookResponses.scope, attempt: webhookResponses.attempt })
    .from(webhookResponses)
    .where(eq(webhookResponses.executionId, sql.placeholder('executionId')))
    .prepare(),
);

export function webhookTarget(db: Db, workflowId: string): WebhookTarget | undefined {
  const row = target(db).get({ workflowId });
  return row && { active: row.active, archived: row.archivedAt !== null, versionId: row.versionId };
}

/** The execution an earlier delivery with this key started, if within `windowMs`. */
export function earlierDelivery(db: Db, workflowId: string, key: string, windowMs: number): string | undefined {
  const row = delivery(db).get({ workflowId, key });
  if (!row || Date.parse(row.createdAt) < Date.now() - windowMs) return undefined;
  return row.executionId ?? undefined;
}

/**
 * Records a delivery's key with the execution it started, in that execution's insert transaction,
 * so a key is never recorded without its run; false when another delivery with the key got there
 * first (its row is kept, the caller's insert is to be undone).
 */
export function recordDelivery(
  db: Db,
  workflowId: string,
  key: string,
  windowMs: number,
  executionId: string,
): boolean {
  // A key older than the window may be used again.
  deleteExpiredDelivery(db).run({ workflowId, key, before: new Date(Date.now() - windowMs).toISOString() });
  return insertDelivery(db).run({ workflowId, key, executionId, now: nowIso() }).changes > 0;
}

/** Forgets a delivery whose run was stored but could not be queued: the sender's retry may start it again. */
export function forgetDelivery(db: Db, workflowId: string, key: string, executionId: string): void {
  deleteDelivery(db).run({ workflowId, key, executionId });
}

/**
 * Remembers an accepted request's signature until `expiresAt` (ISO); false when it is remembered
 * already: the request is a replay. Expired signatures are deleted as new ones come (the
 * expires_at index finds them), so the table holds about the signatures still live.
 */
export function rememberSignature(db: Db, workflowId: string, digest: string, expiresAt: string): boolean {
  const now = nowIso();
  deleteExpiredSignatures(db).run({ now });
  return insertSignature(db).run({ workflowId, digest, expiresAt, now }).changes > 0;
}

/** Forgets a signature whose request started no run: the sender's retry of it is no replay. */
export function forgetSignature(db: Db, workflowId: string, digest: string): void {
  deleteSignature(db).run({ workflowId, digest });
}

/** A stored step attempt, as a run's result names it. */
export interface StoredStep {
  nodeId: string;
  scope: string;
  attempt: number;
}

/** The run's succeeded step attempts (what its result is chosen from: server/core/engine/workflow-result.ts). */
export function succeededStepsOf(db: Db, executionId: string): StoredStep[] {
  return succeededSteps(db).all({ executionId });
}

/** A step attempt's whole output (also when the stored one is capped); undefined when there is none. */
export function wholeStepOutput(db: Db, executionId: string, step: StoredStep): unknown {
  const row = wholeOutput(db).get({ executionId, ...step });
  return row?.output ? JSON.parse(row.output) : undefined;
}

/** The step that answered the run's webhook (its first Respond to webhook step), with its whole output. */
export function webhookAnswer(db: Db, executionId: string): (StoredStep & { output: unknown }) | undefined {
  const step = answeringStep(db).get({ executionId });
  return step && { ...step, output: wholeStepOutput(db, executionId, step) };
}
