import { z } from 'zod';
import { findNodeType } from '../../../nodes/catalogue.ts';
import { findTemplate, templates } from '../../../templates/catalogue.ts';
import { TEMPLATE_CATEGORIES, type Template, TemplateCredential } from '../../../templates/define.ts';
import { Graph } from '../../core/graph/model.ts';
import { audit } from '../audit.ts';
import { notFound } from '../errors.ts';
import { defineRoute } from '../route.ts';
import { Workflow } from '../schemas.ts';
import { WorkflowName, workflowAnswer } from './workflows.ts';

/** A template as the gallery shows it: what it automates, what it needs, and the graph it starts from. */
export const TemplateShape = z
  .object({
    slug: z.string(),
    title: z.string(),
    description: z.string().describe('One or two sentences of what it automates'),
    category: z.enum(TEMPLATE_CATEGORIES),
    tags: z.array(z.string()),
    credentials: z
      .array(TemplateCredential)
      .describe('Credential fields the user picks after using it: left empty in the graph, never filled in'),
    graph: Graph,
  })
  .meta({ id: 'Template' });
export type TemplateShape = z.output<typeof TemplateShape>;

/**
 * The templates this server can offer: those whose every node type it knows. A template that needs
 * a node type not installed here (a node pack removed, a part not merged) would open as a draft of
 * unknown steps, so it is left out rather than offered broken.
 */
export function availableTemplates(
  all: readonly Template[],
  knows: (type: string) => boolean = (type) => findNodeType(type) !== undefined,
): Template[] {
  return all.filter((template) => template.graph.nodes.every((node) => knows(node.type)));
}

const TemplateSlug = z.strictObject({ slug: z.string().min(1).max(80) });

export const templateRoutes = [
  defineRoute({
    method: 'get',
    path: '/templates',
    operationId: 'listTemplates',
    summary: 'The templates gallery: ready-made workflows with what each needs, in the gallery’s order',
    tag: 'Templates',
    access: 'view',
    responses: { 200: { description: 'Templates', schema: z.object({ items: z.array(TemplateShape) }) } },
    handler({ c }) {
      return c.json({ items: availableTemplates(templates) });
    },
  }),

  defineRoute({
    method: 'post',
    path: '/templates/:slug/use',
    operationId: 'useTemplate',
    summary:
      'Create a workflow from a template: its draft is the template’s graph, with the credential fields left for you to pick',
    tag: 'Templates',
    access: 'edit',
    params: TemplateSlug,
    body: z
      .strictObject({
        name: WorkflowName.optional().describe('The new workflow’s name; the template’s title when left out'),
      })
      .default({}),
    responses: {
      201: { description: 'The new workflow, not published', schema: Workflow },
      404: { description: 'No such template, or one this server cannot run' },
    },
    async handler(request) {
      const { params, body, deps, c, caller } = request;
      const template = findTemplate(params.slug);
      if (!template || availableTemplates([template]).length === 0) throw notFound(`template ${params.slug}`);
      const row = await deps.repos.workflows.insert({
        name: body.name ?? template.title,
        description: template.description,
        // The template's graph as it is: it holds no credential id (templates/templates.test.ts).
        draft: template.graph,
        createdBy: caller?.user.id ?? null,
      });
      await audit(request, {
        action: 'workflow.created',
        objectType: 'workflow',
        objectId: row.id,
        details: { name: row.name, template: template.slug },
      });
      return c.json(await workflowAnswer(deps.repos, row.id), 201);
    },
  }),
];
