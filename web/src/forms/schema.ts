/**
 * The JSON Schema shapes node configs use (from zod v4's `z.toJSONSchema`, io: input), read into
 * the few field kinds the form renders. Pure: no React, so it is tested on the real catalogue.
 */
export type JsonSchema = Record<string, unknown>;

export type FieldKind =
  | 'template' // string with `{{ }}` expressions (format: template)
  | 'code' // JavaScript (format: javascript)
  | 'credential' // a stored credential's id (format: credential, with credentialTypes)
  | 'string'
  | 'enum'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'list' // array of objects or scalars
  | 'map' // object with free keys (headers, query)
  | 'object' // object with named properties
  | 'json'; // anything JSON (a recursive anyOf, or no type at all)

/** Follows a local `$ref` (`#/$defs/name`) against the root schema. */
export function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[part];
  return target && typeof target === 'object' ? { ...(target as JsonSchema), ...withoutRef(schema) } : schema;
}

function withoutRef(schema: JsonSchema): JsonSchema {
  const { $ref: _ref, ...rest } = schema;
  return rest;
}

export function fieldKind(input: JsonSchema, root: JsonSchema): FieldKind {
  const schema = resolve(input, root);
  if (Array.isArray(schema.enum)) return 'enum';
  switch (schema.type) {
    case 'string':
      if (schema.format === 'template') return 'template';
      if (schema.format === 'javascript') return 'code';
      if (schema.format === 'credential') return 'credential';
      return 'string';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return 'list';
    case 'object':
      if (schema.properties && typeof schema.properties === 'object') return 'object';
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') return 'map';
      return 'json';
    default:
      return 'json';
  }
}

/** The credential types a credential field takes (`credentialTypes`); undefined: any type. */
export function credentialTypes(schema: JsonSchema): readonly string[] | undefined {
  const types = schema.credentialTypes;
  return Array.isArray(types) && types.every((type) => typeof type === 'string') ? types : undefined;
}

export function properties(schema: JsonSchema): Array<[string, JsonSchema]> {
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
}

export function isRequired(schema: JsonSchema, key: string): boolean {
  return Array.isArray(schema.required) && schema.required.includes(key);
}

/** "timeoutMs" → "Timeout (ms)", "failOnNon2xx" → "Fail on non 2xx". */
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

/**
 * The value a new field, list item or node starts with: its default, or for required parts an
 * empty value of the right shape (lists with a minimum get that many items).
 */
export function initialValue(input: JsonSchema, root: JsonSchema): unknown {
  const schema = resolve(input, root);
  if ('default' in schema) return structuredClone(schema.default);
  const kind = fieldKind(schema, root);
  switch (kind) {
    case 'enum':
      return (schema.enum as unknown[])[0];
    case 'template':
    case 'code':
    case 'credential':
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' && schema.minimum > 0 ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'list': {
      const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const items = (schema.items ?? {}) as JsonSchema;
      return Array.from({ length: count }, () => initialValue(items, root));
    }
    case 'map':
      return {};
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [key, property] of properties(schema)) {
        const resolved = resolve(property, root);
        if ('default' in resolved || isRequired(schema, key)) value[key] = initialValue(property, root);
      }
      return value;
    }
    default:
      return undefined;
  }
}

/** Sets `value` at `path` inside a JSON value, copying along the way; `undefined` removes the key. */
export function setIn(target: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof head === 'number') {
    const list = Array.isArray(target) ? [...target] : [];
    list[head] = setIn(list[head], rest, value);
    return list;
  }
  const object = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  const next = setIn((object as Record<string, unknown>)[head], rest, value);
  if (next === undefined) delete (object as Record<string, unknown>)[head];
  else (object as Record<string, unknown>)[head] = next;
  return object;
}

/** The dot path a Problem's `field` uses for a form path: ["rules", 0, "right"] → "config.rules.0.right". */
export const problemKey = (path: readonly (string | number)[]) => ['config', ...path.map(String)].join('.');
