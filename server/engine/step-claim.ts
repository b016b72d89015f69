import type Database from 'better-sqlite3';
import type { StepId } from '../../nodes/step.ts';
import { attemptStatus, type ClaimDecision, claimDecision } from '../core/engine/attempt.ts';
import { getExecutionStatus, markExecutionRunning, TERMINAL_STATUSES } from '../store/executions.ts';
import { immediate } from '../store/prepared.ts';
import { claimStepRun, insertFinishedStepRun, latestAttempt, type StepResult, toStepState } from '../store/steps.ts';
import type { forDisplay } from './data-caps.ts';

type Display = ReturnType<typeof forDisplay>;

/** The latest stored attempt of a step as the engine's state, with the job that claimed it. */
export function storedAttempt(sqlite: Database.Database, step: StepId) {
  const latest = latestAttempt(sqlite, step);
  return { state: latest && toStepState(latest), holder: latest?.jobId };
}

/** Whether an attempt is new, running or settled, from what is stored (read without a lock). */
export const attemptStatusOf = (sqlite: Database.Database, step: StepId) =>
  attemptStatus(storedAttempt(sqlite, step).state, step.attempt);

/**
 * Claims an attempt in SQLite before it runs (docs/architecture.md, invariant "claims"): the row
 * says `running` with the claiming job, so a duplicate job never repeats an action's call.
 */
export function claimStep(
  sqlite: Database.Database,
  args: {
    step: StepId;
    jobId: string;
    workerId: string;
    display: Display;
    /** A vanished job whose claim this job may take over. */
    replacing?: string;
  },
): ClaimDecision {
  return immediate(sqlite, () => {
    const status = getExecutionStatus(sqlite, args.step.executionId);
    const latest = storedAttempt(sqlite, args.step);
    const decision = claimDecision({
      runEnded: !status || TERMINAL_STATUSES.includes(status),
      latest: latest.state,
      holder: latest.holder,
      attempt: args.step.attempt,
      jobId: args.jobId,
      ...(args.replacing ? { replacing: args.replacing } : {}),
    });
    if (decision.kind !== 'claim') return decision;
    claimStepRun(sqlite, {
      ...args.step,
      workerId: args.workerId,
      jobId: args.jobId,
      ...(args.replacing ? { replacing: args.replacing } : {}),
      input: args.display.value,
      truncated: args.display.truncated,
    });
    if (status === 'queued') markExecutionRunning(sqlite, args.step.executionId);
    return decision;
  });
}

/**
 * Stores the result of a step that was not claimed (a pure one), inside the finishing
 * transaction: only while its run goes on and nobody has recorded the attempt yet. A result that
 * loses either race is dropped, as an action's late result is after a cancel.
 */
export function recordUnclaimed(
  sqlite: Database.Database,
  args: { step: StepId; jobId: string; workerId: string; display: Display; startedAt: string },
  result: StepResult,
): boolean {
  const status = getExecutionStatus(sqlite, args.step.executionId);
  if (!status || TERMINAL_STATUSES.includes(status)) return false;
  if (attemptStatus(storedAttempt(sqlite, args.step).state, args.step.attempt) !== 'new') return false;
  const stored = insertFinishedStepRun(
    sqlite,
    {
      ...args.step,
      workerId: args.workerId,
      jobId: args.jobId,
      input: args.display.value,
      truncated: args.display.truncated,
      startedAt: args.startedAt,
    },
    result,
  );
  if (stored && status === 'queued') markExecutionRunning(sqlite, args.step.executionId);
  return stored;
}
