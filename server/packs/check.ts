import { z } from 'zod';
import { iconProblem } from '../../nodes/appearance.ts';
import { catalogue, findNodeType } from '../../nodes/catalogue.ts';
import { credentialCatalogue } from '../../nodes/credentials/catalogue.ts';
import { type CredentialDefinition, secretJsonSchema } from '../../nodes/credentials/define.ts';
import type { NodeDefinition } from '../../nodes/define.ts';
import {
  MAX_PACK_LOCAL_NAME,
  MAX_PACK_NAME,
  type NodePack,
  PACK_LOCAL_NAME,
  PACK_NAME,
  PACK_NODE_KINDS,
  packCredentialTypePrefix,
  packNodeTypePrefix,
} from '../../nodes/packs.ts';
import { configJsonSchema } from '../core/config-schema.ts';
import { ERROR_PORT } from '../core/graph/settings.ts';

/**
 * The checks a pack's types pass before they join the catalogues: the rules the built-ins are held
 * to by nodes/catalogue.test.ts and nodes/credentials/catalogue.test.ts, asked of code that was
 * never run by those tests. Each problem names the type and the field.
 */

const isZodSchema = (value: unknown): value is z.ZodType =>
  typeof value === 'object' &&
  value !== null &&
  '_zod' in value &&
  typeof (value as z.ZodType).safeParse === 'function';

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');
const zodSchema = z.custom<z.ZodType>(isZodSchema, "must be a zod schema made with the SDK's z");

/** A port a pack declares: a name the canvas can draw and an edge can store (GraphEdge.sourcePort). */
const PORT = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/;
const port = z
  .string()
  .regex(PORT, 'a port is a letter then up to 59 letters, digits, "-" or "_"')
  .refine((name) => name !== ERROR_PORT, `"${ERROR_PORT}" is the error port every node may get from its settings`);
const ports = z
  .array(port)
  .min(1, 'a node has at least one output port')
  .refine((names) => new Set(names).size === names.length, 'a port is named once');

/** What `defineNode` makes, field by field, as far as data can be checked before it runs. */
const NodeShape = z.object({
  type: z.string(),
  kind: z.enum(['trigger', 'condition', 'transform', 'action', 'flow']),
  title: z.string().trim().min(1).max(80),
  description: z.string().trim().min(1).max(300),
  docs: z.string().max(20_000),
  icon: z.union([z.string(), z.object({ svg: z.string() })]),
  accent: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb'),
  version: z.number().int().positive(),
  affordances: z
    .array(z.string())
    .max(0, "only Stepwise's own nodes have affordances (a webhook's address, a loop frame)"),
  config: zodSchema,
  outputs: ports,
  outputsFrom: z.object({ list: z.string(), field: z.string() }).optional(),
  outputsBy: z.object({ field: z.string(), ports: z.record(z.string(), ports) }).optional(),
  acceptsManyInputs: z.boolean(),
  needsTrigger: z
    .object({
      type: z.string().refine((type) => findNodeType(type)?.kind === 'trigger', 'must name one of the triggers'),
      config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      why: z.string().min(1),
    })
    .optional(),
  pure: z.boolean(),
  retry: z.object({
    maxAttempts: z.number().int().min(1).max(25),
    initialDelayMs: z.number().min(0).max(3_600_000),
    factor: z.number().min(1).max(10),
    maxDelayMs: z
      .number()
      .min(0)
      .max(24 * 3_600_000),
    jitter: z.number().min(0).max(1),
  }),
  errorSettings: z.boolean(),
  stepReferences: fn.optional(),
  execute: fn,
});

const CredentialShape = z.object({
  type: z.string(),
  title: z.string().trim().min(1).max(80),
  description: z.string().trim().min(1).max(300),
  secret: z.custom<z.ZodObject>(
    (value) => isZodSchema(value) && value instanceof z.ZodObject,
    "must be a z.object(...) made with the SDK's z",
  ),
  secretFields: z.array(z.string()).min(1, 'name at least one secret field'),
  http: z.custom<(...args: never[]) => unknown>(
    (value) => typeof value === 'function',
    "a pack's credential type must say how it authenticates an HTTP request (protocol types need server code)",
  ),
});

const PackShape = z.object({
  name: z
    .string()
    .max(MAX_PACK_NAME)
    .regex(PACK_NAME, 'must be lower-case words joined by "-", e.g. text-tools (it is part of every type name)'),
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, 'must be a version such as 1.0.0 (shown as name@version)'),
  nodes: z.array(z.unknown()).min(1, 'a pack adds at least one node type'),
  credentials: z.array(z.unknown()).optional(),
});

/** Thrown with every problem a pack has, so the operator fixes them in one go. */
export class InvalidPack extends Error {
  override name = 'InvalidPack';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('; '));
    this.problems = problems;
  }
}

const issuesOf = (error: z.ZodError, prefix: string) =>
  error.issues.map((issue) => `${prefix}${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);

/**
 * A module's export as a checked pack, or `InvalidPack` with every problem found: the pack's own
 * fields, then each node and credential type (namespaced by the pack's name, the kind first for
 * nodes; ports, icon, accent, config that converts to a JSON Schema object, retry policy).
 */
export function checkPack(value: unknown): NodePack {
  const shape = PackShape.safeParse(value);
  if (!shape.success) throw new InvalidPack(issuesOf(shape.error, ''));
  const pack = value as NodePack;
  const credentials = pack.credentials ?? [];
  const problems = [
    ...credentials.flatMap((credential, index) => credentialProblems(credential, pack.name, index)),
    ...pack.nodes.flatMap((node, index) => nodeProblems(node, pack.name, index)),
  ];
  // Once every type is well made, so each has a name to compare.
  if (problems.length === 0) {
    problems.push(
      ...duplicates(
        pack.nodes.map((node) => node.type),
        'node type',
      ),
    );
    problems.push(
      ...duplicates(
        credentials.map((credential) => credential.type),
        'credential type',
      ),
    );
  }
  if (problems.length > 0) throw new InvalidPack(problems);
  return pack;
}

function duplicates(names: readonly string[], what: string): string[] {
  return names.filter((name, index) => names.indexOf(name) !== index).map((name) => `${what} "${name}" is given twice`);
}

function nodeProblems(value: unknown, pack: string, index: number): string[] {
  const named = typeof (value as { type?: unknown })?.type === 'string' ? (value as { type: string }).type : undefined;
  const prefix = `node type ${named ? `"${named}"` : `nodes[${index}]`}: `;
  if (typeof value !== 'object' || value === null || !('retry' in value) || !('accent' in value)) {
    return [`${prefix}is not made with sdk.defineNode(...)`];
  }
  const shape = NodeShape.safeParse(value);
  if (!shape.success) return issuesOf(shape.error, prefix);
  const node = value as NodeDefinition;
  const problems: string[] = [];
  if (!(PACK_NODE_KINDS as readonly string[]).includes(node.kind)) {
    problems.push(`${prefix}kind "${node.kind}": a pack cannot add triggers (runs start only from Stepwise's own)`);
  }
  const namespace = packNodeTypePrefix(node.kind, pack);
  const local = node.type.slice(namespace.length);
  if (BUILT_IN_NODE_TYPES.has(node.type)) {
    problems.push(`${prefix}is a built-in node type; a pack cannot replace it (name it ${namespace}<name>)`);
  } else if (!node.type.startsWith(namespace) || !PACK_LOCAL_NAME.test(local) || local.length > MAX_PACK_LOCAL_NAME) {
    problems.push(
      `${prefix}must be named ${namespace}<name>, <name> being letters and digits (e.g. ${namespace}textCase)`,
    );
  }
  const icon = iconProblem(node.icon);
  if (icon) problems.push(`${prefix}icon: ${icon}`);
  const schema = jsonSchemaOf(node);
  if (typeof schema === 'string') problems.push(`${prefix}config: ${schema}`);
  else problems.push(...portFieldProblems(node, schema, prefix), ...credentialFieldProblems(schema, pack, prefix));
  return problems;
}

/** The config's JSON Schema, as the editor will be served it; or why there is none. */
function jsonSchemaOf(node: NodeDefinition): Record<string, unknown> | string {
  let schema: Record<string, unknown>;
  try {
    schema = configJsonSchema(node);
  } catch (error) {
    return `does not convert to JSON Schema for the settings form (${(error as Error).message})`;
  }
  return schema.type === 'object' && typeof schema.properties === 'object'
    ? schema
    : 'must be an object schema (z.object or z.strictObject): the settings form shows its fields';
}

const propertiesOf = (schema: unknown) =>
  ((schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}) as Record<string, unknown>;

/** `outputsFrom` and `outputsBy` name config fields: they must exist, as the catalogue test asks of built-ins. */
function portFieldProblems(node: NodeDefinition, schema: Record<string, unknown>, prefix: string): string[] {
  const problems: string[] = [];
  const fields = propertiesOf(schema);
  if (node.outputsFrom) {
    const { list, field } = node.outputsFrom;
    const items = (fields[list] as { items?: unknown } | undefined)?.items;
    if (!Object.hasOwn(propertiesOf(items), field)) {
      problems.push(`${prefix}outputsFrom: the config has no list "${list}" whose items have a field "${field}"`);
    }
  }
  if (node.outputsBy && !Object.hasOwn(fields, node.outputsBy.field)) {
    problems.push(`${prefix}outputsBy: the config has no field "${node.outputsBy.field}"`);
  }
  return problems;
}

/** A credential field must offer types that exist: a built-in's, or one this pack adds. */
function credentialFieldProblems(schema: unknown, pack: string, prefix: string): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (record.format === 'credential' && Array.isArray(record.credentialTypes)) {
      for (const type of record.credentialTypes as unknown[]) {
        const own = typeof type === 'string' && type.startsWith(packCredentialTypePrefix(pack));
        if (!own && !BUILT_IN_CREDENTIAL_TYPES.has(String(type))) {
          problems.push(
            `${prefix}config${path}: credential type "${String(type)}" is neither built in nor this pack's`,
          );
        }
      }
    }
    for (const [key, item] of Object.entries(record)) visit(item, `${path}.${key}`);
  };
  visit(propertiesOf(schema), '');
  return problems;
}

const BUILT_IN_NODE_TYPES: ReadonlySet<string> = new Set(catalogue.map((type) => type.type));
const BUILT_IN_CREDENTIAL_TYPES: ReadonlySet<string> = new Set(credentialCatalogue.map((type) => type.type));

function credentialProblems(value: unknown, pack: string, index: number): string[] {
  const named = typeof (value as { type?: unknown })?.type === 'string' ? (value as { type: string }).type : undefined;
  const prefix = `credential type ${named ? `"${named}"` : `credentials[${index}]`}: `;
  const shape = CredentialShape.safeParse(value);
  if (!shape.success) return issuesOf(shape.error, prefix);
  const credential = value as CredentialDefinition;
  const problems: string[] = [];
  const namespace = packCredentialTypePrefix(pack);
  const local = credential.type.slice(namespace.length);
  if (BUILT_IN_CREDENTIAL_TYPES.has(credential.type)) {
    problems.push(`${prefix}is a built-in credential type; a pack cannot replace it (name it ${namespace}<name>)`);
  } else if (
    !credential.type.startsWith(namespace) ||
    !PACK_LOCAL_NAME.test(local) ||
    local.length > MAX_PACK_LOCAL_NAME
  ) {
    problems.push(
      `${prefix}must be named ${namespace}<name>, <name> being letters and digits (e.g. ${namespace}apiKey)`,
    );
  }
  const fields = Object.keys(credential.secret.shape);
  for (const field of credential.secretFields) {
    if (!fields.includes(field)) problems.push(`${prefix}secretFields: "${field}" is not a field of its secret`);
  }
  try {
    secretJsonSchema(credential);
  } catch (error) {
    problems.push(`${prefix}secret: does not convert to JSON Schema for the form (${(error as Error).message})`);
  }
  return problems;
}
