import { type JsonSchema, properties, resolve } from './json-schema.ts';
import type { ConfigIssue, ConfigParser } from './node-type.ts';

/**
 * A check of a value against the JSON Schema subset the node catalogue's configs produce (type,
 * required, additionalProperties, minLength/maxLength, pattern, format uri, minimum/maximum,
 * enum/const, minItems/maxItems, items, anyOf/oneOf, propertyNames), so the editor flags a field as
 * it is typed instead of after the autosave round trip. Its issues use zod's vocabulary and the
 * node author's messages (`errorMessage`, see server/core/config-schema.ts), so they are worded as
 * the server words its own. What JSON Schema cannot say (zod refinements: a cron expression, a
 * rule's right-hand value) stays the server's to report.
 */
export function checkSchema(value: unknown, root: JsonSchema): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  check(value, root, root, [], issues);
  return issues;
}

/**
 * A config check from a JSON Schema, in the shape the graph rules take a zod schema in. Answers are
 * kept per config object: the editor re-checks after every edit, and an edit replaces only the
 * config it touched.
 */
export function schemaParser(root: JsonSchema): ConfigParser {
  const answers = new WeakMap<object, ReturnType<ConfigParser['safeParse']>>();
  return {
    safeParse(value) {
      const known = value !== null && typeof value === 'object' ? answers.get(value) : undefined;
      if (known) return known;
      const issues = checkSchema(value, root);
      const answer: ReturnType<ConfigParser['safeParse']> =
        issues.length === 0 ? { success: true, data: value } : { success: false, error: { issues } };
      if (value !== null && typeof value === 'object') answers.set(value, answer);
      return answer;
    },
  };
}

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? 'number' : typeof value;

function typeFits(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  return jsonType(value) === type;
}

/** The node author's words for a keyword, when the schema carries them. */
function authored(schema: JsonSchema, keyword: string): string | undefined {
  const messages = schema.errorMessage;
  if (!messages || typeof messages !== 'object') return undefined;
  const message = (messages as Record<string, unknown>)[keyword];
  return typeof message === 'string' ? message : undefined;
}

function isHttpAddress(value: string): boolean {
  try {
    return /^[a-z][a-z0-9+.-]*:/i.test(value) && new URL(value).href !== '';
  } catch {
    return false;
  }
}

function check(value: unknown, input: JsonSchema, root: JsonSchema, path: PropertyKey[], issues: ConfigIssue[]): void {
  const schema = resolve(input, root);
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(variants)) {
    checkVariants(value, variants, root, path, issues);
    return;
  }
  if ('const' in schema && value !== schema.const) {
    issues.push({ path, code: 'invalid_value', values: [schema.const], message: 'Invalid input' });
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    issues.push({ path, code: 'invalid_value', values: schema.enum, message: 'Invalid option' });
    return;
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : schema.type ? [String(schema.type)] : [];
  if (types.length > 0 && !types.some((type) => typeFits(value, type))) {
    const expected = types.find((type) => type !== 'null') ?? types[0];
    const integerOnly = expected === 'integer' && typeof value === 'number';
    issues.push({ path, code: 'invalid_type', expected: integerOnly ? 'int' : expected, message: 'Invalid input' });
    return;
  }
  if (typeof value === 'string') checkString(value, schema, path, issues);
  else if (typeof value === 'number') checkNumber(value, schema, path, issues);
  else if (Array.isArray(value)) checkArray(value, schema, root, path, issues);
  else if (value !== null && typeof value === 'object')
    checkObject(value as Record<string, unknown>, schema, root, path, issues);
}

function checkString(value: string, schema: JsonSchema, path: PropertyKey[], issues: ConfigIssue[]): void {
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    const message = authored(schema, 'minLength') ?? 'Too small';
    issues.push({ path, code: 'too_small', origin: 'string', minimum: schema.minLength, inclusive: true, message });
  }
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
    const message = authored(schema, 'maxLength') ?? 'Too big';
    issues.push({ path, code: 'too_big', origin: 'string', maximum: schema.maxLength, inclusive: true, message });
  }
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    issues.push({ path, code: 'invalid_format', format: 'regex', message: authored(schema, 'pattern') ?? 'Invalid' });
  }
  if ((schema.format === 'uri' || schema.format === 'url') && !isHttpAddress(value)) {
    issues.push({ path, code: 'invalid_format', format: 'url', message: authored(schema, 'format') ?? 'Invalid' });
  }
}

function checkNumber(value: number, schema: JsonSchema, path: PropertyKey[], issues: ConfigIssue[]): void {
  const small = (minimum: number, inclusive: boolean) =>
    issues.push({
      path,
      code: 'too_small',
      origin: 'number',
      minimum,
      inclusive,
      message: authored(schema, 'minimum') ?? 'Too small',
    });
  const big = (maximum: number, inclusive: boolean) =>
    issues.push({
      path,
      code: 'too_big',
      origin: 'number',
      maximum,
      inclusive,
      message: authored(schema, 'maximum') ?? 'Too big',
    });
  if (typeof schema.minimum === 'number' && value < schema.minimum) small(schema.minimum, true);
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
    small(schema.exclusiveMinimum, false);
  if (typeof schema.maximum === 'number' && value > schema.maximum) big(schema.maximum, true);
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum)
    big(schema.exclusiveMaximum, false);
}

function checkArray(
  value: readonly unknown[],
  schema: JsonSchema,
  root: JsonSchema,
  path: PropertyKey[],
  issues: ConfigIssue[],
): void {
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    const message = authored(schema, 'minItems') ?? 'Too small';
    issues.push({ path, code: 'too_small', origin: 'array', minimum: schema.minItems, inclusive: true, message });
  }
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    const message = authored(schema, 'maxItems') ?? 'Too big';
    issues.push({ path, code: 'too_big', origin: 'array', maximum: schema.maxItems, inclusive: true, message });
  }
  const items = schema.items;
  if (items && typeof items === 'object') {
    for (const [index, item] of value.entries()) check(item, items as JsonSchema, root, [...path, index], issues);
  }
}

function checkObject(
  value: Readonly<Record<string, unknown>>,
  schema: JsonSchema,
  root: JsonSchema,
  path: PropertyKey[],
  issues: ConfigIssue[],
): void {
  const named = new Map(properties(schema));
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  for (const key of required) {
    if (value[key] !== undefined) continue;
    const expected = resolve(named.get(key) ?? {}, root).type;
    issues.push({
      path: [...path, key],
      code: 'invalid_type',
      expected: String(expected ?? 'value'),
      message: 'Invalid input',
    });
  }
  const unknown: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const property = named.get(key);
    if (property) {
      check(item, property, root, [...path, key], issues);
      continue;
    }
    if (schema.additionalProperties === false) {
      unknown.push(key);
      continue;
    }
    if (schema.propertyNames && typeof schema.propertyNames === 'object') {
      check(key, schema.propertyNames as JsonSchema, root, [...path, key], issues);
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      check(item, schema.additionalProperties as JsonSchema, root, [...path, key], issues);
    }
  }
  if (unknown.length > 0) issues.push({ path, code: 'unrecognized_keys', keys: unknown, message: 'Unrecognized key' });
}

/** One of several shapes: fine when one fits; else the issues of the one it was meant to be (its tag or type). */
function checkVariants(
  value: unknown,
  variants: readonly JsonSchema[],
  root: JsonSchema,
  path: PropertyKey[],
  issues: ConfigIssue[],
): void {
  const attempts = variants.map((variant) => checkSchemaAt(value, variant, root, path));
  if (attempts.some((found) => found.length === 0)) return;
  const meant = attempts.filter((found) => !found.some((issue) => isShapeMiss(issue, path)));
  if (meant.length === 1) issues.push(...(meant[0] as ConfigIssue[]));
  else issues.push({ path, code: 'invalid_union', message: 'Invalid input' });
}

const isShapeMiss = (issue: ConfigIssue, path: readonly PropertyKey[]) =>
  issue.path.length <= path.length + 1 &&
  (issue.code === 'invalid_type' ? issue.path.length === path.length : issue.code === 'invalid_value');

function checkSchemaAt(value: unknown, schema: JsonSchema, root: JsonSchema, path: PropertyKey[]): ConfigIssue[] {
  const found: ConfigIssue[] = [];
  check(value, schema, root, path, found);
  return found;
}
