import { and, asc, eq, sql } from 'drizzle-orm';
import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { workflows, workflowVersions } from './schema.ts';

export type VersionRow = typeof workflowVersions.$inferSelect;
export type VersionSummary = Omit<VersionRow, 'graph'>;

/**
 * Appends the next version (numbers run 1..n per workflow). The number is taken inside an
 * immediate transaction, so two saves at once get two numbers, never the same one.
 */
export function insertVersion(
  db: Db,
  values: { workflowId: string; graph: unknown; message?: string; authorId?: string | null },
): VersionRow {
  return db.transaction(
    (tx) => {
      const { next } = tx
        .select({ next: sql<number>`coalesce(max(${workflowVersions.number}), 0) + 1` })
        .from(workflowVersions)
        .where(eq(workflowVersions.workflowId, values.workflowId))
        .get() ?? { next: 1 };
      const now = nowIso();
      const version = tx
        .insert(workflowVersions)
        .values({
          id: newId(),
          workflowId: values.workflowId,
          number: next,
          graph: values.graph,
          message: values.message ?? '',
          authorId: values.authorId ?? null,
          createdAt: now,
        })
        .returning()
        .get();
      tx.update(workflows).set({ updatedAt: now }).where(eq(workflows.id, values.workflowId)).run();
      return version;
    },
    { behavior: 'immediate' },
  );
}

const summaryColumns = {
  id: workflowVersions.id,
  workflowId: workflowVersions.workflowId,
  number: workflowVersions.number,
  message: workflowVersions.message,
  authorId: workflowVersions.authorId,
  createdAt: workflowVersions.createdAt,
};

export function listVersions(db: Db, workflowId: string): VersionSummary[] {
  return db
    .select(summaryColumns)
    .from(workflowVersions)
    .where(eq(workflowVersions.workflowId, workflowId))
    .orderBy(asc(workflowVersions.number))
    .all();
}

export function listVersionsWithGraphs(db: Db, workflowId: string): VersionRow[] {
  return db
    .select()
    .from(workflowVersions)
    .where(eq(workflowVersions.workflowId, workflowId))
    .orderBy(asc(workflowVersions.number))
    .all();
}

export function getVersionByNumber(db: Db, workflowId: string, number: number): VersionRow | undefined {
  return db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.number, number)))
    .get();
}

export function getVersionById(db: Db, id: string): VersionRow | undefined {
  return db.select().from(workflowVersions).where(eq(workflowVersions.id, id)).get();
}
