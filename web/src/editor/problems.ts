import { graphProblems } from '../../../server/core/graph/validate.ts';
import type { Graph, Problem } from '../api/types.ts';
import type { NodeTypes } from '../canvas/node-types.ts';

/**
 * The problems the editor shows: the shared graph rules run here after every edit (structure,
 * expressions, and configs by their JSON Schema), merged with the server's last answer, which stays
 * the authority for the nodes it saw as they are now (its zod check also knows the refinements
 * JSON Schema cannot say: a cron expression, a rule's right-hand value). A node edited since then
 * shows only the local view, so no stale message lingers under a field the user just fixed.
 */
export interface CheckedProblems {
  /** The graph the server checked (the object autosave sent), and what it said. */
  readonly graph: Graph;
  readonly problems: readonly Problem[];
}

const aboutConfig = (problem: Problem) => problem.code === 'invalid_config' || problem.code === 'invalid_expression';

export function currentProblems(graph: Graph, types: NodeTypes, checked: CheckedProblems | null): Problem[] {
  const local = graphProblems(graph, types.lookup);
  if (!checked) return local;
  const seen = new Map(checked.graph.nodes.map((node) => [node.id, node]));
  const unchanged = new Set(
    graph.nodes
      .filter((node) => {
        const then = seen.get(node.id);
        return then !== undefined && then.config === node.config && then.type === node.type && then.name === node.name;
      })
      .map((node) => node.id),
  );
  const serverSays = (problem: Problem) =>
    aboutConfig(problem) && problem.nodeId !== undefined && unchanged.has(problem.nodeId);
  return [...local.filter((problem) => !serverSays(problem)), ...checked.problems.filter(serverSays)];
}
