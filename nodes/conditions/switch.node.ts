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
  outputs: [DEFAULT_PORT],
  outputsFor: (config) => [...config.cases.map((entry) => entry.port), DEFAULT_PORT],
  async execute({ config, input, ctx }) {
    const subject = await ctx.evaluate(config.value);
    for (const entry of config.cases) {
      if (compare(subject, entry.operator, await ctx.evaluate(entry.value))) return { port: entry.port, output: input };
    }
    return { port: DEFAULT_PORT, output: input };
  },
});
