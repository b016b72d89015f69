import { z } from 'zod';
import { defineNode } from '../define.ts';

export default defineNode({
  type: 'trigger.error',
  kind: 'trigger',
  title: 'Error trigger',
  description: 'Starts a run when a production run of another workflow fails.',
  icon: 'triangle-alert',
  docs: [
    'A workflow that starts with this trigger is an error workflow: name it in another workflow’s settings ("Error workflow") and it runs each time a production run of that workflow fails for good (not for test runs, and not when an error workflow itself fails).',
    'Its payload: `workflow` (`id`, `name`), `execution` (`id`, `url`, `retryOf`), `failedStep` (`nodeId`, `name`; absent when the run failed outside a step, such as its time limit) and `error` (`message`). A run started by "Send a test error" has `test: true` and sample values. Read them as `{{ trigger.error.message }}` or `{{ input.workflow.name }}`.',
  ].join('\n\n'),
  config: z.strictObject({}),
  async execute({ input }) {
    return { output: input };
  },
});
