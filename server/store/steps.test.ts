import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore } from '../testing.ts';
import { insertExecution } from './executions.ts';
import { claimStepRun, finishStepRun, latestAttempt, latestResults, stepStates } from './steps.ts';
import { insertWorkflow } from './workflows.ts';

let store: ReturnType<typeof tempStore>;
beforeEach(() => {
  store = tempStore();
});
afterEach(() => store.cleanup());

describe('the latest attempt of a step', () => {
  it('is the highest attempt, whatever order the rows were written in', () => {
    const workflow = insertWorkflow(store.db, { name: 'W', draft: { nodes: [], edges: [] } });
    const execution = insertExecution(store.sqlite, {
      workflowId: workflow.id,
      versionId: null,
      trigger: 'manual',
      triggerPayload: {},
    });
    const claim = (attempt: number) =>
      claimStepRun(store.sqlite, {
        executionId: execution.id,
        nodeId: 'call',
        attempt,
        workerId: 'w',
        jobId: `job-${attempt}`,
        input: {},
        truncated: false,
      });
    // Attempt 3 is written before attempt 2 (e.g. copied rows, or a retry racing a late finish).
    claim(1);
    finishStepRun(store.sqlite, execution.id, 'call', 1, { status: 'failed', error: {}, retryAt: 'x' });
    claim(3);
    claim(2);
    finishStepRun(store.sqlite, execution.id, 'call', 2, { status: 'succeeded', output: { n: 2 }, port: 'main' });

    expect(latestAttempt(store.sqlite, execution.id, 'call')).toMatchObject({ attempt: 3, jobId: 'job-3' });
    expect(stepStates(store.sqlite, execution.id).get('call')).toEqual({ status: 'running', attempt: 3 });
    finishStepRun(store.sqlite, execution.id, 'call', 3, { status: 'succeeded', output: { n: 3 }, port: 'main' });
    const results = latestResults(store.sqlite, execution.id, ['call', 'call', 'missing']);
    expect(results.states).toEqual(new Map([['call', { status: 'succeeded', attempt: 3, port: 'main' }]]));
    expect(results.outputs).toEqual(new Map([['call', { n: 3 }]]));
  });
});
