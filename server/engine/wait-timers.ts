import { WaitTimerJob } from '../core/engine/jobs.ts';
import type { WaitTimer } from '../core/engine/ports.ts';
import { type RunsPorts, resumeStep, type StepResumed } from './runs.ts';

/**
 * What a suspended step leaves with when its timer fires: its stored output (for a wait, the input
 * it passes on), with the timer's `merge` laid over it when there is one (an approval that timed
 * out says so in its output).
 */
export function timerOutput(stored: unknown, timer: WaitTimer): unknown {
  if (!timer.merge) return stored;
  const base = stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? stored : {};
  return { ...base, ...timer.merge };
}

/**
 * Runs a wait timer job (task `stepwise_wait_timer`, queued for `Wait.timer.at` when the step
 * suspended, and again by reconciling at start): completes the suspended attempt by the timer's
 * port through the guarded resumption (docs/architecture.md, invariant "suspended steps"), so a
 * step resumed first (a callback, a decision) or canceled stays as it is. No worker waits for the
 * time: the queue holds the job until it is due.
 */
export function fireWaitTimer(deps: RunsPorts, payload: unknown): Promise<StepResumed> {
  const job = WaitTimerJob.parse(payload);
  return resumeStep(deps, job, {
    attempt: job.attempt,
    accepts: (waiting) => waiting.wait.timer !== undefined,
    port: (waiting) => waiting.wait.timer?.port ?? 'main',
    output: (waiting) => (waiting.wait.timer ? timerOutput(waiting.output, waiting.wait.timer) : waiting.output),
  });
}
