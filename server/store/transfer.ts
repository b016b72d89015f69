import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { workflows, workflowVersions } from './schema.ts';
import type { WorkflowRow } from './workflows.ts';

/**
 * Creates a workflow with its whole version history in one transaction: an import either lands
 * completely or not at all. Versions are numbered 1..n in the order given.
 */
export function importWorkflow(
  db: Db,
  values: {
    name: string;
    description: string;
    draft: unknown;
    versions: ReadonlyArray<{ graph: unknown; message: string }>;
  },
): WorkflowRow {
  return db.transaction(
    (tx) => {
      const now = nowIso();
      const workflow = tx
        .insert(workflows)
        .values({
          id: newId(),
          name: values.name,
          description: values.description,
          draft: values.draft,
          draftUpdatedAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      values.versions.forEach((version, index) => {
        tx.insert(workflowVersions)
          .values({
            id: newId(),
            workflowId: workflow.id,
            number: index + 1,
            graph: version.graph,
            message: version.message,
            createdAt: now,
          })
          .run();
      });
      return workflow;
    },
    { behavior: 'immediate' },
  );
}
