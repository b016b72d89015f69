import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { fieldPath, isPlainObject, setAtPath, valueAt } from '../paths.ts';
import { template } from '../template.ts';
import { describeValue, MAX_LIST_ITEMS } from './list-value.ts';

/** A copy of `parent` without the value at `path` (the list being split out). */
function without(parent: Record<string, unknown>, path: string): Record<string, unknown> {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  const { [head]: child, ...others } = parent;
  if (rest.length === 0) return others;
  return isPlainObject(child) ? { ...others, [head]: without(child, rest.join('.')) } : parent;
}

export default defineNode({
  type: 'transform.splitOut',
  kind: 'transform',
  title: 'Split out',
  description: 'Turns a list inside an object (an order’s lines) into a list of its own, one item per element.',
  icon: 'ungroup',
  docs: [
    'The source comes from an expression, by default the input itself (`{{ input }}`): one object, or a list of objects whose lists are split out one after the other. "List field" names the list inside it, e.g. `lines` or `order.lines`. The output is a list with one item per element.',
    'Without "keep parent fields" the items are the elements themselves. With it, each item also carries the parent’s other fields (not the list): an element that is an object is spread over them (its fields win over the parent’s of the same name), any other element takes the list’s place. `{ "id": 7, "tags": ["a", "b"] }` split on `tags` gives `[{ "id": 7, "tags": "a" }, { "id": 7, "tags": "b" }]`.',
    '"Put element in" names a field to hold each element instead (e.g. `line`), with the parent’s fields beside it when they are kept.',
    'A parent without the field, or with null in it, contributes no items; a field holding something other than a list fails the step.',
  ].join('\n\n'),
  config: z.strictObject({
    source: template('The object (or list of objects) holding the list, e.g. {{ input.order }}').default('{{ input }}'),
    field: fieldPath.default('items').describe('The list field to split out, e.g. lines or order.lines'),
    keepParentFields: z
      .boolean()
      .default(false)
      .describe("Copy the parent's other fields onto every item (true) or output the elements alone (false)"),
    into: fieldPath.optional().describe('A field to put each element in, e.g. line (empty: see the help)'),
  }),
  async execute({ config, ctx }) {
    const source = await ctx.evaluate(config.source);
    const parents = Array.isArray(source) ? source : [source];
    const output: unknown[] = [];
    for (const [position, parent] of parents.entries()) {
      if (!isPlainObject(parent)) {
        const where = Array.isArray(source) ? `item ${position} of the list is` : 'got';
        throw new NonRetryableError(
          `config.source: expected an object (or a list of objects), ${where} ${describeValue(parent)}`,
        );
      }
      const list = valueAt(parent, config.field);
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        throw new NonRetryableError(
          `config.field: "${config.field}" should hold a list, but holds ${describeValue(list)}`,
        );
      }
      if (output.length + list.length > MAX_LIST_ITEMS) {
        throw new NonRetryableError(`config.field: more than the ${MAX_LIST_ITEMS} items a list node gives`);
      }
      const base = config.keepParentFields ? without(parent, config.field) : {};
      for (const element of list) output.push(shape(element, base, config));
    }
    return { output };
  },
});

function shape(
  element: unknown,
  base: Record<string, unknown>,
  config: { keepParentFields: boolean; field: string; into?: string | undefined },
): unknown {
  if (config.into !== undefined) return setAtPath(base, config.into, element);
  if (isPlainObject(element)) return { ...base, ...element };
  return config.keepParentFields ? setAtPath(base, config.field, element) : element;
}
