import { z } from 'zod';
import { compare, Operator } from '../conditions/operators.ts';
import { requireOperand } from '../conditions/rule.ts';
import { defineNode } from '../define.ts';
import { fieldPath, valueAt } from '../paths.ts';
import { template } from '../template.ts';
import { listField, readList } from './list-value.ts';

/**
 * One test of an item: `<the item's field> <operator> <value>`, with the If node's operators.
 * The item's side is a field path, not an expression: expressions are evaluated by the sandbox once
 * per step with `input`, `trigger` and `steps` in scope, and have no `item` to refer to.
 */
const ItemRule = z
  .strictObject({
    field: fieldPath.describe("The item's field to test, e.g. status or customer.email"),
    operator: Operator.default('equals'),
    value: template('Value to compare with, e.g. paid or {{ steps.Settings.output.minTotal }}').optional(),
  })
  .superRefine((rule, ctx) => requireOperand(rule.operator, rule.value, ctx, 'value'));

export default defineNode({
  type: 'transform.filter',
  kind: 'transform',
  title: 'Filter',
  description: 'Keeps the items of a list that pass a set of rules, like an If for each item.',
  icon: 'filter',
  docs: [
    'The list comes from an expression, by default the input itself (`{{ input }}`); use e.g. `{{ input.orders }}` for a list inside it. The output is the list of the items that pass, in their original order.',
    'Each rule tests a field of the item, named by its path (`status`, `customer.email`, `lines.0.sku`), with the same operators as the If node: `"5"` equals `5`, "greater than" compares numbers (also written as text) or texts. With "all" an item passes when every rule holds; with "any", when one does.',
    'The value to compare with may be an expression such as `{{ steps.Settings.output.minTotal }}`: it is worked out once for the step (with `input`, `trigger` and `steps` in scope), not per item.',
    'To keep the items that fail instead, use the opposite operator ("not equals", "is not empty", …).',
  ].join('\n\n'),
  config: z.strictObject({
    items: listField('The list to filter, e.g. {{ input.orders }}'),
    combine: z.enum(['all', 'any']).default('all').describe('Keep an item when all rules hold, or when any one does'),
    rules: z.array(ItemRule).min(1).max(50),
  }),
  async execute({ config, ctx }) {
    const items = readList(await ctx.evaluate(config.items), 'items');
    // Every rule's value in one evaluation: one trip to the sandbox, whatever the list's length.
    const values = (await ctx.evaluate(config.rules.map((rule) => rule.value))) as unknown[];
    const holds = (item: unknown) => (rule: z.output<typeof ItemRule>, index: number) =>
      compare(valueAt(item, rule.field), rule.operator, values[index]);
    const passes = (item: unknown) =>
      config.combine === 'all' ? config.rules.every(holds(item)) : config.rules.some(holds(item));
    return { output: items.filter(passes) };
  },
});
