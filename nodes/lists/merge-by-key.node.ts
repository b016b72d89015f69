import { z } from 'zod';
import { defineNode } from '../define.ts';
import { fieldPath, isPlainObject, valueAt } from '../paths.ts';
import { template } from '../template.ts';
import { keyText } from './keys.ts';
import { listField, readList } from './list-value.ts';
import { isMissing } from './order.ts';

/**
 * The text two keys match by: scalars as text, so the `5` of one system matches the `"5"` of
 * another; lists and objects as their JSON. A missing key matches nothing (as NULL in SQL).
 */
function matchKey(value: unknown): string | undefined {
  if (isMissing(value)) return undefined;
  return typeof value === 'object' ? `json:${keyText(value)}` : `text:${String(value)}`;
}

/** Two matched items as one: the fields of both, the preferred side's value where both have one. */
function combine(left: unknown, right: unknown, prefer: 'left' | 'right'): unknown {
  const leftFields = isPlainObject(left) ? left : { left };
  const rightFields = isPlainObject(right) ? right : { right };
  return prefer === 'left' ? { ...rightFields, ...leftFields } : { ...leftFields, ...rightFields };
}

export default defineNode({
  type: 'transform.mergeByKey',
  kind: 'transform',
  title: 'Merge lists by key',
  description: 'Joins two lists on a key, like a spreadsheet lookup or a database join.',
  icon: 'combine',
  docs: [
    'Both lists come from expressions: the left one by default the input (`{{ input }}`), the right one usually the output of an earlier step on the way here, e.g. `{{ steps["Fetch customers"].output }}`. An item of the left list matches an item of the right one when its left key field (`customerId`) equals the right one’s key field (`id`).',
    'Keys are compared as text, so `5` matches `"5"`; an item without a key matches nothing.',
    '"Inner" gives one combined item per matching pair, only for items that match. "Left" keeps every left item: combined with each of its matches, or alone when it has none. "Full outer" is "left" plus the right items nothing matched, at the end. "Enrich left" gives exactly one item per left item, in order: combined with its first match, or alone.',
    'A combined item has the fields of both. Where both have a field of the same name, "on the same field" decides whose value stays: the left item’s (the default, so a left `id` is not overwritten by the right item’s) or the right one’s. Only top-level fields are merged; an item that is not an object is put under `left` or `right`.',
    'The output lists the left items in their order, each followed by its matches in the right list’s order.',
  ].join('\n\n'),
  config: z.strictObject({
    left: listField('The left list, e.g. {{ input.orders }}'),
    right: template('The right list, e.g. {{ steps["Fetch customers"].output }}').min(1),
    leftKey: fieldPath.default('id').describe('The key field of the left items, e.g. customerId'),
    rightKey: fieldPath.default('id').describe('The key field of the right items, e.g. id'),
    mode: z
      .enum(['inner', 'left', 'fullOuter', 'enrichLeft'])
      .default('enrichLeft')
      .describe('Which items to output (see the help)'),
    prefer: z
      .enum(['left', 'right'])
      .default('left')
      .describe('On the same field in both: keep the left value or the right one'),
  }),
  async execute({ config, ctx }) {
    const { left: leftValue, right: rightValue } = (await ctx.evaluate({ left: config.left, right: config.right })) as {
      left: unknown;
      right: unknown;
    };
    const left = readList(leftValue, 'left');
    const right = readList(rightValue, 'right');
    // The right items by key, in their order: one pass over each list, not one per pair.
    const byKey = new Map<string, number[]>();
    for (const [position, item] of right.entries()) {
      const key = matchKey(valueAt(item, config.rightKey));
      if (key === undefined) continue;
      const positions = byKey.get(key);
      if (positions) positions.push(position);
      else byKey.set(key, [position]);
    }
    const matched = new Set<number>();
    const output: unknown[] = [];
    for (const item of left) {
      const key = matchKey(valueAt(item, config.leftKey));
      const matches = (key === undefined ? undefined : byKey.get(key)) ?? [];
      const taken = config.mode === 'enrichLeft' ? matches.slice(0, 1) : matches;
      for (const position of taken) {
        matched.add(position);
        output.push(combine(item, right[position], config.prefer));
      }
      if (taken.length === 0 && config.mode !== 'inner') output.push(item);
    }
    if (config.mode === 'fullOuter') {
      for (const [position, item] of right.entries()) if (!matched.has(position)) output.push(item);
    }
    return { output };
  },
});
