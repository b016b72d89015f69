import { z } from 'zod';
import type { NodeDefinition } from '../../nodes/define.ts';

/**
 * A node's config as JSON Schema: what `GET /node-types` serves for the editor's forms and checks,
 * and what the graph rules read field labels and `{{ }}` fields from. A node author's own words for
 * a check (`.regex(re, 'must be a URL path such as orders/new')`) go along as `errorMessage` (the
 * ajv-errors keyword), so the editor's JSON Schema check says what the server's zod check says.
 */
export function configJsonSchema(definition: Pick<NodeDefinition, 'config'>): Record<string, unknown> {
  let schema = schemas.get(definition.config);
  if (!schema) {
    schema = z.toJSONSchema(definition.config, { io: 'input', unrepresentable: 'any', override: addAuthorsWords });
    schemas.set(definition.config, schema);
  }
  return schema;
}

const schemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/** zod check → the JSON Schema keyword it becomes. */
const KEYWORDS: Record<string, string> = {
  min_length: 'minLength',
  max_length: 'maxLength',
  greater_than: 'minimum',
  less_than: 'maximum',
};

interface CheckDefinition {
  readonly check?: string;
  readonly format?: string;
  readonly error?: (issue?: unknown) => unknown;
}

function addAuthorsWords(context: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  // zod keeps a schema's checks on its definition (`_zod.def.checks`, zod v4 core's documented shape).
  const checks = (context.zodSchema as { _zod?: { def?: { checks?: Array<{ _zod?: { def?: CheckDefinition } }> } } })
    ._zod?.def?.checks;
  if (!checks) return;
  const messages: Record<string, string> = {};
  for (const check of checks) {
    const definition = check._zod?.def;
    const keyword = definition?.format === 'regex' ? 'pattern' : KEYWORDS[definition?.check ?? ''];
    const message = keyword ? definition?.error?.() : undefined;
    if (keyword && typeof message === 'string') messages[keyword] = message;
  }
  if (Object.keys(messages).length > 0) context.jsonSchema.errorMessage = messages;
}
