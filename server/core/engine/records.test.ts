import { describe, expect, it } from 'vitest';
import { compiledOf, describePending, keyOf, states } from './ascii-graph.ts';
import type { CompiledNode } from './compile.ts';
import type { StepResult } from './ports.ts';
import { afterResult, planAdvance } from './records.ts';

/*
 * What a run's advance decides from its stored states (written as in ascii-graph.ts), and what a
 * stored result means for what follows. The transaction scripts that act on these decisions run
 * through whole runs in engine-core.test.ts.
 */

/**
 *   start ──▶ a ──▶ c
 *         └─▶ b
 *   start ──▶ check ─true─▶ yes ──▶ join (merge)
 *                   ─false─▶ no ──▶ join
 */
const graph = compiledOf(`
  start: trigger.manual
  a: transform.set
  b: action.http
  c: transform.set
  check: condition.if
  yes: transform.set
  no: transform.set
  join: flow.merge
  start -> a -> c
  start -> b
  start -> check
  check.true -> yes -> join
  check.false -> no -> join
`);

const T1 = '2030-01-01T00:01:00.000Z';

describe('planAdvance', () => {
  it.each<[what: string, stored: Record<string, string>, changed: string | undefined, plan: object]>([
    [
      'without a changed step, every pending step (settling, reconciling, resuming)',
      { start: 'ok', a: 'ok' },
      undefined,
      { skipped: [], outcome: 'running', pending: ['b', 'c', 'check'] },
    ],
    [
      'after a step, only what it made ready (successor filter): b and check were queued with start',
      { start: 'ok', a: 'ok' },
      'a',
      { skipped: [], outcome: 'running', pending: ['c'] },
    ],
    [
      'after a branch: the side not taken is skipped, the side taken listed; the merge waits',
      { start: 'ok', a: 'ok', b: 'ok', c: 'ok', check: 'ok:false' },
      'check',
      { skipped: ['yes'], outcome: 'running', pending: ['no'] },
    ],
    [
      'a merge with one parent skipped is listed once the other is done',
      { start: 'ok', a: 'ok', b: 'ok', c: 'ok', check: 'ok:false', yes: 'skipped', no: 'ok' },
      'no',
      { skipped: [], outcome: 'running', pending: ['join'] },
    ],
    [
      'nothing pending: the run succeeds (after skipping what is left)',
      { start: 'ok', a: 'ok', b: 'ok', c: 'ok', check: 'ok:true', yes: 'ok', join: 'ok' },
      'join',
      { skipped: ['no'], outcome: 'succeeded', pending: [] },
    ],
    [
      'a retry due keeps the run going, and is listed without a changed step',
      { start: 'ok', a: 'ok', b: `retrying@${T1}`, c: 'ok', check: 'ok:true', yes: 'ok', no: 'skipped', join: 'ok' },
      undefined,
      { skipped: [], outcome: 'running', pending: [`b@${T1} attempt 2`] },
    ],
    [
      'a step failed for good: the run has failed, nothing is listed (what follows it is skipped)',
      { start: 'ok', a: 'failed', b: 'ok' },
      undefined,
      { skipped: ['c'], outcome: 'failed', pending: [] },
    ],
  ])('%s', (_what, stored, changed, expected) => {
    const key = changed === undefined ? undefined : { nodeId: changed, scope: '' };
    const plan = planAdvance(graph, states(stored), key);
    expect({
      skipped: plan.skipped.map((step) => step.nodeId).sort(),
      outcome: plan.outcome,
      pending: plan.pending.map(describePending).sort(),
    }).toEqual(expected);
  });

  it('keeps the stored states as they were', () => {
    const stored = states({ start: 'ok', check: 'ok:true' });
    planAdvance(graph, stored);
    expect(stored.has(keyOf('no'))).toBe(false);
  });
});

describe('afterResult', () => {
  const node = graph.nodes.get('b') as CompiledNode;
  const step = { executionId: 'run-1', nodeId: 'b', scope: '', attempt: 2 };
  it.each<[what: string, result: StepResult, after: object]>([
    ['succeeded: advance', { status: 'succeeded', output: {}, port: 'main' }, { kind: 'advance' }],
    [
      'failed with a retry to come: the next attempt, when due',
      { status: 'failed', error: { message: 'boom' }, retryAt: T1 },
      { kind: 'retry', next: { nodeId: 'b', scope: '', attempt: 3, runAt: T1 } },
    ],
    [
      'failed for good: the run fails, naming the node',
      { status: 'failed', error: { message: 'boom' } },
      { kind: 'fail-run', error: { nodeId: 'b', nodeName: 'B', message: 'boom' } },
    ],
  ])('%s', (_what, result, after) => {
    expect(afterResult(step, node, result)).toEqual(after);
  });
});
