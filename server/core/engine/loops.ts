import type { ConfigOf } from '../../../nodes/define.ts';
import type loopNode from '../../../nodes/flow/loop.node.ts';
import { type Scope, TOP_SCOPE } from '../../../nodes/step.ts';
import type { CompiledNode } from './compile.ts';
import type { PendingStep } from './plan.ts';
import type { RunError, Wait } from './ports.ts';

/*
 * Loops (`flow.loop`), as the engine runs them: the loop's step evaluates its list and is then
 * stored `waiting` (invariant "suspended steps") while its body runs once per item, each
 * iteration under its own scope (`"<loop's scope>/<index>"`, nodes/step.ts). Its progress (how
 * many iterations started and ended) is kept in the waiting row's `wait`, and each ended
 * iteration is recorded once (`loop_iterations`), so one transaction decides, from the iteration's
 * own steps only, what starts next and when the loop is done. Pure helpers; the transaction
 * scripts that use them are in records.ts.
 */

export type LoopConfig = ConfigOf<typeof loopNode>;

/** A loop's progress, stored as its waiting step's `wait`. */
export interface LoopProgress extends Wait {
  readonly kind: 'loop';
  /** Items in the list. */
  readonly total: number;
  /** Iterations started: 0 … started-1 (they start in item order). */
  readonly started: number;
  /** Iterations ended (recorded in `loop_iterations`), in whatever order they ended. */
  readonly ended: number;
  /** The first item of the batch that waits out the pause, and when that batch may start. */
  readonly batchFrom?: number;
  readonly batchAt?: string;
  /**
   * A retry that resumes copied some iterations' steps: each iteration is planned from its steps
   * as it starts. Otherwise a starting iteration has none, and its start is simply queued.
   */
  readonly copied?: boolean;
}

export const isLoopProgress = (wait: unknown): wait is LoopProgress =>
  typeof wait === 'object' && wait !== null && (wait as { kind?: unknown }).kind === 'loop';

/** How an iteration ended. `skipped`: its end node did not run (a branch not taken), so it gives no output. */
export type IterationStatus = 'succeeded' | 'failed' | 'skipped';

export interface IterationRecord {
  readonly index: number;
  readonly status: IterationStatus;
  /** Why it failed: the failing step's node and message. */
  readonly error?: RunError;
}

/** The scope of iteration `index` of a loop whose step is in `loopScope`. */
export const iterationScope = (loopScope: Scope, index: number): Scope =>
  loopScope === TOP_SCOPE ? String(index) : `${loopScope}/${index}`;

/** The iteration's index: the last part of its scope. */
export const iterationIndex = (scope: Scope): number => Number(scope.slice(scope.lastIndexOf('/') + 1));

/** The scope of the loop an iteration belongs to: its scope without the last part. */
export const loopScopeOf = (scope: Scope): Scope => {
  const at = scope.lastIndexOf('/');
  return at < 0 ? TOP_SCOPE : scope.slice(0, at);
};

/** A new loop's progress. */
export const loopStarted = (total: number): LoopProgress => ({ kind: 'loop', total, started: 0, ended: 0 });

/**
 * Starts what the settings allow, in item order: at most `concurrency` iterations at once, and,
 * with batches, a batch only once the one before it has ended, after the pause (a start time the
 * queue holds the iteration's first job back to, never a sleeping worker). Answers the progress
 * and the indexes started with the time they may start (undefined: now).
 */
export function nextIterations(
  progress: LoopProgress,
  config: LoopConfig,
  at: string,
): { progress: LoopProgress; starts: Array<{ index: number; startAt: string | undefined }> } {
  let next: LoopProgress = progress;
  const starts: Array<{ index: number; startAt: string | undefined }> = [];
  while (next.started < next.total && next.started - next.ended < config.concurrency) {
    const index = next.started;
    const batch = config.batchSize;
    if (batch !== undefined && index > 0 && index % batch === 0) {
      // Iterations start in order, so the earlier batches have all ended when `ended` reaches `index`.
      if (next.ended < index) break;
      if (config.pauseSeconds > 0 && next.batchFrom !== index) {
        next = {
          ...next,
          batchFrom: index,
          batchAt: new Date(Date.parse(at) + config.pauseSeconds * 1000).toISOString(),
        };
      }
    }
    next = { ...next, started: index + 1 };
    starts.push({ index, startAt: next.batchAt !== undefined && next.batchAt > at ? next.batchAt : undefined });
  }
  return { progress: next, starts };
}

/** The first step of an iteration, as a pending step. */
export const iterationStart = (start: CompiledNode, scope: Scope, startAt: string | undefined): PendingStep => ({
  nodeId: start.node.id,
  scope,
  attempt: 1,
  ...(startAt ? { runAt: startAt } : {}),
});

/**
 * The loop's output: each iteration's end output in item order. An iteration whose end node was
 * skipped gives nothing (as n8n leaves out items a branch dropped); a failed one is left out
 * (`skip`) or stands as `{ error: { message }, index }` in its place (`collect`).
 */
export function loopOutput(
  iterations: readonly IterationRecord[],
  outputOf: (index: number) => unknown,
  onItemError: LoopConfig['onItemError'],
): unknown[] {
  const output: unknown[] = [];
  for (const iteration of [...iterations].sort((a, b) => a.index - b.index)) {
    if (iteration.status === 'succeeded') output.push(outputOf(iteration.index));
    else if (iteration.status === 'failed' && onItemError === 'collect') {
      output.push({ error: { message: iteration.error?.message ?? 'failed' }, index: iteration.index });
    }
  }
  return output;
}

/**
 * A failure inside an iteration, as its loop (and the run, when it stops) reports it. Items are
 * counted from 1 there, as the execution page's picker, its `?iteration=` and the step panel
 * count them: "item 5" is the one the picker shows as 5 (index 4, scope "4").
 */
export const itemError = (loop: CompiledNode, index: number, error: RunError): RunError => ({
  ...error,
  message: `${loop.node.name}, item ${index + 1}: ${error.message}`,
});
