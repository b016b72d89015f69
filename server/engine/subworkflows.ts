import type { StartedWorkflowRun, WorkflowRunRequest } from '../../nodes/define.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { type StepId, type StepKey, stepKey, TOP_SCOPE } from '../../nodes/step.ts';
import type { CompiledGraph, CompiledNode } from '../core/engine/compile.ts';
import { specsFor } from '../core/engine/jobs.ts';
import type { ChildRunStore, Execution, StepResult } from '../core/engine/ports.ts';
import { hasEnded } from '../core/engine/records.ts';
import { type ResultStep, workflowResult } from '../core/engine/workflow-result.ts';
import { capErrorText, checkOutput } from './data-caps.ts';
import { cancelRun, type RunsPorts, resumeSuspended } from './runs.ts';

/*
 * Sub-workflow runs (`flow.subworkflow`, nodes/flow/subworkflow.node.ts): how a step starts a
 * child run and how the child's end resumes the step that waits for it.
 *
 * - Start (in the worker that runs the calling step): the child is stored with its parent step
 *   attempt (`parent_execution_id`, `parent_node_id`, `parent_scope`, `parent_attempt`: unique, so a
 *   job that runs the step again finds the same child), trigger `subworkflow`, the mapped input as
 *   its payload, then its trigger step is queued. In `wait` mode the step then suspends
 *   (docs/architecture.md, invariant "suspended steps").
 * - Return: when the child ends, `returnToParent` completes the waiting step once, through
 *   `resumeSuspended` (the guarded `waiting` → `succeeded`/`failed`): succeeded, with the child's
 *   result (`workflowResult`); failed or canceled, with the child's error and its id. It is asked
 *   from every place that can see both ends, and is harmless when asked twice: after a child's run
 *   ends (the worker that ended it, or a cancel); after the calling step is stored `waiting` (the
 *   child may have ended first); for a stale job of an ended run; and at every start
 *   (`returnEndedChildren`), for a crash between a child's end and its parent's resumption.
 */

/** What sub-workflow calls work with: the run service's ports and the child records. */
export interface SubworkflowPorts extends RunsPorts {
  readonly children: ChildRunStore;
}

/** Calls nest at most this deep unless the server says otherwise (`SUBWORKFLOW_MAX_DEPTH`). */
export const DEFAULT_SUBWORKFLOW_MAX_DEPTH = 10;

/**
 * Starts the child run of one step attempt, or answers the one it started before. Runs in the
 * worker that runs the step (the step's `ctx.startWorkflow`). Problems a retry cannot fix (no such
 * workflow or version, calls nested too deep) are `NonRetryableError`s naming the field.
 */
export async function startChildRun(
  ports: SubworkflowPorts,
  maxDepth: number,
  step: StepId,
  request: WorkflowRunRequest,
): Promise<StartedWorkflowRun> {
  const parent = await ports.runStore.getExecution(step.executionId);
  if (!parent) throw new Error(`execution ${step.executionId} is gone`);
  const callDepth = parent.callDepth + 1;
  if (callDepth > maxDepth) {
    throw new NonRetryableError(
      `sub-workflow calls nest deeper than ${maxDepth} (SUBWORKFLOW_MAX_DEPTH): this run is already ${parent.callDepth} calls deep; does a workflow call itself through a draft or an older version?`,
    );
  }
  const callee = await ports.children.calleeVersion(request.workflowId, request.version);
  if ('problem' in callee) throw new NonRetryableError(`config.workflowId: ${callee.problem}`);
  const child =
    (await ports.children.childOfStep(step)) ??
    (await ports.children.createChild({
      workflowId: request.workflowId,
      versionId: callee.versionId,
      trigger: 'subworkflow',
      triggerPayload: request.input ?? {},
      createdBy: parent.createdBy,
      parent: { ...step, callDepth },
    }));
  // Queued again when the step runs again: the job's key keeps it single (invariant "job keys"),
  // and a child stored by a job that died before queueing gets its trigger step now.
  if (child.status === 'queued') await queueTrigger(ports, child);
  return { executionId: child.id, workflowName: callee.workflowName };
}

async function queueTrigger(ports: SubworkflowPorts, child: Execution): Promise<void> {
  try {
    const graph = await graphOf(ports, child);
    await ports.jobs.add(specsFor(child.id, [{ nodeId: graph.trigger.node.id, scope: TOP_SCOPE, attempt: 1 }]), [
      { type: 'run', executionId: child.id, status: 'queued', at: ports.clock.nowIso() },
    ]);
  } catch (error) {
    // As any run start: a run whose first step cannot be queued fails, rather than wait for ever.
    await ports.runStore.failRun(child.id, {
      message: capErrorText(`could not queue the run: ${(error as Error).message}`),
    });
    throw error;
  }
}

const graphOf = (ports: RunsPorts, run: Pick<Execution, 'id' | 'versionId'>): Promise<CompiledGraph> =>
  ports.graphs.forExecution(run, (ref) => ports.runStore.graphSource(ref));

/**
 * If `childId` is a child run that has ended and its calling step still waits for it, completes
 * that step: with the child's result, or failed with its error. True when it did; false when
 * there was nothing to do (not a child, not ended, the step resumed or canceled already).
 */
export async function returnToParent(ports: SubworkflowPorts, childId: string): Promise<boolean> {
  const child = await ports.runStore.getExecution(childId);
  if (!child || !hasEnded(child.status) || child.parentExecutionId === null) return false;
  const step: StepId = {
    executionId: child.parentExecutionId,
    nodeId: child.parentNodeId ?? '',
    scope: child.parentScope ?? TOP_SCOPE,
    attempt: child.parentAttempt ?? 1,
  };
  const latest = await ports.runStore.latestAttempt(step);
  if (latest.state?.status !== 'waiting' || latest.state.attempt !== step.attempt) return false;
  const parentRun = await ports.runStore.runForStep(step.executionId);
  if (!parentRun || hasEnded(parentRun.status)) return false;
  const graph = await graphOf(ports, parentRun);
  const node = graph.nodes.get(step.nodeId) as CompiledNode;
  if (!(await resumeSuspended(ports, { step, graph, node, result: await childOutcome(ports, child) }))) return false;
  // The resumption may have ended the parent's run (its step failed, or it was the last): if the
  // parent is itself a sub-workflow run, its own caller is told in turn.
  await returnToParent(ports, step.executionId);
  return true;
}

/** What a child's end means for the step that called it. */
async function childOutcome(
  ports: SubworkflowPorts,
  child: Execution,
): Promise<Exclude<StepResult, { status: 'waiting' }>> {
  if (child.status !== 'succeeded') {
    const cause = (child.error as { message?: unknown; nodeName?: unknown } | null) ?? null;
    const where = typeof cause?.nodeName === 'string' ? ` at "${cause.nodeName}"` : '';
    const message =
      child.status === 'canceled'
        ? `the sub-workflow run ${child.id} was canceled`
        : `the sub-workflow run ${child.id} failed${where}: ${typeof cause?.message === 'string' ? cause.message : 'failed'}`;
    return {
      status: 'failed',
      error: {
        name: 'SubworkflowFailed',
        message: capErrorText(message),
        childExecutionId: child.id,
        retryable: false,
      },
    };
  }
  const graph = await graphOf(ports, child);
  const top = [...graph.nodes.keys()].map((nodeId) => ({ nodeId, scope: TOP_SCOPE }));
  const [{ states, outputs }, answered] = await Promise.all([
    ports.runStore.parentResults(child.id, top),
    ports.children.answeredStep(child.id),
  ]);
  const succeeded: ResultStep[] = [];
  for (const { nodeId } of top) {
    const state = states.get(stepKey(nodeId, TOP_SCOPE));
    if (state?.status === 'succeeded') succeeded.push({ nodeId, scope: TOP_SCOPE, attempt: state.attempt });
  }
  const nodes = [...graph.nodes.values()];
  const result = workflowResult(
    { nodes: nodes.map((node) => node.node), edges: nodes.flatMap((node) => node.inbound) },
    { answered, succeeded },
  );
  const output = result.kind === 'none' ? null : await outputOf(ports, child.id, result.step, outputs);
  const checked = checkOutput(output ?? null);
  return {
    status: 'succeeded',
    output: checked.output,
    ...(checked.truncated ? { truncatedOutput: checked.truncated } : {}),
    port: 'main',
  };
}

/** The output of the step a run's result names: read already when top-level, else read now (an answer inside a loop). */
async function outputOf(
  ports: RunsPorts,
  executionId: string,
  step: ResultStep,
  read: ReadonlyMap<StepKey, unknown>,
): Promise<unknown> {
  const key = stepKey(step.nodeId, step.scope);
  if (read.has(key)) return read.get(key);
  return (await ports.runStore.parentResults(executionId, [{ nodeId: step.nodeId, scope: step.scope }])).outputs.get(
    key,
  );
}

/**
 * Cancels a run and, first, the children it is running (a canceled parent no longer waits for
 * them), then tells its own parent, which fails its waiting step. False when the run had ended.
 */
export async function cancelRunWithChildren(ports: SubworkflowPorts, executionId: string): Promise<boolean> {
  if (!(await cancelRun(ports, executionId))) return false;
  for (const childId of await ports.children.unfinishedChildren(executionId)) {
    await cancelRunWithChildren(ports, childId);
  }
  await returnToParent(ports, executionId);
  return true;
}

/**
 * At start: completes the steps still waiting for children that ended (a crash between a child's
 * end and its parent's resumption). Answers how many it resumed.
 */
export async function returnEndedChildren(ports: SubworkflowPorts): Promise<number> {
  let resumed = 0;
  for (const childId of await ports.children.endedChildrenAwaited()) {
    if (await returnToParent(ports, childId)) resumed++;
  }
  return resumed;
}
