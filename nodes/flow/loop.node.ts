import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { template } from '../template.ts';

/** The most items a loop may be set to accept; the server may lower it (a server-wide ceiling). */
export const LOOP_ITEMS_LIMIT = 100_000;

export default defineNode({
  type: 'flow.loop',
  kind: 'flow',
  title: 'Loop over items',
  description: 'Runs the nodes in its frame once for each item of a list, then passes on every result.',
  icon: 'repeat',
  affordances: ['loop-frame'],
  // Only works out its list: the engine then suspends the step (stored `waiting`) while the
  // iterations run, and completes it itself. So it may run inline, in the job that reached it.
  pure: true,
  docs: [
    'The list comes from an expression such as `{{ input.orders }}`. The nodes inside the frame run once per item, with `item` (the element) and `index` (0, 1, …) in their expressions; inside the frame `steps.X` is this iteration’s X.',
    'The frame starts at the node connected to the loop’s `body` port and ends at the one node connected back to the loop. When every item is done, the loop leaves by `done` with the list of each iteration’s end output, in item order.',
    'Concurrency 1 runs the items in order; more runs up to that many at once. A batch size with a pause spaces the items out (for rate-limited APIs). When an item fails: stop the run, skip it (recorded, left out of the output), or collect the error in its place.',
  ].join('\n\n'),
  outputs: ['body', 'done'],
  config: z.strictObject({
    items: template('The list to loop over, e.g. {{ input.orders }}').default('{{ input }}'),
    concurrency: z.number().int().min(1).max(50).default(1).describe('Items run at once (1 = in order)'),
    batchSize: z.number().int().min(1).max(10_000).optional().describe('Items per batch (empty = no batches)'),
    pauseSeconds: z.number().min(0).max(3600).default(0).describe('Pause between batches, in seconds'),
    onItemError: z
      .enum(['stop', 'skip', 'collect'])
      .default('stop')
      .describe('When an item fails: stop the run, skip the item, or collect its error in the output'),
    maxItems: z.number().int().min(1).max(LOOP_ITEMS_LIMIT).default(10_000).describe('Refuse lists longer than this'),
  }),
  async execute({ config, ctx }) {
    const items = await ctx.evaluate(config.items);
    if (!Array.isArray(items)) {
      throw new NonRetryableError(`config.items: expected a list to loop over, got ${describe(items)}`);
    }
    if (items.length > config.maxItems) {
      throw new NonRetryableError(
        `config.items: the list has ${items.length} items, more than this loop's maximum of ${config.maxItems}`,
      );
    }
    // The engine runs the body once per item under its own scope and completes this step by `done`.
    return { output: items, port: 'body' };
  },
});

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}
