import { z } from 'zod';
import { defineNode } from '../define.ts';
import { fieldPath, isPlainObject, setAtPath } from '../paths.ts';
import { template } from '../template.ts';

export default defineNode({
  type: 'transform.set',
  kind: 'transform',
  title: 'Set fields',
  description: 'Maps fields with expressions, on top of the input or into a fresh object.',
  icon: 'pencil-line',
  docs: [
    'Each field writes a value at a dot path such as `customer.email`; values may be expressions, e.g. `{{ input.email.toLowerCase() }}` or `{{ steps.Lookup.output.id }}`. Fields are written in order, so a later one may overwrite an earlier one.',
    'With "keep input" the fields are written on top of a copy of the input; without it the output holds only these fields.',
  ].join('\n\n'),
  config: z.strictObject({
    fields: z
      .array(
        z.strictObject({
          path: fieldPath.describe('Where the value goes, e.g. customer.email'),
          value: template('The value, e.g. {{ input.email.toLowerCase() }}'),
        }),
      )
      .max(200)
      .default([]),
    keepInput: z.boolean().default(true).describe('Start from the input (true) or from an empty object (false)'),
  }),
  async execute({ config, input, ctx }) {
    let output: Record<string, unknown> = config.keepInput && isPlainObject(input) ? input : {};
    for (const field of config.fields) {
      output = setAtPath(output, field.path, await ctx.evaluate(field.value));
    }
    return { output };
  },
});
