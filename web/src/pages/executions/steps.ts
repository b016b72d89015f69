import type { StepRun } from '../../api/types.ts';

/**
 * The attempt that decides how a node looks on the canvas: the highest attempt of its top-level
 * step (a node inside a loop has a step per item, listed in its panel, and none at the top).
 */
export function latestByNode(steps: readonly StepRun[]): Map<string, StepRun> {
  const latest = new Map<string, StepRun>();
  for (const step of steps) {
    if (step.scope !== '') continue;
    const seen = latest.get(step.nodeId);
    if (!seen || step.attempt > seen.attempt) latest.set(step.nodeId, step);
  }
  return latest;
}

/** Steps of this type answer a webhook; a later one of a run is stored ignored (docs/api.md#webhooks). */
const RESPOND_TYPE = 'action.respond';

/**
 * Why a step changed nothing though it succeeded: a Respond to webhook step that ran after the
 * webhook was answered carries `ignored: true` and the reason in its output. Undefined otherwise.
 */
export function ignoredReason(step: Pick<StepRun, 'status' | 'output'>, nodeType: string): string | undefined {
  if (nodeType !== RESPOND_TYPE || step.status !== 'succeeded') return undefined;
  const output = step.output as { ignored?: unknown; reason?: unknown } | null;
  if (typeof output !== 'object' || output === null || output.ignored !== true) return undefined;
  return typeof output.reason === 'string' ? output.reason : 'the webhook was already answered';
}

/** Every attempt of one node: top-level first, then by iteration in item order; newest attempt first within each. */
export const attemptsOf = <Step extends StepRun>(steps: readonly Step[], nodeId: string): Step[] =>
  steps
    .filter((step) => step.nodeId === nodeId)
    .sort((a, b) => compareScopes(a.scope, b.scope) || b.attempt - a.attempt);

/** Orders iteration paths by item number, level by level ("2" before "10", "" first). */
export function compareScopes(a: string, b: string): number {
  const left = a === '' ? [] : a.split('/').map(Number);
  const right = b === '' ? [] : b.split('/').map(Number);
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = (left[index] as number) - (right[index] as number);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** How people read a scope (nodes/step.ts): "item 4" for "3", "item 4 › 8" for "3/7". */
export function describeScope(scope: string): string {
  if (scope === '') return '';
  return `item ${scope
    .split('/')
    .map((index) => Number(index) + 1)
    .join(' › ')}`;
}

/** "Attempt 2", or "Item 4 · attempt 2" for a step inside a loop. */
export function attemptLabel(step: Pick<StepRun, 'scope' | 'attempt'>): string {
  const scope = describeScope(step.scope);
  return scope ? `${scope[0]?.toUpperCase()}${scope.slice(1)} · attempt ${step.attempt}` : `Attempt ${step.attempt}`;
}

/**
 * The canvas status of a node: a failed attempt with another one scheduled is retrying, not
 * failed for good.
 */
export function canvasStatus(step: StepRun | undefined): string | undefined {
  if (!step) return undefined;
  if (step.status === 'failed' && step.retryAt) return 'retrying';
  if (step.status === 'failed' && step.handled) return 'handled';
  return step.status;
}

export interface TimelineBar {
  readonly step: StepRun;
  /** Where the bar starts and how wide it is, in percent of the run's span. */
  readonly offset: number;
  readonly width: number;
  readonly durationMs: number;
  /** Still running: its bar reaches "now". */
  readonly open: boolean;
}

/**
 * Bars of a horizontal timeline: each attempt's start and duration relative to the run's span
 * (from the run's start, or its first step, to its end, or now while it runs). Skipped steps take
 * no time and are left out. Very short steps keep a sliver so they can be seen and hovered. Steps
 * a retry reused ran in the earlier run, at its times: they are listed apart (`reused`), or the
 * span would reach back to the earlier run and squeeze this run's steps into its end.
 */
export function timelineBars(
  steps: readonly StepRun[],
  run: { startedAt: string | null; finishedAt: string | null },
  now: number,
): { bars: TimelineBar[]; spanMs: number; reused: StepRun[] } {
  const reused = steps.filter((step) => step.status !== 'skipped' && step.reused);
  const timed = steps.filter((step) => step.status !== 'skipped' && !step.reused);
  if (timed.length === 0) return { bars: [], spanMs: 0, reused };
  const starts = timed.map((step) => Date.parse(step.startedAt));
  const start = Math.min(run.startedAt ? Date.parse(run.startedAt) : Number.POSITIVE_INFINITY, ...starts);
  const ends = timed.map((step) => (step.finishedAt ? Date.parse(step.finishedAt) : now));
  const end = run.finishedAt ? Math.max(Date.parse(run.finishedAt), ...ends) : Math.max(now, ...ends);
  const spanMs = Math.max(1, end - start);
  const bars = timed
    .map((step, index) => {
      const stepStart = starts[index] as number;
      const stepEnd = ends[index] as number;
      const offset = ((stepStart - start) / spanMs) * 100;
      const width = Math.max(0.6, ((stepEnd - stepStart) / spanMs) * 100);
      return {
        step,
        offset: Math.min(offset, 99.4),
        width: Math.min(width, 100 - Math.min(offset, 99.4)),
        durationMs: Math.max(0, stepEnd - stepStart),
        open: !step.finishedAt,
      };
    })
    .sort((a, b) => a.offset - b.offset || a.step.attempt - b.step.attempt);
  return { bars, spanMs, reused };
}

/**
 * Where the item a loop frame shows came from, in a retry that resumed: `reused` when every step
 * of it was copied from the run this one retries (it did not run again), `ran-again` when a step of
 * it ran in this run. Undefined outside retries, and while the item has no step to judge by.
 */
export function itemOrigin(
  steps: readonly Pick<StepRun, 'reused'>[],
  isRetry: boolean,
): 'reused' | 'ran-again' | undefined {
  if (!isRetry || steps.length === 0) return undefined;
  return steps.every((step) => step.reused) ? 'reused' : 'ran-again';
}
