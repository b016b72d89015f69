import type { CompiledGraph, CompiledNode } from './compile.ts';

/** Whether a node is a `flow.wait` waiting for an HTTP callback (its resume URL). */
export const isCallbackWait = (node: CompiledNode): boolean =>
  node.definition.type === 'flow.wait' && (node.config as { mode?: unknown } | null)?.mode === 'callback';

/**
 * The callback wait whose resume URL `{{ execution.resumeUrl }}` means in a step of `from`: the
 * nearest one downstream of it (the wait it prepares), else the node itself when it is one, else
 * the graph's only one. Undefined when there is none, or several and none downstream.
 */
export function callbackWaitFor(graph: CompiledGraph, from: CompiledNode): CompiledNode | undefined {
  const seen = new Set<string>([from.node.id]);
  let frontier = [from];
  while (frontier.length > 0) {
    const next: CompiledNode[] = [];
    for (const node of frontier) {
      for (const edge of node.outbound) {
        const target = graph.nodes.get(edge.target);
        if (!target || seen.has(target.node.id)) continue;
        if (isCallbackWait(target)) return target;
        seen.add(target.node.id);
        next.push(target);
      }
    }
    frontier = next;
  }
  if (isCallbackWait(from)) return from;
  const all = [...graph.nodes.values()].filter(isCallbackWait);
  return all.length === 1 ? all[0] : undefined;
}

/** Every callback wait of the graph, by node name: `{{ execution.resumeUrls['Wait for reply'] }}`. */
export const callbackWaits = (graph: CompiledGraph): CompiledNode[] => [...graph.nodes.values()].filter(isCallbackWait);
