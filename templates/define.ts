import { z } from 'zod';
import { Graph, type GraphEdge, type GraphNode, NodeId } from '../server/core/graph/model.ts';

/**
 * A template: a ready-made workflow a user starts from ("Use template"), as data. One file per
 * template (templates/<slug>.template.ts) + one line in templates/catalogue.ts. Its graph is a
 * draft that passes validation once the user picks the credentials it names: a template never
 * holds a credential id (templates/templates.test.ts checks every one).
 */

/** The gallery's filter, in the order it offers them. */
export const TEMPLATE_CATEGORIES = ['Reports', 'Alerts', 'Approvals', 'Sales & CRM', 'Data', 'Operations'] as const;

/** A credential field the user fills in after using the template: left empty in the graph. */
export const TemplateCredential = z.strictObject({
  /** The node whose config holds the field. */
  node: NodeId,
  /** The config field, e.g. `credentialId`. */
  field: z.string().min(1).max(100),
  /** The credential types that fit (the field's own list, or the one the template is written for). */
  types: z.array(z.string().min(1).max(60)).min(1),
  /** Whether the workflow runs without it (an HTTP call to an API that may need no sign-in). */
  optional: z.boolean().default(false),
  /** What it is for, in the gallery's words, e.g. "the mail server that sends the summary". */
  purpose: z.string().min(1).max(200),
});
export type TemplateCredential = z.output<typeof TemplateCredential>;

export const Template = z
  .strictObject({
    slug: z
      .string()
      .min(3)
      .max(80)
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by "-"'),
    title: z.string().trim().min(1).max(80),
    /** One or two sentences of what it automates. */
    description: z.string().trim().min(20).max(400),
    category: z.enum(TEMPLATE_CATEGORIES),
    tags: z.array(z.string().min(1).max(30)).min(1).max(8),
    credentials: z.array(TemplateCredential).default([]),
    graph: Graph,
  })
  .superRefine((template, ctx) => {
    const ids = new Set(template.graph.nodes.map((node) => node.id));
    template.credentials.forEach((credential, index) => {
      if (!ids.has(credential.node)) {
        ctx.addIssue({
          code: 'custom',
          path: ['credentials', index, 'node'],
          message: `no node "${credential.node}" in the graph`,
        });
      }
    });
  });
export type Template = z.output<typeof Template>;

/** Checks a template when its module loads, so a malformed one fails at start, naming its field. */
export function defineTemplate(template: z.input<typeof Template>): Template {
  const parsed = Template.safeParse(template);
  if (!parsed.success) throw new Error(`template "${template.slug}": ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/*
 * Small builders so a template reads as its steps. Positions are the canvas's: a node is 224 px
 * wide, a column every 280 px; inside a loop frame they are relative to the frame's top-left.
 */

/** The x of the `column`th column (0 = the trigger's). */
export const column = (index: number) => index * 280;

export function step(
  id: string,
  type: string,
  name: string,
  at: { x: number; y: number },
  config: Record<string, unknown> = {},
  more: Pick<GraphNode, 'parentId' | 'size' | 'settings'> = {},
): GraphNode {
  return { id, type, name, position: at, config, ...more };
}

/** An edge from `source`'s `port` to `target`, its id made of both ends. */
export function link(source: string, target: string, port = 'main'): GraphEdge {
  return {
    id: port === 'main' ? `${source}-${target}` : `${source}-${port}-${target}`,
    source,
    sourcePort: port,
    target,
  };
}
