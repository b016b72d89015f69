import { enumLabel, labelFor, properties, resolve } from '../../../server/core/graph/json-schema.ts';

/**
 * The JSON Schema shapes node configs use (from zod v4's `z.toJSONSchema`, io: input), read into
 * the few field kinds the form renders. Pure: no React, so it is tested on the real catalogue.
 */

// Shared with the graph rules, so a problem names a field exactly as the form labels it.
export { enumLabel, labelFor, properties, resolve };

export type JsonSchema = Record<string, unknown>;

export type FieldKind =
  | 'template' // string with `{{ }}` expressions (format: template)
  | 'code' // JavaScript (format: javascript) or SQL (format: sql)
  | 'credential' // a stored credential's id (format: credential, with credentialTypes)
  | 'workflow' // a workflow's id, picked by name (format: workflow)
  | 'workflow-version' // 'published' or a version number of the sibling workflowId (format: workflow-version)
  | 'string'
  | 'enum'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'list' // array of objects or scalars
  | 'map' // object with free keys (headers, query)
  | 'object' // object with named properties
  | 'union' // one of several shapes (anyOf / oneOf / a list of types): pick the variant, then its fields
  | 'const' // a single fixed value (a discriminated union's tag)
  | 'json'; // anything JSON (a recursive anyOf, or no type at all)

export function fieldKind(input: JsonSchema, root: JsonSchema): FieldKind {
  const schema = resolve(input, root);
  if (Array.isArray(schema.enum) || literalValues(schema) !== undefined) return 'enum';
  if ('const' in schema) return 'const';
  if (schema.format === 'workflow-version') return 'workflow-version';
  if (variantsOf(schema) !== undefined) return isRecursive(input, root) ? 'json' : 'union';
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((type) => type !== 'null');
    // `T | null` reads as T (null is what an empty field means); several types are a union.
    return types.length === 1 ? fieldKind({ ...schema, type: types[0] }, root) : types.length > 1 ? 'union' : 'json';
  }
  switch (schema.type) {
    case 'string':
      if (schema.format === 'template') return 'template';
      if (schema.format === 'javascript' || schema.format === 'sql') return 'code';
      if (schema.format === 'credential') return 'credential';
      if (schema.format === 'workflow') return 'workflow';
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

/** A schema that refers back to itself (zod's `z.json()`): any JSON, edited as text. */
function isRecursive(input: JsonSchema, root: JsonSchema): boolean {
  const own = JSON.stringify(variantsOf(resolve(input, root)));
  return [...own.matchAll(/"\$ref":"(#\/[^"]+)"/g)].some(
    ([, ref]) => JSON.stringify(variantsOf(resolve({ $ref: ref }, root))) === own,
  );
}

/** The values an enum field offers: `enum`, or a union of constants (`anyOf: [{ const }, …]`). */
export function enumValues(schema: JsonSchema): readonly unknown[] {
  return Array.isArray(schema.enum) ? schema.enum : (literalValues(schema) ?? []);
}

/**
 * What an enum field's picker shows for `value`: the title its constant carries in a union of
 * constants (`z.literal('tls').meta({ title: 'TLS from the start' })`), else the value in words.
 */
export function enumOptionLabel(schema: JsonSchema, value: unknown): string {
  const titled = variantsOf(schema)?.find((variant) => variant.const === value)?.title;
  return typeof titled === 'string' ? titled : enumLabel(String(value));
}

function literalValues(schema: JsonSchema): unknown[] | undefined {
  const variants = variantsOf(schema);
  return variants?.every((variant) => 'const' in variant) ? variants.map((variant) => variant.const) : undefined;
}

/** The shapes a union allows (`oneOf`, `anyOf`, or `type: [...]`), in order; undefined when it is none. */
export function variantsOf(schema: JsonSchema): JsonSchema[] | undefined {
  const listed = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (Array.isArray(listed) && listed.length > 0) return listed;
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((type) => type !== 'null');
    if (types.length > 1) return types.map((type) => ({ type }));
  }
  return undefined;
}

/** One variant of a union as the form offers it: its resolved schema and what the picker calls it. */
export interface Variant {
  readonly schema: JsonSchema;
  readonly label: string;
}

/**
 * The property whose constant names the variant (a zod discriminated union's tag, e.g. `kind`),
 * when every variant is an object that has one and no two share its value.
 */
export function discriminatorOf(variants: readonly JsonSchema[], root: JsonSchema): string | undefined {
  const objects = variants.map((variant) => resolve(variant, root));
  const first = objects[0];
  if (!first || objects.some((object) => object.type !== 'object')) return undefined;
  const constOf = (object: JsonSchema, key: string) =>
    resolve(((object.properties ?? {}) as Record<string, JsonSchema>)[key] ?? {}, root).const;
  return properties(first)
    .map(([key]) => key)
    .find((key) => {
      const values = objects.map((object) => constOf(object, key));
      return values.every((value) => value !== undefined) && new Set(values.map(String)).size === values.length;
    });
}

const TYPE_LABELS: Record<string, string> = {
  string: 'Text',
  number: 'Number',
  integer: 'Whole number',
  boolean: 'Yes / no',
  array: 'List',
  object: 'Object',
};

/** A union's variants with their labels: the tag's value, else a title, else what the variant holds. */
export function unionVariants(schema: JsonSchema, root: JsonSchema): Variant[] {
  const variants = (variantsOf(schema) ?? []).map((variant) => resolve(variant, root));
  const tag = discriminatorOf(variants, root);
  return variants.map((variant, index) => {
    const tagSchema = tag ? resolve(((variant.properties ?? {}) as Record<string, JsonSchema>)[tag] ?? {}, root) : {};
    const label =
      (typeof variant.title === 'string' && variant.title) ||
      (tag && enumLabel(String(tagSchema.const))) ||
      (variant.type === 'object' && properties(variant).length > 0
        ? properties(variant)
            .map(([key, property], position) => {
              const name = labelFor(key, resolve(property, root));
              // "Path, host", but "URL" stays as it is.
              return position > 0 && /^[A-Z][a-z]/.test(name) ? name.toLowerCase() : name;
            })
            .join(', ')
        : TYPE_LABELS[String(variant.type)]) ||
      `Option ${index + 1}`;
    return { schema: variant, label: label.charAt(0).toUpperCase() + label.slice(1) };
  });
}

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;

function fits(value: unknown, schema: JsonSchema, root: JsonSchema): boolean {
  if ('const' in schema) return schema.const === value;
  if (schema.type === undefined) return true; // a nested union or anything: not looked into
  const type = jsonType(value);
  const allowed = Array.isArray(schema.type) ? (schema.type as string[]) : [String(schema.type)];
  if (!allowed.includes(type) && !(type === 'integer' && allowed.includes('number'))) return false;
  if (type !== 'object') return true;
  const object = value as Record<string, unknown>;
  const known = properties(schema).map(([key]) => key);
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return (
    required.every((key) => key in object && fits(object[key], resolve(schemaAt(schema, key), root), root)) &&
    (schema.additionalProperties !== false || Object.keys(object).every((key) => known.includes(key)))
  );
}

const schemaAt = (schema: JsonSchema, key: string) =>
  ((schema.properties ?? {}) as Record<string, JsonSchema>)[key] ?? {};

/**
 * Which variant a value is: by its tag when the union has one, else the first whose type (and, for
 * objects, required and allowed keys) it fits; -1 when none does (no value yet, or a stale one).
 */
export function variantIndex(value: unknown, variants: readonly Variant[], root: JsonSchema): number {
  const tag = discriminatorOf(
    variants.map((variant) => variant.schema),
    root,
  );
  if (tag) {
    const current = (value as Record<string, unknown> | undefined)?.[tag];
    return variants.findIndex((variant) => resolve(schemaAt(variant.schema, tag), root).const === current);
  }
  const exact = variants.findIndex((variant) => fits(value, variant.schema, root));
  if (exact >= 0) return exact;
  return variants.findIndex((variant) => variant.schema.type === jsonType(value));
}

/**
 * The value after the user picks another variant: the new variant's starting value, keeping every
 * field the old value had that the new variant has too (and a scalar that fits it as it is).
 */
export function switchVariant(value: unknown, to: Variant, root: JsonSchema): unknown {
  const start = initialValue(to.schema, root);
  if (to.schema.type !== 'object') return value !== undefined && fits(value, to.schema, root) ? value : start;
  const next = { ...(start as Record<string, unknown>) };
  const old = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  for (const [key, property] of properties(to.schema)) {
    if (key in old && !('const' in resolve(property, root))) next[key] = old[key];
  }
  return next;
}

/** The credential types a credential field takes (`credentialTypes`); undefined: any type. */
export function credentialTypes(schema: JsonSchema): readonly string[] | undefined {
  const types = schema.credentialTypes;
  return Array.isArray(types) && types.every((type) => typeof type === 'string') ? types : undefined;
}

export function isRequired(schema: JsonSchema, key: string): boolean {
  return Array.isArray(schema.required) && schema.required.includes(key);
}

/**
 * The value a new field, list item or node starts with: its default, or for required parts an
 * empty value of the right shape (lists with a minimum get that many items).
 */
export function initialValue(input: JsonSchema, root: JsonSchema): unknown {
  const schema = resolve(input, root);
  if ('default' in schema) return structuredClone(schema.default);
  const kind = fieldKind(input, root);
  switch (kind) {
    case 'enum':
      return enumValues(schema)[0];
    case 'const':
      return schema.const;
    case 'union': {
      const first = unionVariants(schema, root)[0];
      return first ? initialValue(first.schema, root) : undefined;
    }
    case 'template':
    case 'code':
    case 'credential':
    case 'workflow':
      return '';
    case 'workflow-version':
      return 'published';
    case 'string':
      // A new schedule starts valid, every day at 09:00 (what the cron field's simple mode shows first).
      return schema.format === 'cron' ? '0 9 * * *' : '';
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

/**
 * Whether a field shows, given its siblings' values: a field whose schema carries
 * `showWhen: { <sibling>: [values…] }` (set with zod's `.meta()`, e.g. a Wait's approval fields under
 * `mode: ['approval']`) shows only while each named sibling holds one of its values (its default
 * when unset). Hidden fields keep their values; the node's config check still reads them.
 */
export function shownFor(field: JsonSchema, siblings: Record<string, unknown>, object: JsonSchema): boolean {
  const when = field.showWhen;
  if (!when || typeof when !== 'object') return true;
  const declared = (object.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(when as Record<string, unknown>).every(([sibling, allowed]) => {
    const current = siblings[sibling] ?? declared[sibling]?.default;
    return Array.isArray(allowed) && allowed.includes(current);
  });
}
