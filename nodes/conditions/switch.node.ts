import { z } from 'zod';
import { defineNode } from '../define.ts';
import { template } from '../template.ts';
import { compare, Operator, UNARY_OPERATORS } from './operators.ts';

export const DEFAULT_PORT = 'default';

const Case = z
  .strictObject({
    port: z
      .string()
      .min(1)
      .max(60)
      .regex(/^[\w-]+( [\w-]+)*$/, 'letters, digits, "-", "_" and single spaces between words only')
      .describe('Name of the output this case sends to'),
    operator: Operator.default('equals'),
    value: template('Value to compare with').optional(),
  })
  .superRefine((entry, ctx) => {
    if (!UNARY_OPERATORS.has(entry.operator) && entry.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${entry.operator}" needs a value` });
    }
  });

export default defineNode({
  type: 'condition.switch',
  kind: 'condition',
  title: 'Switch',
  description: 'Routes the input to the first case that matches, or to "default".',
  icon: 'signpost',
  docs: [
    'The value (usually an expression such as `{{ input.country }}`) is compared with each case in order; the input leaves by the output of the first case that matches. When none does, it leaves by `default`.',
    'Each case names its own output, and the node grows one connection point per case. The input passes on unchanged.',
  ].join('\n\n'),
  config: z
    .strictObject({
      value: template('The value the cases look at, e.g. {{ input.country }}'),
      cases: z.array(Case).min(1).max(30),
    })
    .superRefine((config, ctx) => {
      const seen = new Set<string>([DEFAULT_PORT]);
      config.cases.forEach((entry, index) => {
        if (seen.has(entry.port)) {
          ctx.addIssue({
            code: 'custom',
            path: ['cases', index, 'port'],
            message: `output "${entry.port}" is used twice (or clashes with "${DEFAULT_PORT}")`,
          });
        }
        seen.add(entry.port);
      });
    }),
  outputsFrom: { list: 'cases', field: 'port' },
  outputs: [DEFAULT_PORT],
  async execute({ config, input, ctx }) {
    const subject = await ctx.evaluate(config.value);
    for (const entry of config.cases) {
      if (compare(subject, entry.operator, await ctx.evaluate(entry.value))) return { port: entry.port, output: input };
    }
    return { port: DEFAULT_PORT, output: input };
  },
});
