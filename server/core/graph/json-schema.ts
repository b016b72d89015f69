/**
 * Reading the JSON Schema of a node's config (zod v4's `z.toJSONSchema`, io: input), as far as the
 * graph rules need it: which field is which and what a person calls it. The editor's forms use the
 * same labels, so a message names a field the way the form shows it.
 */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Follows a local `$ref` (`#/$defs/name`) against the root schema. */
export function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[part];
  if (!target || typeof target !== 'object') return schema;
  const { $ref: _ref, ...rest } = schema;
  return { ...(target as JsonSchema), ...rest };
}

export function properties(schema: JsonSchema): Array<[string, JsonSchema]> {
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
}

/** "timeoutMs" → "Timeout (ms)", "failOnNon2xx" → "Fail on non 2xx"; a schema's `title` wins. */
export function labelFor(key: string, schema?: JsonSchema): string {
  if (typeof schema?.title === 'string') return schema.title;
  const unit = key.match(/(Ms|Mb)$/)?.[1];
  const stem = unit ? key.slice(0, -2) : key;
  const words = stem
    .replace(/([a-z])([A-Z0-9])/g, '$1 $2')
    .replace(/([0-9])([a-z])/gi, '$1$2')
    .toLowerCase();
  const acronyms = words.replace(/\b(url|id|http)\b/g, (word) => word.toUpperCase());
  const label = acronyms.charAt(0).toUpperCase() + acronyms.slice(1);
  return unit ? `${label} (${unit === 'Ms' ? 'ms' : 'MB'})` : label;
}

/** "greaterThanOrEqual" → "greater than or equal"; upper-case values (GET) stay as they are. */
export function enumLabel(value: string): string {
  if (value === value.toUpperCase()) return value;
  return value.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** "Rules" → "rule", "Cases" → "case", "Headers" → "header": what one item of a list is called. */
export function singular(label: string): string {
  const lower = label.toLowerCase();
  return lower.endsWith('ies') ? `${lower.slice(0, -3)}y` : lower.endsWith('s') ? lower.slice(0, -1) : lower;
}
