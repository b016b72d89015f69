import { z } from 'zod';
import { Graph, type Problem } from '../../core/graph/model.ts';
import { validateGraph } from '../../core/validate.ts';
import { audit } from '../audit.ts';
import { refuseUnusableCredentials } from '../credential-use.ts';
import { loadWorkflow } from '../load.ts';
import { defineRoute } from '../route.ts';
import { GraphProblems, toWorkflowListItem, Workflow, WorkflowId } from '../schemas.ts';
import { invalidGraph } from './versions.ts';

export const EXPORT_FORMAT = 'stepwise.workflow';

/** The portable form of a workflow: what export writes and import reads. */
export const WorkflowExport = z
  .strictObject({
    format: z.literal(EXPORT_FORMAT),
    formatVersion: z.literal(1),
    exportedAt: z.iso.datetime().optional(),
    workflow: z.strictObject({
      name: z.string().trim().min(1).max(200),
      description: z.string().max(5000).default(''),
    }),
    draft: Graph,
    versions: z
      .array(
        z.strictObject({
          number: z.number().int().min(1),
          message: z.string().max(2000).default(''),
          createdAt: z.iso.datetime().optional(),
          graph: Graph,
        }),
      )
      .max(10_000),
    publishedVersion: z.number().int().nullable().default(null),
  })
  .meta({ id: 'WorkflowExport' });

export const transferRoutes = [
  defineRoute({
    method: 'get',
    path: '/workflows/:id/export',
    operationId: 'exportWorkflow',
    summary: 'Export a workflow as JSON: the draft and all versions, or only the latest',
    tag: 'Import and export',
    access: 'view',
    params: WorkflowId,
    query: z.object({ versions: z.enum(['all', 'latest']).default('all') }),
    responses: { 200: { description: 'The export document', schema: WorkflowExport } },
    async handler({ params, query, deps, c }) {
      const workflow = await loadWorkflow(deps.repos, params.id);
      const all = await deps.repos.workflows.listVersionsWithGraphs(workflow.id);
      const chosen = query.versions === 'all' ? all : all.slice(-1);
      const published = workflow.publishedVersionId
        ? await deps.repos.workflows.getVersion(workflow.publishedVersionId)
        : undefined;
      const document: z.output<typeof WorkflowExport> = {
        format: EXPORT_FORMAT,
        formatVersion: 1,
        exportedAt: new Date().toISOString(),
        workflow: { name: workflow.name, description: workflow.description },
        draft: Graph.parse(workflow.draft),
        versions: chosen.map((version) => ({
          number: version.number,
          message: version.message,
          createdAt: version.createdAt,
          graph: Graph.parse(version.graph),
        })),
        publishedVersion: published?.number ?? null,
      };
      const filename = `${workflow.name.replace(/[^\w.-]+/g, '-').slice(0, 80) || 'workflow'}.stepwise.json`;
      c.header('Content-Disposition', `attachment; filename="${filename}"`);
      return c.json(document);
    },
  }),

  defineRoute({
    method: 'post',
    path: '/workflows/import',
    operationId: 'importWorkflow',
    summary: 'Import an exported workflow as a new, unpublished workflow with its versions',
    tag: 'Import and export',
    access: 'edit',
    body: WorkflowExport.extend({ name: z.string().trim().min(1).max(200).optional().describe('Overrides the name') }),
    bodyLimit: 50 * 1024 * 1024,
    responses: {
      201: { description: 'The new workflow', schema: Workflow },
      422: { description: 'A version graph is not valid; nothing was imported', schema: GraphProblems },
    },
    async handler(request) {
      const { body, deps, c, caller } = request;
      await refuseUnusableCredentials(deps.repos, caller, [
        body.draft,
        ...body.versions.map((version) => version.graph),
      ]);
      const versions = [...body.versions].sort((a, b) => a.number - b.number);
      const problems: Array<Problem & { version: number }> = versions.flatMap((version) =>
        validateGraph(version.graph).map((problem) => ({ ...problem, version: version.number })),
      );
      if (problems.length > 0) throw invalidGraph(problems);
      const workflow = await deps.repos.workflows.import({
        name: body.name ?? body.workflow.name,
        description: body.workflow.description,
        draft: body.draft,
        versions: versions.map((version) => ({ graph: version.graph, message: version.message })),
      });
      await audit(request, {
        action: 'workflow.imported',
        objectType: 'workflow',
        objectId: workflow.id,
        details: { name: workflow.name, versions: versions.length },
      });
      const item = await deps.repos.workflows.getListItem(workflow.id);
      return c.json(item ? toWorkflowListItem(item) : null, 201);
    },
  }),
];
