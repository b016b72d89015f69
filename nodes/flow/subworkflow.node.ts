import { z } from 'zod';
import { defineNode } from '../define.ts';

/**
 * The workflow a step calls, by id. The JSON Schema says `format: 'workflow'`, so the editor offers
 * workflows by name (with a link to open the one chosen) instead of a box for a UUID; parsing
 * stays a plain non-empty string: the workflow is looked up when the step runs.
 */
const workflowRef = z
  .string()
  .min(1, 'choose the workflow to run')
  .meta({ format: 'workflow', description: 'The workflow to run' });

/** `published`, or a version number; `format: 'workflow-version'` lets the editor list the chosen workflow's versions. */
const versionRef = z
  .union([z.literal('published'), z.number().int().min(1)])
  .default('published')
  .meta({ format: 'workflow-version', description: 'Which version runs: the published one, or a fixed number' });

export default defineNode({
  type: 'flow.subworkflow',
  kind: 'flow',
  title: 'Run workflow',
  description: 'Runs another workflow with an input and passes on its result, or starts it without waiting.',
  icon: 'link',
  docs: [
    'Runs the chosen workflow as a sub-workflow, its published version or a fixed one, whatever its trigger: the input (by default `{{ input }}`) becomes its trigger payload, as if it had been started by hand with it.',
    '"Wait for its result" (the default) suspends this step without holding a worker until the sub-workflow ends: its result is the output of its last succeeded step in graph order (a step after everything that feeds it, ties by the order nodes were added). If the sub-workflow fails or is canceled, this step fails with its error and a link to its run; retrying this run from the failure starts a new sub-workflow run.',
    '"Start and go on" outputs `{ executionId }` at once and does not follow the sub-workflow.',
    'Workflows that call each other in a circle are refused when a version is saved or published; at run time calls nest at most `SUBWORKFLOW_MAX_DEPTH` deep (10 unless the server says otherwise).',
  ].join('\n\n'),
  config: z.strictObject({
    workflowId: workflowRef,
    version: versionRef,
    // format "template" on free JSON: strings inside are templates (server/core/graph/expression-fields.ts).
    input: z
      .json()
      .default('{{ input }}')
      .describe('The sub-workflow’s trigger payload: JSON whose strings may use expressions')
      .meta({ format: 'template' }),
    mode: z
      .enum(['wait', 'start'])
      .default('wait')
      .describe('wait: pass on its result when it ends; start: output { executionId } at once'),
  }),
  async execute({ config, ctx }) {
    const input = await ctx.evaluate(config.input);
    const child = await ctx.startWorkflow({ workflowId: config.workflowId, version: config.version, input });
    if (config.mode === 'start') return { output: { executionId: child.executionId } };
    // Suspended until the child run ends: server/engine/subworkflows.ts resumes this step with its result.
    return {
      output: { executionId: child.executionId },
      wait: { kind: 'subworkflow', executionId: child.executionId, workflowName: child.workflowName },
    };
  },
});
