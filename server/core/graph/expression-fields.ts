import { hasExpressions } from '../../../nodes/template.ts';
import { type JsonSchema, resolve } from './json-schema.ts';

/**
 * The strings of a config that are evaluated as templates, found by its JSON Schema: a string field
 * of `format: "template"`, or any string inside a value whose schema has that format (the HTTP
 * body: free JSON whose strings may use expressions). Code (`format: "javascript"`) and plain text
 * that merely contains "{{" are not expressions. Yields each with its path (`["rules", 0, "left"]`).
 */
export function* expressionFields(
  value: unknown,
  schema: JsonSchema,
  root: JsonSchema = schema,
  path: readonly PropertyKey[] = [],
  inTemplate = false,
): Generator<[readonly PropertyKey[], string]> {
  const own = resolve(schema, root);
  const template = inTemplate || own.format === 'template';
  if (typeof value === 'string') {
    if (template && hasExpressions(value)) yield [path, value];
    return;
  }
  if (Array.isArray(value)) {
    const items = (own.items ?? {}) as JsonSchema;
    for (const [index, item] of value.entries()) yield* expressionFields(item, items, root, [...path, index], template);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const named = (own.properties ?? {}) as Record<string, JsonSchema>;
  const others = typeof own.additionalProperties === 'object' ? (own.additionalProperties as JsonSchema) : {};
  for (const [key, item] of Object.entries(value)) {
    yield* expressionFields(item, named[key] ?? others, root, [...path, key], template);
  }
}
