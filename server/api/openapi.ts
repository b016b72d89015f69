import { z } from 'zod';
import { ErrorBody } from './errors.ts';
import type { RouteDefinition } from './route.ts';

type JsonSchema = Record<string, unknown>;

/**
 * Converts a zod schema to JSON Schema for embedding in the document: nested `$defs` (recursive
 * or named schemas) are hoisted into `components.schemas`, since a `$ref` resolves from the root.
 */
interface Components {
  readonly schemas: Record<string, JsonSchema>;
  /** Numbers anonymous definitions, which zod names `__schema0` afresh in every conversion. */
  anonymous: number;
}

function embed(schema: z.ZodType, io: 'input' | 'output', components: Components): JsonSchema {
  const {
    $schema: _,
    $defs,
    ...rest
  } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  const renames = new Map<string, string>();
  for (const name of Object.keys($defs ?? {})) {
    const target = name.startsWith('__') ? `Anonymous${++components.anonymous}` : name;
    renames.set(`#/$defs/${name}`, `#/components/schemas/${target}`);
  }
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        key === '$ref' && typeof item === 'string' ? (renames.get(item) ?? item) : rewrite(item),
      ]),
    );
  };
  for (const [name, definition] of Object.entries($defs ?? {})) {
    const target = (renames.get(`#/$defs/${name}`) ?? name).replace('#/components/schemas/', '');
    components.schemas[target] = rewrite(definition) as JsonSchema;
  }
  return rewrite(rest) as JsonSchema;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query', components: Components) {
  if (!schema) return [];
  const json = embed(schema, 'input', components) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(routes: readonly RouteDefinition[], prefix: string): JsonSchema {
  const components: Components = { schemas: {}, anonymous: 0 };
  const errorSchema = embed(ErrorBody, 'output', components);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `${prefix}${route.path}`.replace(/:(\w+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const schema = response.schema
        ? embed(response.schema, 'output', components)
        : Number(status) >= 400
          ? errorSchema
          : undefined;
      responses[status] = {
        description: response.description,
        ...(schema ? { content: { 'application/json': { schema } } } : {}),
      };
    }
    if (route.access !== 'public') {
      const error = { content: { 'application/json': { schema: errorSchema } } };
      responses['401'] ??= { description: 'Not signed in (no session cookie or API key)', ...error };
      responses['403'] ??= { description: `The caller's role lacks "${route.access}" access`, ...error };
    }
    responses.default = { description: 'Error', content: { 'application/json': { schema: errorSchema } } };
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      'x-stepwise-access': route.access,
      ...(route.accessFor ? { 'x-stepwise-access-depends-on-request': true } : {}),
      security: route.access === 'public' ? [] : [{ session: [] }, { apiKey: [] }],
      parameters: [...parameters(route.params, 'path', components), ...parameters(route.query, 'query', components)],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: embed(route.body, 'input', components) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Stepwise API',
      version: '1',
      description: 'Workflows, versions, publications and the node catalogue of Stepwise.',
    },
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'stepwise_session' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, `sw_...`' },
      },
    },
  };
}
