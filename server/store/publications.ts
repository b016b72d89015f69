import { desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { publications, users, workflows, workflowVersions } from './schema.ts';

export type PublicationRow = typeof publications.$inferSelect;

export interface PublicationListItem extends PublicationRow {
  versionNumber: number;
  previousVersionNumber: number | null;
  /** The publisher's name (null for publications made before accounts, or by a deleted user). */
  publishedByName: string | null;
}

export type PublishResult =
  | { kind: 'published'; publication: PublicationRow }
  /** Publishing the version that is already live changes nothing and records nothing. */
  | { kind: 'unchanged' };

/**
 * Makes `versionId` the live version of its workflow and records it. Publishing an older number
 * than the live one is a rollback; both land in the same history.
 */
export function publishVersion(
  db: Db,
  values: { workflowId: string; versionId: string; versionNumber: number; publishedBy?: string | null },
): PublishResult {
  return db.transaction(
    (tx) => {
      const current = tx
        .select({ versionId: workflows.publishedVersionId, number: workflowVersions.number })
        .from(workflows)
        .leftJoin(workflowVersions, eq(workflowVersions.id, workflows.publishedVersionId))
        .where(eq(workflows.id, values.workflowId))
        .get();
      if (current?.versionId === values.versionId) return { kind: 'unchanged' as const };
      const now = nowIso();
      tx.update(workflows)
        .set({ publishedVersionId: values.versionId, updatedAt: now })
        .where(eq(workflows.id, values.workflowId))
        .run();
      const publication = tx
        .insert(publications)
        .values({
          id: newId(),
          workflowId: values.workflowId,
          versionId: values.versionId,
          kind: current?.number != null && values.versionNumber < current.number ? 'rollback' : 'publish',
          previousVersionId: current?.versionId ?? null,
          publishedBy: values.publishedBy ?? null,
          publishedAt: now,
        })
        .returning()
        .get();
      return { kind: 'published' as const, publication };
    },
    { behavior: 'immediate' },
  );
}

export function listPublications(db: Db, workflowId: string): PublicationListItem[] {
  const previous = alias(workflowVersions, 'previous');
  return db
    .select({
      publication: publications,
      versionNumber: workflowVersions.number,
      previousVersionNumber: previous.number,
      publishedByName: users.name,
    })
    .from(publications)
    .innerJoin(workflowVersions, eq(workflowVersions.id, publications.versionId))
    .leftJoin(previous, eq(previous.id, publications.previousVersionId))
    .leftJoin(users, eq(users.id, publications.publishedBy))
    .where(eq(publications.workflowId, workflowId))
    .orderBy(desc(publications.publishedAt), desc(publications.id))
    .all()
    .map((row) => ({
      ...row.publication,
      versionNumber: row.versionNumber,
      previousVersionNumber: row.previousVersionNumber,
      publishedByName: row.publishedByName,
    }));
}
