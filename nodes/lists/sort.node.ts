import { z } from 'zod';
import { defineNode } from '../define.ts';
import { fieldPath, valueAt } from '../paths.ts';
import { listField, readList } from './list-value.ts';
import { compareKeys, isMissing, orderKey } from './order.ts';

const SortKey = z.strictObject({
  field: fieldPath.describe('The field to sort by, e.g. total or customer.name'),
  direction: z.enum(['ascending', 'descending']).default('ascending').describe('Smallest first, or largest first'),
});

export default defineNode({
  type: 'transform.sort',
  kind: 'transform',
  title: 'Sort',
  description: 'Puts the items of a list in order by one or more of their fields.',
  icon: 'arrow-up-down',
  docs: [
    'The list comes from an expression, by default the input itself (`{{ input }}`); use e.g. `{{ input.orders }}` for a list inside it. The output is the sorted list.',
    'Items are ordered by the first field; items equal there by the second, and so on. Items equal on every field keep the order they came in (the sort is stable). Each field may go ascending or descending.',
    'Values are compared as a spreadsheet would: numbers by size, also when written as text (`"10"` after `"9"`); ISO dates such as `2026-03-01T08:30:00Z` by time; texts alphabetically, with numbers inside them in number order (`item 2` before `item 10`). Where kinds are mixed, numbers come first, then dates, texts, true/false, then lists and objects.',
    'Items without the field (or with null in it) go last, in either direction.',
  ].join('\n\n'),
  config: z.strictObject({
    items: listField('The list to sort, e.g. {{ input.orders }}'),
    keys: z.array(SortKey).min(1).max(20).describe('Fields to sort by, the first one first'),
  }),
  async execute({ config, ctx }) {
    const items = readList(await ctx.evaluate(config.items), 'items');
    // Each item's keys worked out once, not once per comparison.
    const keyed = items.map((item, position) => ({
      item,
      position,
      keys: config.keys.map(({ field }) => {
        const value = valueAt(item, field);
        return isMissing(value) ? undefined : orderKey(value);
      }),
    }));
    keyed.sort((left, right) => {
      for (const [index, { direction }] of config.keys.entries()) {
        const a = left.keys[index];
        const b = right.keys[index];
        // Missing values go last whatever the direction: they are not "small" or "large".
        if (a === undefined || b === undefined) {
          if (a !== b) return a === undefined ? 1 : -1;
          continue;
        }
        const order = compareKeys(a, b);
        if (order !== 0) return direction === 'ascending' ? order : -order;
      }
      // Array.prototype.sort is stable; the position makes it plain rather than relied upon.
      return left.position - right.position;
    });
    return { output: keyed.map(({ item }) => item) };
  },
});
