import { RunJob } from '../core/engine/jobs.ts';
import { type ErrorWorkflowDeps, startErrorWorkflow } from './error-workflow.ts';
import type { RunsPorts } from './runs.ts';

/** How a run that ran past its time limit is failed: "the run exceeded its 60 s time limit". */
export const timeLimitMessage = (seconds: number) => `the run exceeded its ${seconds} s time limit`;

/**
 * The graphile-worker task of jobs about whole runs (`RUN_TASK`, queue.ts):
 * - `time-limit`, due at a capped run's start plus its cap: fails the run if it is still going,
 *   as a cancel ends one (its running attempts marked canceled, its queued steps dropped; workers
 *   hear the run's `failed` event with `reason: 'time-limit'` and abort its steps running in them),
 *   then starts its error workflow;
 * - `run-failed`: starts the error workflow of a run that failed (error-workflow.ts).
 * Both are safe to run again: the run ends once (invariant "one end") and a failure is reported once.
 */
export function runTask(deps: ErrorWorkflowDeps & { readonly runs: RunsPorts }) {
  return async function runJob(payload: unknown): Promise<void> {
    const job = RunJob.parse(payload);
    if (job.kind === 'run-failed') {
      await startErrorWorkflow(deps, job.executionId);
      return;
    }
    const { runs } = deps;
    const run = await runs.runStore.getExecution(job.executionId);
    if (!run) return;
    if (run.status === 'queued' || run.status === 'running') {
      const graph = await runs.graphs.forExecution(run, (ref) => runs.runStore.graphSource(ref));
      const seconds = graph.settings.timeoutSeconds ?? 0;
      if (await runs.runStore.timeOut(run.id, { message: timeLimitMessage(seconds) })) {
        await runs.jobs.removeQueued(run.id);
        await runs.events.publish([
          { type: 'run', executionId: run.id, status: 'failed', reason: 'time-limit', at: runs.clock.nowIso() },
        ]);
      }
    }
    // Also when an earlier try of this job failed the run and then died: reported once whatever.
    await startErrorWorkflow(deps, run.id);
  };
}
