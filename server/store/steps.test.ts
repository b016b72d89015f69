import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StepKey, stepKey } from '../../nodes/step.ts';
import { tempStore } from '../testing/store.ts';
import { insertExecution } from './executions.ts';
import {
  claimStepRun,
  copySucceededSteps,
  finishStepRun,
  insertFinishedStepRun,
  latestAttempt,
  latestResults,
  listStepRuns,
  stepOutputs,
  stepStates,
} from './steps.ts';
import { insertWorkflow } from './workflows.ts';

let store: ReturnType<typeof tempStore>;
beforeEach(() => {
  store = tempStore();
});
afterEach(() => store.cleanup());

function newExecution() {
  const workflow = insertWorkflow(store.db, { name: 'W', draft: { nodes: [], edges: [] } });
  return insertExecution(store.sqlite, {
    workflowId: workflow.id,
    versionId: null,
    trigger: 'manual',
    triggerPayload: {},
  });
}

const top = (nodeId: string): StepKey => stepKey(nodeId, '');

describe('the latest attempt of a step', () => {
  it('is the highest attempt, whatever order the rows were written in', () => {
    const execution = newExecution();
    const step = { executionId: execution.id, nodeId: 'call', scope: '' };
    const claim = (attempt: number) =>
      claimStepRun(store.sqlite, {
        ...step,
        attempt,
        workerId: 'w',
        jobId: `job-${attempt}`,
        input: {},
        truncated: false,
      });
    // Attempt 3 is written before attempt 2 (e.g. copied rows, or a retry racing a late finish).
    claim(1);
    finishStepRun(store.sqlite, { ...step, attempt: 1 }, { status: 'failed', error: {}, retryAt: 'x' });
    claim(3);
    claim(2);
    finishStepRun(store.sqlite, { ...step, attempt: 2 }, { status: 'succeeded', output: { n: 2 }, port: 'main' });

    expect(latestAttempt(store.sqlite, step)).toMatchObject({ attempt: 3, jobId: 'job-3' });
    expect(stepStates(store.sqlite, execution.id).get(top('call'))).toEqual({ status: 'running', attempt: 3 });
    finishStepRun(store.sqlite, { ...step, attempt: 3 }, { status: 'succeeded', output: { n: 3 }, port: 'main' });
    const results = latestResults(store.sqlite, execution.id, [step, step, { nodeId: 'missing', scope: '' }]);
    expect(results.states).toEqual(new Map([[top('call'), { status: 'succeeded', attempt: 3, port: 'main' }]]));
    expect(results.outputs).toEqual(new Map([[top('call'), { n: 3 }]]));
  });
});

describe('steps of one node in two scopes (two iterations of a loop)', () => {
  const at = new Date().toISOString();
  const record = (
    executionId: string,
    scope: string,
    attempt: number,
    result: Parameters<typeof insertFinishedStepRun>[2],
  ) =>
    insertFinishedStepRun(
      store.sqlite,
      {
        executionId,
        nodeId: 'call',
        scope,
        attempt,
        workerId: 'w',
        jobId: `${scope}-${attempt}`,
        input: { scope },
        truncated: false,
        startedAt: at,
      },
      result,
    );

  it('are stored apart: the same attempt number in another scope is another row, not a duplicate', () => {
    const execution = newExecution();
    expect(record(execution.id, '0', 1, { status: 'succeeded', output: { item: 0 }, port: 'main' })).toBe(true);
    expect(record(execution.id, '1', 1, { status: 'succeeded', output: { item: 1 }, port: 'main' })).toBe(true);
    expect(record(execution.id, '', 1, { status: 'succeeded', output: { top: true }, port: 'main' })).toBe(true);
    // The same step attempt again is refused (the unique index includes the scope).
    expect(record(execution.id, '1', 1, { status: 'succeeded', output: { again: true }, port: 'main' })).toBe(false);

    const outputs = stepOutputs(store.sqlite, execution.id, [
      { nodeId: 'call', scope: '0' },
      { nodeId: 'call', scope: '1' },
      { nodeId: 'call', scope: '' },
    ]);
    expect(outputs).toEqual(
      new Map<StepKey, unknown>([
        [stepKey('call', '0'), { item: 0 }],
        [stepKey('call', '1'), { item: 1 }],
        [stepKey('call', ''), { top: true }],
      ]),
    );
    expect(listStepRuns(store.sqlite, execution.id).map((step) => [step.scope, step.attempt])).toEqual([
      ['0', 1],
      ['1', 1],
      ['', 1],
    ]);
  });

  it('are retried apart: one scope retrying while the other succeeded, each with its own latest attempt', () => {
    const execution = newExecution();
    record(execution.id, '0', 1, { status: 'succeeded', output: 'a', port: 'main' });
    record(execution.id, '1', 1, { status: 'failed', error: { message: 'boom' }, retryAt: '2030-01-01T00:00:00.000Z' });
    expect(stepStates(store.sqlite, execution.id)).toEqual(
      new Map([
        [stepKey('call', '0'), { status: 'succeeded', attempt: 1, port: 'main' }],
        [stepKey('call', '1'), { status: 'retrying', attempt: 1, retryAt: '2030-01-01T00:00:00.000Z' }],
      ]),
    );
    record(execution.id, '1', 2, { status: 'succeeded', output: 'b', port: 'main' });
    expect(latestAttempt(store.sqlite, { executionId: execution.id, nodeId: 'call', scope: '1' })).toMatchObject({
      attempt: 2,
      status: 'succeeded',
    });
    expect(latestAttempt(store.sqlite, { executionId: execution.id, nodeId: 'call', scope: '0' })).toMatchObject({
      attempt: 1,
    });
  });

  it('are resumed apart: a retry of the run reuses the scopes that succeeded and only those', () => {
    const execution = newExecution();
    record(execution.id, '0', 1, { status: 'succeeded', output: 'a', port: 'main' });
    record(execution.id, '1', 1, { status: 'failed', error: { message: 'boom' } });
    const retry = newExecution();
    expect(copySucceededSteps(store.sqlite, execution.id, retry.id)).toBe(1);
    expect(stepStates(store.sqlite, retry.id)).toEqual(
      new Map([[stepKey('call', '0'), { status: 'succeeded', attempt: 1, port: 'main' }]]),
    );
    expect(listStepRuns(store.sqlite, retry.id)).toMatchObject([{ scope: '0', reused: true, output: 'a' }]);
  });
});
