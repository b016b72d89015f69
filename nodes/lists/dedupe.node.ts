import { z } from 'zod';
import { defineNode } from '../define.ts';
import { fieldPath } from '../paths.ts';
import { itemKey } from './keys.ts';
import { listField, readList } from './list-value.ts';

export default defineNode({
  type: 'transform.dedupe',
  kind: 'transform',
  title: 'Remove duplicates',
  description: 'Keeps the first of the items of a list that are the same, by some fields or entirely.',
  icon: 'copy-minus',
  docs: [
    'The list comes from an expression, by default the input itself (`{{ input }}`). The output is the list without its duplicates: of the items that are the same, the first one stays, in its place.',
    'With fields listed (`email`, `customer.id`), items are the same when they have equal values in every one of those fields, whatever their other fields. With none listed, items are the same only when they are equal as a whole.',
    'Values are equal when they are the same JSON: the number `5` and the text `"5"` differ, as do `"Ada"` and `"ada"` (lower-case them with a Set fields node first to ignore case). The order of keys inside objects does not matter. An item without a field counts as having null there, so items missing all the listed fields are the same as each other.',
  ].join('\n\n'),
  config: z.strictObject({
    items: listField('The list to remove duplicates from, e.g. {{ input.contacts }}'),
    fields: z
      .array(fieldPath)
      .max(20)
      .default([])
      .describe('Fields that make two items the same, e.g. email (none: the whole item)'),
  }),
  async execute({ config, ctx }) {
    const items = readList(await ctx.evaluate(config.items), 'items');
    const seen = new Set<string>();
    const output = items.filter((item) => {
      const key = itemKey(item, config.fields);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { output };
  },
});
