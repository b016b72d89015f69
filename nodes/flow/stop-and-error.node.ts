import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { template } from '../template.ts';

/** The error a Stop and error node fails its run with: never retried, never handled. */
export class StopAndError extends NonRetryableError {
  override name = 'NonRetryableError';
}

export default defineNode({
  type: 'flow.stop',
  kind: 'flow',
  // It only fails: no effect outside its stored result, so it runs inline in the job that reached it.
  pure: true,
  title: 'Stop and error',
  description: 'Fails the run on purpose, with a message you write.',
  icon: 'octagon-x',
  docs: [
    'Ends the run as failed, with your message as its error, e.g. `Order {{ input.id }} has no customer`. Put it on a branch that should never be taken (after an If that checks the data), so a bad case fails loudly instead of going on quietly.',
    'It is never retried, and its error cannot be handled: its own error handling always stops the run. The run’s error workflow (workflow settings) still runs, as for any failure of a production run.',
  ].join('\n\n'),
  config: z.strictObject({
    message: template('The error, e.g. Order {{ input.id }} has no customer'),
  }),
  // Its failure is its purpose: settings cannot turn it into an output.
  errorSettings: false,
  async execute({ config, ctx }) {
    const message = await ctx.evaluate(config.message);
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    throw new StopAndError(text?.trim() ? text : 'the run was stopped by a Stop and error node');
  },
});
