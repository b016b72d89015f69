import { z } from 'zod';
import { catalogue } from '../../../nodes/catalogue.ts';
import { defineRoute } from '../route.ts';

export const NodeTypeShape = z
  .object({
    type: z.string(),
    kind: z.enum(['trigger', 'condition', 'transform', 'action', 'flow']),
    title: z.string(),
    description: z.string(),
    icon: z.string(),
    outputs: z.array(z.string()),
    dynamicOutputs: z.boolean().describe('Ports depend on the config (e.g. a Switch’s cases)'),
    acceptsManyInputs: z.boolean(),
    retry: z.object({
      maxAttempts: z.number(),
      initialDelayMs: z.number(),
      factor: z.number(),
      maxDelayMs: z.number(),
      jitter: z.number(),
    }),
    configSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the config, for form rendering'),
  })
  .meta({ id: 'NodeType' });

/** Computed once: the catalogue cannot change while the process runs. */
const nodeTypes = catalogue.map((definition) => ({
  type: definition.type,
  kind: definition.kind,
  title: definition.title,
  description: definition.description,
  icon: definition.icon,
  outputs: [...definition.outputs],
  dynamicOutputs: definition.outputsFor !== undefined,
  acceptsManyInputs: definition.acceptsManyInputs,
  retry: definition.retry,
  configSchema: z.toJSONSchema(definition.config, { io: 'input', unrepresentable: 'any' }),
}));

export const nodeTypeRoutes = [
  defineRoute({
    method: 'get',
    path: '/node-types',
    operationId: 'listNodeTypes',
    summary: 'The node catalogue with each config’s JSON Schema',
    tag: 'Node types',
    access: 'view',
    responses: { 200: { description: 'Node types', schema: z.object({ items: z.array(NodeTypeShape) }) } },
    handler({ c }) {
      return c.json({ items: nodeTypes });
    },
  }),
];
