import { z } from 'zod';
import { asNumber } from '../conditions/operators.ts';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { fieldPath, setAtPath, valueAt } from '../paths.ts';
import { itemKey } from './keys.ts';
import { describeValue, listField, readList } from './list-value.ts';
import { compareValues, isMissing } from './order.ts';

const OPERATIONS = ['count', 'sum', 'average', 'min', 'max', 'collect'] as const;
/** Operations that read a field of every item; `count` and `collect` also work on whole items. */
const NEEDS_FIELD: ReadonlySet<string> = new Set(['sum', 'average', 'min', 'max']);

const Operation = z
  .strictObject({
    operation: z.enum(OPERATIONS).default('count'),
    field: fieldPath.optional().describe('The field it works on, e.g. total (count and collect: empty = whole items)'),
    as: fieldPath.optional().describe('Name of the result in the output (empty: e.g. sum_total, count)'),
  })
  .superRefine((entry, ctx) => {
    if (NEEDS_FIELD.has(entry.operation) && entry.field === undefined) {
      ctx.addIssue({ code: 'custom', path: ['field'], message: `is needed to work out a ${entry.operation}` });
    }
  });
type Operation = z.output<typeof Operation>;

/** Where an operation's result goes: its `as`, else the operation and the field, as n8n's Summarize names them. */
const resultName = (entry: Operation): string =>
  entry.as ?? (entry.field === undefined ? entry.operation : `${entry.operation}_${entry.field.replaceAll('.', '_')}`);

export default defineNode({
  type: 'transform.aggregate',
  kind: 'transform',
  title: 'Aggregate',
  description: 'Counts, sums, averages or collects the items of a list, overall or per group.',
  icon: 'sigma',
  docs: [
    'The list comes from an expression, by default the input itself (`{{ input }}`). Each operation works out one result over the items and names it: count (items, or items with the field set), sum, average, min, max, or collect (the field’s values as a list, or the whole items when no field is named).',
    'Without group-by fields the output is one object, e.g. `{ "count": 12, "sum_total": 340.5 }`, also for an empty list (count and sum 0, average, min and max null, collect []). With group-by fields (`customer.id`, `status`) the output is a list with one object per distinct combination of their values, in the order each first appears: the group-by fields at their paths, then the results, e.g. `[{ "status": "paid", "count": 9 }, { "status": "open", "count": 3 }]`. A result named like a group-by field replaces it.',
    'Sum and average take numbers, also written as text (`"12.5"`); missing or null values are left out (an average of the values present), and any other value fails the step, naming the item. Min and max order values as the Sort node does (numbers, dates, texts).',
    'Results are named by "as", or else by the operation and the field: `sum_total`, `average_price`, `count`.',
  ].join('\n\n'),
  config: z.strictObject({
    items: listField('The list to aggregate, e.g. {{ input.orders }}'),
    groupBy: z
      .array(fieldPath)
      .max(10)
      .default([])
      .describe('Fields whose values form the groups, e.g. customer.id (none: one result for the whole list)'),
    operations: z
      .array(Operation)
      .min(1)
      .max(50)
      .default([{ operation: 'count' }])
      .describe('What to work out over each group'),
  }),
  async execute({ config, ctx }) {
    const items = readList(await ctx.evaluate(config.items), 'items');
    // The results written in order on top of `base`, so a later one (or a result named like a
    // group-by field) replaces what is at its path.
    const results = (members: readonly unknown[], base: Record<string, unknown> = {}) =>
      config.operations.reduce(
        (output, entry, index) => setAtPath(output, resultName(entry), apply(entry, index, members)),
        base,
      );
    if (config.groupBy.length === 0) return { output: results(items) };
    // Groups in the order they first appear, keyed by their values as JSON.
    const groups = new Map<string, unknown[]>();
    for (const item of items) {
      const key = itemKey(item, config.groupBy);
      const members = groups.get(key);
      if (members) members.push(item);
      else groups.set(key, [item]);
    }
    const output = [...groups.values()].map((members) => {
      const group = config.groupBy.reduce<Record<string, unknown>>(
        (object, field) => setAtPath(object, field, valueAt(members[0], field) ?? null),
        {},
      );
      return results(members, group);
    });
    return { output };
  },
});

function apply(entry: Operation, index: number, members: readonly unknown[]): unknown {
  const field = entry.field;
  const values = field === undefined ? [...members] : members.map((item) => valueAt(item, field));
  const present = values.filter((value) => !isMissing(value));
  switch (entry.operation) {
    case 'count':
      return present.length;
    case 'collect':
      return present;
    case 'min':
    case 'max': {
      if (present.length === 0) return null;
      const sign = entry.operation === 'min' ? 1 : -1;
      return present.reduce((best, value) => (sign * compareValues(value, best) < 0 ? value : best));
    }
    case 'sum':
    case 'average': {
      const numbers = values.flatMap((value) => {
        if (isMissing(value)) return [];
        const number = asNumber(value);
        if (number === undefined) {
          throw new NonRetryableError(
            `config.operations.${index}: the ${entry.operation} of "${field}" needs numbers, but an item has ${describeValue(value)}`,
          );
        }
        return [number];
      });
      const sum = numbers.reduce((total, number) => total + number, 0);
      if (entry.operation === 'sum') return sum;
      return numbers.length === 0 ? null : sum / numbers.length;
    }
  }
}
