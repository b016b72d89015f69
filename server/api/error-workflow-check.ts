import type { Graph, Problem } from '../core/graph/model.ts';
import type { Repositories } from '../store/repositories.ts';

/** The type of the trigger an error workflow starts with. */
export const ERROR_TRIGGER = 'trigger.error';

const startsWithErrorTrigger = (graph: unknown): boolean =>
  Array.isArray((graph as Graph | null)?.nodes) && (graph as Graph).nodes.some((node) => node.type === ERROR_TRIGGER);

/**
 * The graph's error workflow setting checked against the store (the graph rules cannot see other
 * workflows): the workflow it names must exist, be another one, and start with an Error trigger,
 * in its published version or, not yet published, its draft. Reported as graph problems, so saving
 * a version refuses it with 422 like any other problem.
 */
export async function errorWorkflowProblems(repos: Repositories, workflowId: string, graph: Graph): Promise<Problem[]> {
  const named = graph.settings?.errorWorkflowId;
  if (named === undefined) return [];
  const problem = (message: string): Problem => ({
    code: 'invalid_settings',
    field: 'settings.errorWorkflowId',
    message: `Error workflow: ${message}`,
  });
  if (named === workflowId) return [problem('a workflow cannot be its own error workflow')];
  const workflow = await repos.workflows.get(named);
  if (!workflow || workflow.archivedAt !== null) return [problem(`there is no workflow ${named}`)];
  const published = workflow.publishedVersionId
    ? await repos.workflows.versionGraph(workflow.publishedVersionId)
    : undefined;
  if (!startsWithErrorTrigger(published ?? workflow.draft)) {
    return [problem(`"${workflow.name}" does not start with an Error trigger`)];
  }
  return [];
}
