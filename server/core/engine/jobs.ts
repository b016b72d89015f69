import { z } from 'zod';
import { Scope, type StepId } from '../../../nodes/step.ts';
import type { PendingStep } from './plan.ts';

/** A step job's payload: one attempt of one step. Parsed when a job starts: an older Stepwise may have written it. */
export const StepJob = z.object({
  executionId: z.string().min(1),
  nodeId: z.string().min(1),
  /** Absent in jobs queued before steps had scopes: those were all at the top. */
  scope: Scope.default(''),
  attempt: z.number().int().min(1),
}) satisfies z.ZodType<StepId>;

/** A wait timer job's payload: the suspended attempt it resumes (Wait.timer, server/engine/wait-timers.ts). */
export const WaitTimerJob = StepJob;
export type StepJob = StepId;

/** A step job to queue. */
export interface StepJobSpec extends StepJob {
  /** ISO time before which the job must not run (a delay, a retry's backoff). */
  readonly runAt?: string;
  /** A wait timer (it resumes the suspended attempt) rather than a run of the step. */
  readonly timer?: true;
}

/**
 * Keyed per step attempt (execution, node, scope, attempt); a top-level step's key is the one it
 * had before scopes, so jobs queued by an earlier Stepwise are still deduplicated
 * (docs/architecture.md, invariant "job keys").
 */
export const stepJobKey = (job: StepId) =>
  `step:${job.executionId}:${job.nodeId}${job.scope === '' ? '' : `@${job.scope}`}:${job.attempt}`;

/**
 * A wait timer's key: its step's job key with `:timer` after it, so it is found by a cancel (same
 * prefix) and is not merged into the job that suspended the step (still running when it is added).
 */
export const jobKeyOf = (job: StepJobSpec) => (job.timer ? `${stepJobKey(job)}:timer` : stepJobKey(job));

/** The prefix every job key of one execution starts with: how a cancel finds them. */
export const executionKeyPrefix = (executionId: string) => `step:${executionId}:`;

/**
 * A job about a whole run rather than one of its steps: `time-limit` fails the run if it is still
 * going at `runAt` (its workflow's time cap); `run-failed` starts the error workflow of a run that
 * failed. Keyed `run:<kind>:<execution>`, so each is queued once per run.
 */
export const RunJob = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('time-limit'), executionId: z.string().min(1), runAt: z.string() }),
  z.object({ kind: z.literal('run-failed'), executionId: z.string().min(1) }),
]);
export type RunJob = z.output<typeof RunJob>;

export const runJobKey = (job: RunJob) => `run:${job.kind}:${job.executionId}`;

/** The jobs for an execution's pending steps. */
export const specsFor = (executionId: string, steps: readonly PendingStep[]): StepJobSpec[] =>
  steps.map((step) => ({
    executionId,
    nodeId: step.nodeId,
    scope: step.scope,
    attempt: step.attempt,
    ...(step.runAt ? { runAt: step.runAt } : {}),
    ...(step.timer ? { timer: true as const } : {}),
  }));
