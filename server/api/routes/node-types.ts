import { z } from 'zod';
import { NODE_AFFORDANCES } from '../../../nodes/appearance.ts';
import { nodeTypes, packOfNodeType } from '../../../nodes/catalogue.ts';
import type { NodeDefinition } from '../../../nodes/define.ts';
import { configJsonSchema } from '../../core/config-schema.ts';
import { defineRoute } from '../route.ts';

/** A node pack as the editor labels what it added: `name@version`. */
export const PackShape = z.object({ name: z.string(), version: z.string() }).meta({ id: 'NodePack' });

/**
 * A node type as the editor sees it: everything it draws and checks a node by, as data, so the
 * web app carries no node code and a node type added outside this repository shows as itself.
 * The graph rules (server/core/graph/) read `kind`, `outputs`, `outputsFrom`, `outputsBy`,
 * `acceptsManyInputs` and `needsTrigger` from exactly this.
 */
export const NodeTypeShape = z
  .object({
    type: z.string(),
    kind: z.enum(['trigger', 'condition', 'transform', 'action', 'flow']),
    version: z.number().int().positive().describe('Bumped when the node changes what it does with a config'),
    title: z.string(),
    description: z.string().describe('One sentence, for the palette and the settings panel'),
    docs: z
      .string()
      .describe('Longer help for the settings panel: paragraphs split by a blank line, `code` in backticks'),
    icon: z
      .union([
        z.strictObject({ name: z.string().describe('An icon of the documented set (nodes/appearance.ts)') }),
        z.strictObject({ svg: z.string().describe('An SVG document, to be shown as an image') }),
      ])
      .meta({ id: 'NodeIcon' }),
    accent: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .describe('Colour of the icon chip, #rrggbb'),
    affordances: z.array(z.enum(NODE_AFFORDANCES)).describe('Panels the editor shows beside the form'),
    outputs: z.array(z.string()).describe('Ports every node of the type has'),
    outputsFrom: z
      .object({ list: z.string(), field: z.string() })
      .optional()
      .describe('More ports, named by the config: each item of the list `list` names one in `field`, before `outputs`'),
    outputsBy: z
      .object({ field: z.string(), ports: z.record(z.string(), z.array(z.string())) })
      .optional()
      .describe('Ports chosen by the value of the config field `field`: `ports[value]` instead of `outputs`'),
    acceptsManyInputs: z.boolean(),
    errorSettings: z
      .boolean()
      .describe('Whether a node of the type may handle its error (settings.onError); false: it always fails the run'),
    needsTrigger: z
      .object({
        type: z.string(),
        config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
        why: z.string(),
      })
      .optional()
      .describe(
        'The trigger a workflow needs for this node to make sense: its type and config values that must be set so (problem `needs_trigger`, "<node name> <why>")',
      ),
    retry: z.object({
      maxAttempts: z.number(),
      initialDelayMs: z.number(),
      factor: z.number(),
      maxDelayMs: z.number(),
      jitter: z.number(),
    }),
    configSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the config, for form rendering'),
    pack: PackShape.optional().describe('The node pack the type came from (NODE_PACKS); absent for built-in types'),
  })
  .meta({ id: 'NodeType' });
export type NodeTypeShape = z.output<typeof NodeTypeShape>;

/** A definition as data: what `GET /node-types` serves for it. */
export function describeNodeType(definition: NodeDefinition): NodeTypeShape {
  const pack = packOfNodeType(definition.type);
  return {
    type: definition.type,
    kind: definition.kind,
    version: definition.version,
    title: definition.title,
    description: definition.description,
    docs: definition.docs,
    icon: typeof definition.icon === 'string' ? { name: definition.icon } : { svg: definition.icon.svg },
    accent: definition.accent,
    affordances: [...definition.affordances],
    outputs: [...definition.outputs],
    ...(definition.outputsFrom ? { outputsFrom: { ...definition.outputsFrom } } : {}),
    ...(definition.outputsBy
      ? {
          outputsBy: {
            field: definition.outputsBy.field,
            ports: Object.fromEntries(
              Object.entries(definition.outputsBy.ports).map(([value, ports]) => [value, [...ports]]),
            ),
          },
        }
      : {}),
    acceptsManyInputs: definition.acceptsManyInputs,
    errorSettings: definition.errorSettings,
    ...(definition.needsTrigger
      ? {
          needsTrigger: {
            type: definition.needsTrigger.type,
            ...(definition.needsTrigger.config ? { config: { ...definition.needsTrigger.config } } : {}),
            why: definition.needsTrigger.why,
          },
        }
      : {}),
    retry: definition.retry,
    configSchema: configJsonSchema(definition),
    ...(pack ? { pack: { name: pack.name, version: pack.version } } : {}),
  };
}

/**
 * Computed on first use, then kept: the catalogue cannot change once the process has started (node
 * packs join it before the API serves).
 */
let described: readonly NodeTypeShape[] | undefined;

export const nodeTypeRoutes = [
  defineRoute({
    method: 'get',
    path: '/node-types',
    operationId: 'listNodeTypes',
    summary:
      'The node catalogue (built-ins, then node packs’ types): what the editor draws and checks each node type by, and its config’s JSON Schema',
    tag: 'Node types',
    access: 'view',
    responses: { 200: { description: 'Node types', schema: z.object({ items: z.array(NodeTypeShape) }) } },
    handler({ c }) {
      described ??= nodeTypes().map(describeNodeType);
      return c.json({ items: described });
    },
  }),
];
