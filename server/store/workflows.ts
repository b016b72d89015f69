import { and, desc, eq, isNotNull, isNull, like, or, sql } from 'drizzle-orm';
import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { workflows } from './schema.ts';

export type WorkflowRow = typeof workflows.$inferSelect;

export interface WorkflowListItem extends WorkflowRow {
  latestVersion: number | null;
  publishedVersion: number | null;
  /** The newest execution of the workflow, whatever started it. */
  lastRun: LastRun | null;
}

export interface LastRun {
  executionId: string;
  status: string;
  /** When the run was created (started or queued). */
  at: string;
}

export function insertWorkflow(
  db: Db,
  values: { name: string; description?: string; draft: unknown; createdBy?: string | null },
): WorkflowRow {
  const now = nowIso();
  return db
    .insert(workflows)
    .values({
      id: newId(),
      name: values.name,
      description: values.description ?? '',
      draft: values.draft,
      draftUpdatedAt: now,
      createdBy: values.createdBy ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

export function getWorkflow(db: Db, id: string): WorkflowRow | undefined {
  return db.select().from(workflows).where(eq(workflows.id, id)).get();
}

/** Position in the list (newest change first), encoded in the opaque cursor handed to clients. */
export interface ListPosition {
  updatedAt: string;
  id: string;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** Workflows with the numbers of their latest and published versions, which every listing shows. */
function selectWithVersionNumbers(db: Db) {
  // Qualified by hand: inside a subquery drizzle writes columns unqualified, and "id" would bind to
  // workflow_versions.id instead of the outer workflows.id.
  const published = sql<
    number | null
  >`(select v.number from workflow_versions v where v.id = "workflows"."published_version_id")`;
  const latest = sql<
    number | null
  >`(select max(v.number) from workflow_versions v where v.workflow_id = "workflows"."id")`;
  // One probe of executions_workflow_idx (workflow_id, created_at) per workflow, read backwards:
  // ordering by created_at alone keeps it an index walk (a tie-break on id would sort every run).
  const lastRun = sql<string | null>`(select json_object('executionId', e.id, 'status', e.status, 'at', e.created_at)
    from executions e where e.workflow_id = "workflows"."id" order by e.created_at desc limit 1)`;
  return db
    .select({ workflow: workflows, latestVersion: latest, publishedVersion: published, lastRun })
    .from(workflows);
}

type WithVersionNumbers = {
  workflow: WorkflowRow;
  latestVersion: number | null;
  publishedVersion: number | null;
  lastRun: string | null;
};
const flatten = (row: WithVersionNumbers): WorkflowListItem => ({
  ...row.workflow,
  latestVersion: row.latestVersion,
  publishedVersion: row.publishedVersion,
  lastRun: row.lastRun ? (JSON.parse(row.lastRun) as LastRun) : null,
});

export function getWorkflowListItem(db: Db, id: string): WorkflowListItem | undefined {
  const row = selectWithVersionNumbers(db).where(eq(workflows.id, id)).get();
  return row && flatten(row);
}

export function listWorkflows(
  db: Db,
  options: { search?: string; archived: boolean; limit: number; after?: ListPosition },
): WorkflowListItem[] {
  const pattern = options.search ? `%${escapeLike(options.search)}%` : undefined;
  return selectWithVersionNumbers(db)
    .where(
      and(
        options.archived ? isNotNull(workflows.archivedAt) : isNull(workflows.archivedAt),
        pattern
          ? or(
              like(workflows.name, sql`${pattern} escape '\\'`),
              like(workflows.description, sql`${pattern} escape '\\'`),
            )
          : undefined,
        options.after
          ? sql`(${workflows.updatedAt} < ${options.after.updatedAt} or (${workflows.updatedAt} = ${options.after.updatedAt} and ${workflows.id} < ${options.after.id}))`
          : undefined,
      ),
    )
    .orderBy(desc(workflows.updatedAt), desc(workflows.id))
    .limit(options.limit)
    .all()
    .map(flatten);
}

export function updateWorkflow(
  db: Db,
  id: string,
  patch: { name?: string; description?: string; archived?: boolean; active?: boolean },
): WorkflowRow | undefined {
  const now = nowIso();
  return db
    .update(workflows)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.active !== undefined ? { active: patch.active, ...(patch.active ? { activeSince: now } : {}) } : {}),
      ...(patch.archived !== undefined ? { archivedAt: patch.archived ? now : null } : {}),
      updatedAt: now,
    })
    .where(eq(workflows.id, id))
    .returning()
    .get();
}

/** Deletes the workflow and, by cascade, its versions, publications, executions and step runs. */
export function deleteWorkflow(db: Db, id: string): boolean {
  return db.delete(workflows).where(eq(workflows.id, id)).run().changes > 0;
}

export type DraftSave =
  | { kind: 'saved'; workflow: WorkflowRow }
  | { kind: 'conflict'; currentRevision: number }
  | { kind: 'not_found' };

/**
 * Replaces the draft. With `expectedRevision`, refuses to overwrite a draft someone else saved
 * in the meantime (two tabs autosaving over each other would otherwise lose work silently).
 */
export function saveDraft(db: Db, id: string, draft: unknown, expectedRevision?: number): DraftSave {
  return db.transaction(
    (tx) => {
      const current = tx
        .select({ revision: workflows.draftRevision })
        .from(workflows)
        .where(eq(workflows.id, id))
        .get();
      if (!current) return { kind: 'not_found' as const };
      if (expectedRevision !== undefined && expectedRevision !== current.revision) {
        return { kind: 'conflict' as const, currentRevision: current.revision };
      }
      const now = nowIso();
      const workflow = tx
        .update(workflows)
        .set({ draft, draftRevision: current.revision + 1, draftUpdatedAt: now, updatedAt: now })
        .where(eq(workflows.id, id))
        .returning()
        .get();
      return { kind: 'saved' as const, workflow };
    },
    { behavior: 'immediate' },
  );
}
