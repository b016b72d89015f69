import type Database from 'better-sqlite3';
import { prepared } from './prepared.ts';

/*
 * Sub-workflow runs on the engine's side (server/engine/subworkflows.ts): which version a call
 * reaches, and which children ended while their parent step still waits. Plain prepared SQL, as
 * the rest of the engine's run side (docs/architecture.md, "One SQL style").
 */
type Sql = Database.Database;

/** The version a call runs, or why there is none (the message names the workflow or version). */
export function calleeVersion(
  sqlite: Sql,
  workflowId: string,
  version: 'published' | number,
): { versionId: string; workflowName: string } | { problem: string } {
  const workflow = prepared(
    sqlite,
    'select name, published_version_id as publishedVersionId from workflows where id = ?',
  ).get(workflowId) as { name: string; publishedVersionId: string | null } | undefined;
  if (!workflow) return { problem: `workflow ${workflowId} does not exist (deleted?)` };
  if (version === 'published') {
    if (!workflow.publishedVersionId) return { problem: `workflow "${workflow.name}" has no published version` };
    return { versionId: workflow.publishedVersionId, workflowName: workflow.name };
  }
  const row = prepared(sqlite, 'select id from workflow_versions where workflow_id = ? and number = ?').get(
    workflowId,
    version,
  ) as { id: string } | undefined;
  if (!row) return { problem: `workflow "${workflow.name}" has no version ${version}` };
  return { versionId: row.id, workflowName: workflow.name };
}

/** Ended children whose calling step attempt is still `waiting` (their parent was never resumed). */
export function endedChildrenAwaited(sqlite: Sql): string[] {
  return (
    prepared(
      sqlite,
      `select child.id from executions child
       join step_runs parent on parent.execution_id = child.parent_execution_id and parent.node_id = child.parent_node_id
         and parent.scope = child.parent_scope and parent.attempt = child.parent_attempt
       where child.parent_execution_id is not null and child.status in ('succeeded', 'failed', 'canceled')
         and parent.status = 'waiting'`,
    ).all() as Array<{ id: string }>
  ).map((row) => row.id);
}

/** Children of a run that have not ended. */
export function unfinishedChildren(sqlite: Sql, executionId: string): string[] {
  return (
    prepared(
      sqlite,
      "select id from executions where parent_execution_id = ? and status in ('queued', 'running') order by id",
    ).all(executionId) as Array<{ id: string }>
  ).map((row) => row.id);
}

/** The step that answered a run's webhook (`webhook_responses`), which is then the run's result. */
export function answeredStep(
  sqlite: Sql,
  executionId: string,
): { nodeId: string; scope: string; attempt: number } | undefined {
  return prepared(sqlite, 'select node_id as nodeId, scope, attempt from webhook_responses where execution_id = ?').get(
    executionId,
  ) as { nodeId: string; scope: string; attempt: number } | undefined;
}
