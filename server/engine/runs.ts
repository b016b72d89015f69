import type pg from 'pg';
import { parseStepKey, TOP_SCOPE } from '../../nodes/step.ts';
import type { EngineEvent } from '../core/engine/events.ts';
import type { PendingStep } from '../core/engine/plan.ts';
import type { Store } from '../store/db.ts';
import {
  cancelExecution,
  type ExecutionRow,
  finishExecution,
  getExecution,
  getExecutionForStep,
  insertExecution,
  listUnfinishedExecutionIds,
  type TriggerKind,
} from '../store/executions.ts';
import { immediate } from '../store/prepared.ts';
import { cancelRunningSteps, copySucceededSteps, stepStates } from '../store/steps.ts';
import { getWorkflow } from '../store/workflows.ts';
import { WriteBatcher } from '../store/write-batcher.ts';
import { advanceExecution } from './advance.ts';
import { GraphCache } from './graphs.ts';
import { addStepJobs, removeQueuedSteps, StepJobBatcher, specsFor } from './queue.ts';

type NewExecution = Parameters<typeof insertExecution>[1] & {
  /**
   * Writes that must commit with the execution or not at all (a schedule slot's claim, a webhook
   * delivery's idempotency key): run in the insert's savepoint, and throwing undoes the insert.
   */
  readonly alongside?: (execution: ExecutionRow) => void;
};

/** What starting, canceling and retrying runs needs: the store, the queue's database, compiled graphs. */
export interface RunsDeps {
  readonly store: Store;
  readonly pgPool: pg.Pool;
  readonly graphs: GraphCache;
  /** Runs started in the same moment (a burst of webhooks) are stored in one SQLite transaction… */
  readonly executions: WriteBatcher<NewExecution, ExecutionRow>;
  /** …and queued in one round trip. */
  readonly jobs: StepJobBatcher;
}

export function createRunsDeps(store: Store, pgPool: pg.Pool): RunsDeps {
  return {
    store,
    pgPool,
    graphs: new GraphCache(),
    executions: new WriteBatcher(store.sqlite, (values: NewExecution) => {
      const execution = insertExecution(store.sqlite, values);
      values.alongside?.(execution);
      return execution;
    }),
    jobs: new StepJobBatcher(pgPool),
  };
}

export class RunConflict extends Error {
  override name = 'RunConflict';
}

const at = () => new Date().toISOString();

/**
 * Starts a run: the execution is stored first (so it is never lost), then its trigger step is
 * queued. If the queue cannot take it, the execution is failed with the reason rather than left
 * queued for ever.
 */
export async function startRun(
  deps: RunsDeps,
  values: {
    workflowId: string;
    versionId: string | null;
    graph?: unknown;
    trigger: TriggerKind;
    payload: unknown;
    retryOf?: string;
    retryChain?: string;
    /** The user who started it (by hand, a test run or a retry); none for schedules and webhooks. */
    createdBy?: string | null;
    alongside?: NewExecution['alongside'];
  },
): Promise<ExecutionRow> {
  const execution = await deps.executions.add({
    ...(values.alongside ? { alongside: values.alongside } : {}),
    createdBy: values.createdBy ?? null,
    workflowId: values.workflowId,
    versionId: values.versionId,
    graph: values.graph,
    trigger: values.trigger,
    triggerPayload: values.payload ?? {},
    retryOf: values.retryOf ?? null,
    retryChain: values.retryChain ?? null,
  });
  await queueOrFail(deps, execution, () => {
    const graph = deps.graphs.forExecution(deps.store, execution);
    return [{ nodeId: graph.trigger.node.id, scope: TOP_SCOPE, attempt: 1 }];
  });
  return execution;
}

async function queueOrFail(deps: RunsDeps, execution: ExecutionRow, steps: () => PendingStep[]): Promise<void> {
  try {
    const events: EngineEvent[] = [{ type: 'run', executionId: execution.id, status: 'queued', at: at() }];
    await deps.jobs.add(specsFor(execution.id, steps()), events);
  } catch (error) {
    finishExecution(deps.store.sqlite, execution.id, 'failed', {
      message: `could not queue the run: ${(error as Error).message}`,
    });
    throw error;
  }
}

/** Stops scheduling further steps and marks the run canceled; queued steps are dropped. */
export async function cancelRun(deps: RunsDeps, executionId: string): Promise<boolean> {
  const sqlite = deps.store.sqlite;
  const canceled = immediate(sqlite, () => {
    if (!cancelExecution(sqlite, executionId)) return false;
    cancelRunningSteps(sqlite, executionId);
    return true;
  });
  if (!canceled) return false;
  await removeQueuedSteps(deps.pgPool, executionId);
  await addStepJobs(deps.pgPool, [], [{ type: 'run', executionId, status: 'canceled', at: at() }]);
  return true;
}

/**
 * Retries an ended run that did not succeed, as a new execution:
 * - `from-failure`: the same version (or draft copy) and payload; steps that succeeded are
 *   copied over, not run again, and the run resumes at the step that failed;
 * - `fresh`: the workflow's published version from the start, with the same payload.
 */
export async function retryRun(
  deps: RunsDeps,
  executionId: string,
  mode: 'from-failure' | 'fresh',
  createdBy: string | null = null,
): Promise<ExecutionRow> {
  const sqlite = deps.store.sqlite;
  const original = getExecution(sqlite, executionId);
  if (!original) throw new RunConflict(`execution ${executionId} not found`);
  if (original.status !== 'failed' && original.status !== 'canceled') {
    throw new RunConflict(`only a failed or canceled run can be retried; this one is ${original.status}`);
  }
  if (mode === 'fresh') {
    const workflow = getWorkflow(deps.store.db, original.workflowId);
    if (!workflow?.publishedVersionId) throw new RunConflict('the workflow has no published version to run');
    return startRun(deps, {
      workflowId: original.workflowId,
      versionId: workflow.publishedVersionId,
      trigger: 'retry',
      payload: original.triggerPayload,
      retryOf: original.id,
      retryChain: original.retryChain ?? original.id,
      createdBy,
    });
  }
  const graph = deps.graphs.forExecution(deps.store, original);
  const { execution, pending } = immediate(sqlite, () => {
    const execution = insertExecution(sqlite, {
      workflowId: original.workflowId,
      versionId: original.versionId,
      graph: original.graph,
      trigger: 'retry',
      triggerPayload: original.triggerPayload,
      retryOf: original.id,
      retryChain: original.retryChain ?? original.id,
      createdBy,
    });
    copySucceededSteps(sqlite, original.id, execution.id);
    return { execution, pending: advanceExecution(sqlite, graph, execution.id).pending };
  });
  await queueOrFail(deps, execution, () => pending);
  return execution;
}

/**
 * Queues again whatever unfinished runs need, from what SQLite says: steps that are ready, retries
 * that are due, attempts left running. Run at start-up, it makes the queue whole after anything
 * that lost jobs (PostgreSQL stopped uncleanly, its data reset): SQLite is the record, the queue
 * can always be derived from it. Jobs that still exist are not duplicated (their keys).
 */
export async function reconcileUnfinishedRuns(deps: RunsDeps): Promise<{ executions: number; jobs: number }> {
  const sqlite = deps.store.sqlite;
  let executions = 0;
  let jobs = 0;
  let after: string | undefined;
  for (;;) {
    const batch = listUnfinishedExecutionIds(sqlite, 200, after);
    if (batch.length === 0) return { executions, jobs };
    for (const id of batch) {
      const specs = immediate(sqlite, () => {
        let graph: ReturnType<GraphCache['forExecution']>;
        try {
          graph = deps.graphs.forExecution(deps.store, {
            id,
            versionId: getExecutionForStep(sqlite, id)?.versionId ?? null,
          });
        } catch (error) {
          finishExecution(sqlite, id, 'failed', { message: `the workflow cannot run: ${(error as Error).message}` });
          return [];
        }
        const running = [...stepStates(sqlite, id)]
          .filter(([, state]) => state.status === 'running')
          .map(([key, state]) => ({ ...parseStepKey(key), attempt: (state as { attempt: number }).attempt }));
        return specsFor(id, [...advanceExecution(sqlite, graph, id).pending, ...running]);
      });
      if (specs.length > 0) await addStepJobs(deps.pgPool, specs);
      executions++;
      jobs += specs.length;
    }
    after = batch.at(-1);
  }
}
