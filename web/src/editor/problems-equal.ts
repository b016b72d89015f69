import type { Graph, Problem } from '../api/types.ts';

/*
 * Comparisons the editor store makes on every change. They live apart from the graph rules
 * (problems.ts), which load after the canvas (see store.ts), so the store can tell without them
 * whether the rules need to run at all.
 */

/** Whether two graphs differ only in node positions and frame sizes, which no rule looks at. */
export function sameRulesInput(a: Graph, b: Graph): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((node, index) => {
    const other = b.nodes[index];
    return (
      other !== undefined &&
      (other === node ||
        (other.id === node.id &&
          other.type === node.type &&
          other.name === node.name &&
          other.parentId === node.parentId &&
          other.settings === node.settings &&
          other.config === node.config))
    );
  });
}

export function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  return (
    a.length === b.length &&
    a.every((problem, index) => {
      const other = b[index];
      return (
        other !== undefined &&
        other.code === problem.code &&
        other.message === problem.message &&
        other.nodeId === problem.nodeId &&
        other.edgeId === problem.edgeId &&
        other.field === problem.field &&
        other.position === problem.position
      );
    })
  );
}
