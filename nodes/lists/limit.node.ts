import { z } from 'zod';
import { defineNode } from '../define.ts';
import { listField, readList } from './list-value.ts';

export default defineNode({
  type: 'transform.limit',
  kind: 'transform',
  title: 'Limit',
  description: 'Keeps only the first or the last few items of a list.',
  icon: 'list-end',
  docs: [
    'The list comes from an expression, by default the input itself (`{{ input }}`). The output is a list of at most "count" items: the first ones, or the last ones, in their original order.',
    'A list shorter than the count passes on whole; a count of 0 gives an empty list. Put a Sort before it for "the 10 largest orders".',
  ].join('\n\n'),
  config: z.strictObject({
    items: listField('The list to shorten, e.g. {{ input.orders }}'),
    count: z.number().int().min(0).max(100_000).default(10).describe('How many items to keep'),
    keep: z.enum(['first', 'last']).default('first').describe('Keep the first items or the last ones'),
  }),
  async execute({ config, ctx }) {
    const items = readList(await ctx.evaluate(config.items), 'items');
    if (config.count === 0) return { output: [] };
    return { output: config.keep === 'first' ? items.slice(0, config.count) : items.slice(-config.count) };
  },
});
