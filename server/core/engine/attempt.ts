import type { NodeDefinition } from '../../../nodes/define.ts';
import type { StepState } from './plan.ts';

/*
 * What one attempt of a step does when its job (or an inline chain) reaches it: pure decisions
 * over what is stored, so each rule is tested on its own (attempt.test.ts) and the runner only
 * carries them out. The guards are listed in docs/architecture.md ("Engine invariants").
 */

/**
 * What the stored rows say about an attempt: `new` (nothing stored, and it is the step's next
 * attempt), `running` (claimed by a job), or `settled` (done, suspended (`waiting`: only its
 * resumption completes it), or no longer the next attempt: a job queued twice does nothing).
 */
export type AttemptStatus = 'new' | 'running' | 'settled';

/** `latest` is the step's latest stored attempt (undefined: none), `attempt` the one asked for. */
export function attemptStatus(latest: StepState | undefined, attempt: number): AttemptStatus {
  if (latest && 'attempt' in latest && latest.attempt === attempt) {
    return latest.status === 'running' ? 'running' : 'settled';
  }
  if (latest?.status === 'skipped' || latest?.status === 'canceled') return 'settled';
  const expected = latest === undefined ? 1 : latest.status === 'retrying' ? latest.attempt + 1 : undefined;
  return expected === attempt ? 'new' : 'settled';
}

/**
 * What a job does with the attempt of a step that is not claimed before it runs (a pure step),
 * from its latest stored attempt read without a lock: `record` runs it and stores its result once
 * it ends (checked again in that transaction), `settle` only re-advances the run (invariant
 * "stale jobs"), `claim` treats it as an action would: a job claimed the attempt anyway (one
 * written by an earlier Stepwise).
 */
export type UnclaimedPlan = 'record' | 'settle' | 'claim';

export function planUnclaimed(latest: StepState | undefined, attempt: number): UnclaimedPlan {
  const status = attemptStatus(latest, attempt);
  return status === 'new' ? 'record' : status === 'settled' ? 'settle' : 'claim';
}

/** What a job does with an attempt it must claim before running it (an action). */
export type ClaimDecision =
  /** The run has ended: nothing to do. */
  | { readonly kind: 'ended' }
  /** Already done or superseded: only make sure what follows it is queued. */
  | { readonly kind: 'settled' }
  /** Another job holds the attempt and may still be at work. */
  | { readonly kind: 'duplicate'; readonly holder: string }
  /** Claim it and run it. */
  | { readonly kind: 'claim' };

/**
 * Claims are the guard behind exactly-once calls to the outside world: only the job that claimed
 * an attempt (retried by the queue after its worker died), or a job replacing a claim holder that
 * has vanished from the queue, may run it.
 */
export function claimDecision(args: {
  readonly runEnded: boolean;
  readonly latest: StepState | undefined;
  /** The job that claimed the latest attempt, when it is running. */
  readonly holder: string | null | undefined;
  readonly attempt: number;
  readonly jobId: string;
  /** A vanished job whose claim this job may take over. */
  readonly replacing?: string;
}): ClaimDecision {
  if (args.runEnded) return { kind: 'ended' };
  const status = attemptStatus(args.latest, args.attempt);
  if (status === 'settled') return { kind: 'settled' };
  // A running attempt whose holder is unknown is never taken for this job's own.
  const holder = args.holder ?? null;
  const owns = holder !== null && (holder === args.jobId || holder === args.replacing);
  if (status === 'running' && !owns) return { kind: 'duplicate', holder: holder ?? '' };
  return { kind: 'claim' };
}

/**
 * Steps that reach the outside world (actions) are claimed before they run: while one is in
 * flight its row says `running` with the job that runs it. Every other step is pure (its effects
 * are its stored result) and is recorded once, when it ends; so is an action declared pure (a
 * Respond to webhook step, whose answer the API sends from its stored result).
 */
export const claimsBeforeRunning = (definition: NodeDefinition): boolean =>
  definition.kind === 'action' && !definition.pure;

/**
 * A pure step that is due now runs inline, in the job (or chain) that made it ready, instead of
 * waiting for a job of its own: no queue round trip for conditions, transforms, merges and delays.
 * Actions, triggers, and anything due later (a retry's backoff, after a delay) get a job.
 */
export const runsInline = (definition: NodeDefinition, step: { readonly runAt?: string }): boolean =>
  definition.pure && step.runAt === undefined;
