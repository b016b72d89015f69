import { describe, expect, it } from 'vitest';
import type { StepRun } from '../../api/types.ts';
import {
  attemptLabel,
  attemptsOf,
  canvasStatus,
  compareScopes,
  describeScope,
  ignoredReason,
  itemOrigin,
  latestByNode,
  timelineBars,
} from './steps.ts';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 22, 9, 0, 0) + ms).toISOString();

function step(nodeId: string, attempt: number, status: StepRun['status'], start: number, end: number | null): StepRun {
  return {
    id: `${nodeId}-${attempt}`,
    nodeId,
    scope: '',
    attempt,
    status,
    input: null,
    output: null,
    outputPort: null,
    error: null,
    request: null,
    truncated: false,
    reused: false,
    handled: false,
    retryAt: null,
    continueAt: null,
    waitingFor: null,
    startedAt: at(start),
    finishedAt: end === null ? null : at(end),
    durationMs: end === null ? null : end - start,
    child: null,
  };
}

/**
 *   Start ──▶ Call (fails once, succeeds on attempt 2) ──▶ Branch ──▶ (skipped)
 */
const steps = [
  step('start', 1, 'succeeded', 0, 100),
  step('call', 2, 'succeeded', 600, 1000),
  step('call', 1, 'failed', 100, 300),
  step('skipped', 1, 'skipped', 1000, 1000),
];

describe('step status per node', () => {
  it('colours a node by its highest attempt', () => {
    const latest = latestByNode(steps);
    expect(latest.get('call')?.attempt).toBe(2);
    expect(latest.get('call')?.status).toBe('succeeded');
    expect(latest.get('start')?.status).toBe('succeeded');
    expect(latest.has('nowhere')).toBe(false);
  });

  it('lists attempts newest first', () => {
    expect(attemptsOf(steps, 'call').map((item) => item.attempt)).toEqual([2, 1]);
    expect(attemptsOf(steps, 'nowhere')).toEqual([]);
  });

  it('shows a failed attempt with a retry scheduled as retrying, not failed', () => {
    expect(canvasStatus({ ...step('call', 1, 'failed', 0, 10), retryAt: at(5000) })).toBe('retrying');
    expect(canvasStatus(step('call', 1, 'failed', 0, 10))).toBe('failed');
    expect(canvasStatus(undefined)).toBeUndefined();
  });
});

describe('timeline layout', () => {
  it('places each attempt by its start and length within the run, skipping skipped steps', () => {
    const { bars, spanMs } = timelineBars(steps, { startedAt: at(0), finishedAt: at(1000) }, 0);
    expect(spanMs).toBe(1000);
    expect(bars.map((bar) => [bar.step.id, bar.offset, bar.width, bar.durationMs])).toEqual([
      ['start-1', 0, 10, 100],
      ['call-1', 10, 20, 200],
      ['call-2', 60, 40, 400],
    ]);
  });

  it('stretches a running step and the span to now', () => {
    const running = [step('start', 1, 'succeeded', 0, 100), step('call', 1, 'running', 100, null)];
    const now = Date.parse(at(400));
    const { bars, spanMs } = timelineBars(running, { startedAt: at(0), finishedAt: null }, now);
    expect(spanMs).toBe(400);
    expect(bars[1]).toMatchObject({ offset: 25, width: 75, durationMs: 300, open: true });
  });

  it('keeps an instant step visible as a sliver', () => {
    const { bars } = timelineBars(
      [step('a', 1, 'succeeded', 0, 0), step('b', 1, 'succeeded', 0, 10_000)],
      { startedAt: at(0), finishedAt: at(10_000) },
      0,
    );
    expect(bars[0]?.width).toBeGreaterThan(0);
  });

  it('has nothing to draw before the first step', () => {
    expect(timelineBars([], { startedAt: null, finishedAt: null }, 0)).toEqual({ bars: [], spanMs: 0, reused: [] });
  });

  it('lists steps a retry reused apart: they ran in the earlier run, and would stretch the span back to it', () => {
    const earlier = { ...step('start', 1, 'succeeded', -60_000, -59_900), reused: true };
    const { bars, spanMs, reused } = timelineBars(
      [earlier, step('call', 1, 'succeeded', 0, 500)],
      { startedAt: at(0), finishedAt: at(500) },
      0,
    );
    expect(spanMs).toBe(500);
    expect(bars.map((bar) => [bar.step.id, bar.offset, bar.width])).toEqual([['call-1', 0, 100]]);
    expect(reused.map((item) => item.id)).toEqual(['start-1']);
  });
});

describe('steps inside loops (scopes)', () => {
  const inScope = (scope: string, attempt: number): StepRun => ({
    ...step('call', attempt, 'succeeded', 0, 5),
    scope,
    id: `call-${scope}-${attempt}`,
  });

  it('orders iterations by item number, the top level first', () => {
    const scopes = ['10', '2', '', '2/1', '2/0', '1'];
    expect([...scopes].sort(compareScopes)).toEqual(['', '1', '2', '2/0', '2/1', '10']);
    expect(
      attemptsOf([inScope('10', 1), inScope('2', 1), inScope('2', 2)], 'call').map((s) => [s.scope, s.attempt]),
    ).toEqual([
      ['2', 2],
      ['2', 1],
      ['10', 1],
    ]);
  });

  it('labels an attempt with its item, and the canvas takes only the top-level step', () => {
    expect(attemptLabel({ scope: '', attempt: 2 })).toBe('Attempt 2');
    expect(attemptLabel({ scope: '3', attempt: 1 })).toBe('Item 4 · attempt 1');
    expect(attemptLabel({ scope: '3/7', attempt: 1 })).toBe('Item 4 › 8 · attempt 1');
    expect(latestByNode([inScope('0', 3), inScope('', 1)]).get('call')?.scope).toBe('');
    expect(latestByNode([inScope('0', 3)]).has('call')).toBe(false);
  });

  it('reads a scope as people count items: from 1, outermost loop first', () => {
    expect(describeScope('')).toBe('');
    expect(describeScope('0')).toBe('item 1');
    expect(describeScope('9/0')).toBe('item 10 › 1');
  });
});

describe('ignoredReason', () => {
  const reply = (output: unknown, status: StepRun['status'] = 'succeeded') => ({
    ...step('reply', 1, status, 0, 10),
    output,
  });

  it('reads why a Respond to webhook step that ran after the answer changed nothing', () => {
    const ignored = reply({ status: 200, ignored: true, reason: 'the webhook was already answered by "Left"' });
    expect(ignoredReason(ignored, 'action.respond')).toBe('the webhook was already answered by "Left"');
  });

  it('says nothing for the step that answered, for other node types, or for failed steps', () => {
    expect(ignoredReason(reply({ status: 200 }), 'action.respond')).toBeUndefined();
    expect(ignoredReason(reply({ ignored: true, reason: 'user data' }), 'transform.set')).toBeUndefined();
    expect(ignoredReason(reply(null, 'failed'), 'action.respond')).toBeUndefined();
  });
});

describe('itemOrigin', () => {
  it('tells a reused item of a retry from one that ran again, and says nothing outside retries', () => {
    const reused = { reused: true };
    const ran = { reused: false };
    expect(itemOrigin([reused, reused], true)).toBe('reused');
    expect(itemOrigin([reused, ran], true)).toBe('ran-again');
    expect(itemOrigin([ran], false)).toBeUndefined();
    expect(itemOrigin([], true)).toBeUndefined();
  });
});
