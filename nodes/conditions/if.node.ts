import { z } from 'zod';
import { defineNode } from '../define.ts';
import { compare } from './operators.ts';
import { Rule } from './rule.ts';

export default defineNode({
  type: 'condition.if',
  kind: 'condition',
  title: 'If',
  description: 'Sends the input to "true" or "false" depending on a set of rules.',
  icon: 'split',
  docs: [
    'Each rule compares a left value with a right one (both may be expressions such as `{{ input.total }}`). With "all" the input leaves by `true` when every rule holds; with "any", when one does. Otherwise it leaves by `false`.',
    'The input passes on unchanged: an If only chooses the branch.',
  ].join('\n\n'),
  config: z.strictObject({
    combine: z.enum(['all', 'any']).default('all').describe('Pass when all rules hold, or when any one does'),
    rules: z.array(Rule).min(1).max(50),
  }),
  outputs: ['true', 'false'],
  async execute({ config, input, ctx }) {
    const results: boolean[] = [];
    for (const rule of config.rules) {
      results.push(compare(await ctx.evaluate(rule.left), rule.operator, await ctx.evaluate(rule.right)));
    }
    const pass = config.combine === 'all' ? results.every(Boolean) : results.some(Boolean);
    return { port: pass ? 'true' : 'false', output: input };
  },
});
