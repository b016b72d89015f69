import { errorPayload } from '../core/engine/error-payload.ts';
import { AlreadyReported } from '../core/engine/ports.ts';
import type { Logger } from '../log.ts';
import type { WorkflowRepository } from '../store/repositories.ts';
import { type RunsPorts, startRun } from './runs.ts';

/*
 * Error workflows (docs/architecture.md, "Error workflows"): a workflow's settings may name
 * another workflow, starting with an Error trigger (`trigger.error`), that runs when a production
 * run of the first fails for good. Started from a job of its own (run-task.ts), queued once the
 * failure is durable; a failure is reported once (`executions.error_of` is unique).
 */

export interface ErrorWorkflowDeps {
  readonly runs: RunsPorts;
  readonly workflows: Pick<WorkflowRepository, 'get'>;
  /** `PUBLIC_URL`, when set: execution links are absolute on it, else paths. */
  readonly publicUrl?: string | undefined;
  readonly log: Pick<Logger, 'warn' | 'info'>;
}

/**
 * Starts the error workflow of a failed run, if it should have one: a production run (not a test
 * run of a draft, and not itself a run of an error workflow, so an error workflow that fails does
 * not start its own), whose version names an error workflow with a published version. Answers the
 * error run's id, or undefined when none was started. Safe to call again: a failure is reported
 * once (`AlreadyReported`).
 */
export async function startErrorWorkflow(deps: ErrorWorkflowDeps, executionId: string): Promise<string | undefined> {
  const run = await deps.runs.runStore.getExecution(executionId);
  if (run?.status !== 'failed') return undefined;
  if (run.trigger === 'test' || run.trigger === 'error' || run.versionId === null) return undefined;
  const graph = await deps.runs.graphs
    .forExecution(run, (ref) => deps.runs.runStore.graphSource(ref))
    .catch(() => undefined);
  const errorWorkflowId = graph?.settings.errorWorkflowId;
  if (!errorWorkflowId) return undefined;
  const versionId = await deps.runs.runStore.publishedVersionOf(errorWorkflowId);
  if (!versionId) {
    deps.log.warn({ executionId, errorWorkflowId }, 'the error workflow has no published version: not started');
    return undefined;
  }
  const workflow = await deps.workflows.get(run.workflowId);
  const payload = errorPayload(run, { id: run.workflowId, name: workflow?.name ?? run.workflowId }, deps.publicUrl);
  try {
    const started = await startRun(deps.runs, {
      workflowId: errorWorkflowId,
      versionId,
      trigger: 'error',
      payload,
      errorOf: run.id,
    });
    deps.log.info({ executionId, errorRun: started.id }, 'started the error workflow of a failed run');
    return started.id;
  } catch (error) {
    if (error instanceof AlreadyReported || isUniqueViolation(error)) return undefined;
    throw error;
  }
}

/** Two starts at once: the unique index on `error_of` lets one through. */
const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
