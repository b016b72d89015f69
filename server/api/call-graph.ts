import {
  type CallNode,
  callKey,
  describeCycle,
  findCallCycle,
  type WorkflowCall,
  workflowCalls,
} from '../core/call-cycles.ts';
import type { Repositories } from '../store/repositories.ts';
import { ApiError } from './errors.ts';

/** More workflow versions than this on one call chain is a graph no one drew by hand: stop looking. */
const MAX_LOOKUPS = 500;

/**
 * Refuses (422 `call_cycle`, naming the chain) a graph of `workflow` that, through the versions of
 * the workflows it calls, would call itself. `versionId`: the version being published (undefined
 * while saving a new one). A call back to this workflow's published version means this graph (it
 * is, or may become, the published one); a call to a numbered version means that version (a
 * number not saved yet, this one). The lookups are here; the check is pure (server/core/call-cycles.ts).
 */
export async function refuseCallCycles(
  repos: Repositories,
  workflow: { id: string; name: string },
  graph: unknown,
  versionId?: string,
): Promise<void> {
  const root: CallNode = {
    id: versionId ?? `new:${workflow.id}`,
    workflowId: workflow.id,
    name: workflow.name,
    calls: workflowCalls(graph),
  };
  const resolved = new Map<string, CallNode | undefined>();
  const lookup = async (call: WorkflowCall): Promise<CallNode | undefined> => {
    const target = await repos.workflows.get(call.workflowId);
    if (!target) return undefined;
    const version =
      call.version === 'published'
        ? target.publishedVersionId === null
          ? undefined
          : await repos.workflows.getVersion(target.publishedVersionId)
        : await repos.workflows.getVersionByNumber(target.id, call.version);
    return version && { id: version.id, workflowId: target.id, name: target.name, calls: workflowCalls(version.graph) };
  };
  const toRoot = (call: WorkflowCall): CallNode | undefined => {
    if (call.workflowId !== workflow.id) return undefined;
    if (call.version === 'published') return root;
    return resolved.get(callKey(call)) ?? root;
  };
  // Breadth first over every call reachable, then the pure check over what was found.
  const queue = [...root.calls];
  while (queue.length > 0 && resolved.size < MAX_LOOKUPS) {
    const call = queue.shift() as WorkflowCall;
    if (resolved.has(callKey(call))) continue;
    const node = await lookup(call);
    resolved.set(callKey(call), node);
    for (const next of node?.calls ?? []) if (!toRoot(next)) queue.push(next);
  }
  const cycle = findCallCycle(root, (call) => toRoot(call) ?? resolved.get(callKey(call)));
  if (cycle) {
    throw new ApiError(422, 'call_cycle', `the workflow would call itself: ${describeCycle(cycle)}`, { chain: cycle });
  }
}
