import { describe, expect, it } from 'vitest';
import type { WorkflowRunRequest } from '../define.ts';
import { answeringTemplates, testContext } from '../testing/context.ts';
import subworkflow from './subworkflow.node.ts';

/** A context whose `startWorkflow` records what it was asked and answers a fixed run. */
function calling(answers: Record<string, unknown> = {}) {
  const asked: WorkflowRunRequest[] = [];
  const ctx = testContext({
    evaluate: answeringTemplates(answers).evaluate,
    startWorkflow: async (request) => {
      asked.push(request);
      return { executionId: 'child-1', workflowName: 'Enrich' };
    },
  });
  return { ctx, asked };
}

describe('flow.subworkflow', () => {
  it('defaults to the published version, the whole input, and waiting for the result', () => {
    expect(subworkflow.config.parse({ workflowId: 'wf-1' })).toEqual({
      workflowId: 'wf-1',
      version: 'published',
      input: '{{ input }}',
      mode: 'wait',
    });
  });

  it('takes a version number, and refuses a missing workflow, version 0 and unknown keys, naming the field', () => {
    expect(subworkflow.config.parse({ workflowId: 'wf-1', version: 3 }).version).toBe(3);
    const problems = (config: unknown) =>
      subworkflow.config.safeParse(config).error?.issues.map((issue) => issue.path.join('.'));
    expect(problems({})).toEqual(['workflowId']);
    expect(problems({ workflowId: 'wf-1', version: 0 })).toEqual(['version']);
    expect(problems({ workflowId: 'wf-1', version: 'latest' })).toEqual(['version']);
    expect(problems({ workflowId: 'wf-1', extra: true })).toEqual(['']);
  });

  it('says in its JSON Schema that the editor offers workflows and their versions', () => {
    const schema = JSON.stringify(subworkflow.config.toJSONSchema?.() ?? {});
    expect(schema).toContain('"format":"workflow"');
    expect(schema).toContain('"format":"workflow-version"');
  });

  it('waiting: starts the child with the mapped input and suspends on it', async () => {
    const { ctx, asked } = calling({ '{{ input.order }}': { id: 7 } });
    const config = subworkflow.config.parse({ workflowId: 'wf-1', version: 2, input: { order: '{{ input.order }}' } });
    const result = await subworkflow.execute({ config, input: { order: { id: 7 } }, ctx });
    expect(asked).toEqual([{ workflowId: 'wf-1', version: 2, input: { order: { id: 7 } } }]);
    expect(result).toEqual({
      output: { executionId: 'child-1' },
      wait: { kind: 'subworkflow', executionId: 'child-1', workflowName: 'Enrich' },
    });
  });

  it('starting: outputs the child’s execution id at once, without suspending', async () => {
    const { ctx } = calling({ '{{ input }}': { a: 1 } });
    const config = subworkflow.config.parse({ workflowId: 'wf-1', mode: 'start' });
    expect(await subworkflow.execute({ config, input: { a: 1 }, ctx })).toEqual({ output: { executionId: 'child-1' } });
  });
});
