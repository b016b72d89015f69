/**
 * Sub-workflow call cycles, refused when a version is saved or published (422): a workflow whose
 * graph, through the versions of the workflows it calls (`flow.subworkflow`), transitively calls
 * itself would recurse until the run-time depth limit stops it. Pure: the store's lookups are done
 * by the caller (server/api/call-graph.ts), which hands over what a call resolves to.
 */

/** The type of the node that calls another workflow. */
export const SUBWORKFLOW_NODE_TYPE = 'flow.subworkflow';

/** One call a graph makes: which workflow, at which version. */
export interface WorkflowCall {
  readonly workflowId: string;
  /** `published`: whatever version that workflow has published when the call runs. */
  readonly version: 'published' | number;
}

/** A workflow version as the cycle check sees it: who it is and whom it calls. */
export interface CallNode {
  /** Identifies the exact graph (a version id, or a marker for a graph not stored yet). */
  readonly id: string;
  readonly workflowId: string;
  readonly name: string;
  readonly calls: readonly WorkflowCall[];
}

/** How a call is looked up: `<workflow id>@<version>`. */
export const callKey = (call: WorkflowCall): string => `${call.workflowId}@${call.version}`;

/**
 * The calls a graph makes, read from its `flow.subworkflow` nodes. The graph may be anything (a
 * stored graph is `unknown` until parsed): nodes without a workflow chosen are left out.
 */
export function workflowCalls(graph: unknown): WorkflowCall[] {
  const nodes = (graph as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return [];
  const calls: WorkflowCall[] = [];
  for (const node of nodes as Array<{ type?: unknown; config?: unknown }>) {
    if (node?.type !== SUBWORKFLOW_NODE_TYPE) continue;
    const config = (node.config ?? {}) as { workflowId?: unknown; version?: unknown };
    if (typeof config.workflowId !== 'string' || config.workflowId === '') continue;
    const version = typeof config.version === 'number' ? config.version : 'published';
    calls.push({ workflowId: config.workflowId, version });
  }
  return calls;
}

/**
 * The first call cycle reachable from `root`, as the workflows' names in call order, the first
 * repeated at the end ("Orders", "Enrich", "Orders"); undefined when there is none. `resolve`
 * answers the version a call reaches (undefined: no such workflow or version, which is the run's
 * problem, not a cycle).
 */
export function findCallCycle(
  root: CallNode,
  resolve: (call: WorkflowCall) => CallNode | undefined,
): string[] | undefined {
  const done = new Set<string>();
  const path: CallNode[] = [];
  const visit = (node: CallNode): string[] | undefined => {
    const at = path.findIndex((entry) => entry.id === node.id);
    if (at !== -1) return [...path.slice(at), node].map((entry) => entry.name);
    if (done.has(node.id)) return undefined;
    path.push(node);
    for (const call of node.calls) {
      const next = resolve(call);
      const cycle = next && visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node.id);
    return undefined;
  };
  return visit(root);
}

/** The chain as people read it: "Orders → Enrich → Orders". */
export const describeCycle = (names: readonly string[]): string => names.join(' → ');
