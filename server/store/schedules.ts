import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { type Db, nowIso } from './db.ts';
import { executions, scheduleFires, workflows, workflowVersions } from './schema.ts';

/** A workflow with a published version: whether it is scheduled depends on that version's trigger. */
export interface PublishedWorkflow {
  workflowId: string;
  name: string;
  active: boolean;
  paused: boolean;
  /** The last activation, or the last resume of a paused schedule: slots before it never fire. */
  activeSince: string | null;
  versionId: string;
  versionNumber: number;
  publishedAt: string | null;
  lastFire: string | null;
}

export function listPublishedWorkflows(db: Db): PublishedWorkflow[] {
  // Correlated subqueries, qualified by hand (see workflows.ts): one probe of each primary-key index per workflow.
  const publishedAt = sql<
    string | null
  >`(select max(p.published_at) from publications p where p.workflow_id = "workflows"."id")`;
  const lastFire = sql<
    string | null
  >`(select max(f.fire_time) from schedule_fires f where f.workflow_id = "workflows"."id")`;
  return db
    .select({
      workflowId: workflows.id,
      name: workflows.name,
      active: workflows.active,
      paused: workflows.schedulePaused,
      activeSince: workflows.activeSince,
      versionId: workflowVersions.id,
      versionNumber: workflowVersions.number,
      publishedAt,
      lastFire,
    })
    .from(workflows)
    .innerJoin(workflowVersions, eq(workflowVersions.id, workflows.publishedVersionId))
    .where(isNull(workflows.archivedAt))
    .orderBy(asc(workflows.name), asc(workflows.id))
    .all();
}

/** A version's graph (parsed JSON), undefined when there is no such version. */
export function versionGraph(db: Db, versionId: string): unknown {
  return db
    .select({ graph: workflowVersions.graph })
    .from(workflowVersions)
    .where(eq(workflowVersions.id, versionId))
    .get()?.graph;
}

/**
 * Takes a cron slot for a workflow, for the execution that runs it (inserted in the same
 * transaction); false when another process (or an earlier tick) took it.
 */
export function claimFire(db: Db, workflowId: string, fireTime: string, executionId: string): boolean {
  return (
    db
      .insert(scheduleFires)
      .values({ workflowId, fireTime, executionId, createdAt: nowIso() })
      .onConflictDoNothing()
      .run().changes > 0
  );
}

export interface ScheduledRun {
  id: string;
  status: string;
  createdAt: string;
}

export function lastScheduledRun(db: Db, workflowId: string): ScheduledRun | undefined {
  return db
    .select({ id: executions.id, status: executions.status, createdAt: executions.createdAt })
    .from(executions)
    .where(and(eq(executions.workflowId, workflowId), eq(executions.trigger, 'schedule')))
    .orderBy(desc(executions.createdAt))
    .limit(1)
    .get();
}

/**
 * Pauses or resumes a workflow's schedule. Resuming counts the schedule afresh from now, as
 * activating does: slots that passed while it was paused are skipped, not caught up on resume.
 */
export function setSchedulePaused(db: Db, workflowId: string, paused: boolean): boolean {
  const now = nowIso();
  return (
    db
      .update(workflows)
      .set({
        activeSince: paused
          ? undefined
          : sql`case when ${workflows.schedulePaused} = 1 then ${now} else ${workflows.activeSince} end`,
        schedulePaused: paused,
        updatedAt: now,
      })
      .where(eq(workflows.id, workflowId))
      .run().changes > 0
  );
}
