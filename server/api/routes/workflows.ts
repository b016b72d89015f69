import { z } from 'zod';
import { Graph } from '../../core/graph/model.ts';
import { validateGraph } from '../../core/validate.ts';
import type { Repositories } from '../../store/repositories.ts';
import type { WorkflowRow } from '../../store/workflows.ts';
import { audit } from '../audit.ts';
import { refuseUnusableCredentials } from '../credential-use.ts';
import { cursorParam, page } from '../cursor.ts';
import { ApiError, notFound } from '../errors.ts';
import { loadWorkflow } from '../load.ts';
import { defineRoute } from '../route.ts';
import { Draft, toWorkflowListItem, Workflow, WorkflowId } from '../schemas.ts';

export const WorkflowName = z.string().trim().min(1, 'must not be empty').max(200);
const Description = z.string().max(5000);

/** A new workflow starts with a manual trigger, so its draft is valid and runnable from the start. */
export const STARTER_GRAPH: Graph = {
  nodes: [{ id: 'trigger', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} }],
  edges: [],
};

const Cursor = cursorParam({ updatedAt: z.string(), id: z.string() });

export function draftAnswer(workflow: WorkflowRow) {
  const graph = Graph.parse(workflow.draft);
  const problems = validateGraph(graph);
  return {
    graph,
    problems,
    valid: problems.length === 0,
    revision: workflow.draftRevision,
    updatedAt: workflow.draftUpdatedAt,
  };
}

/** A workflow as the workflow routes answer it (its list item: status, last run, published version). */
export const workflowAnswer = async (repos: Repositories, id: string) => {
  const item = await repos.workflows.getListItem(id);
  if (!item) throw notFound(`workflow ${id}`);
  return toWorkflowListItem(item);
};

export const workflowRoutes = [
  defineRoute({
    method: 'get',
    path: '/workflows',
    operationId: 'listWorkflows',
    summary: 'List workflows, most recently changed first',
    tag: 'Workflows',
    access: 'view',
    query: z.object({
      q: z.string().max(200).optional().describe('Matches name or description'),
      archived: z.stringbool().default(false).describe('List archived workflows instead of live ones'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: Cursor.optional().describe('nextCursor of the previous page'),
    }),
    responses: {
      200: {
        description: 'A page of workflows',
        schema: z.object({ items: z.array(Workflow), nextCursor: z.string().nullable() }),
      },
    },
    async handler({ query, deps, c }) {
      const rows = await deps.repos.workflows.list({
        search: query.q?.trim() || undefined,
        archived: query.archived,
        limit: query.limit + 1,
        after: query.cursor,
      });
      const { rows: items, nextCursor } = page(rows, query.limit, (row) => ({ updatedAt: row.updatedAt, id: row.id }));
      return c.json({ items: items.map(toWorkflowListItem), nextCursor });
    },
  }),

  defineRoute({
    method: 'post',
    path: '/workflows',
    operationId: 'createWorkflow',
    summary: 'Create a workflow (its draft starts with a manual trigger unless a graph is given)',
    tag: 'Workflows',
    access: 'edit',
    body: z.strictObject({ name: WorkflowName, description: Description.optional(), graph: Graph.optional() }),
    responses: { 201: { description: 'Created', schema: Workflow } },
    async handler(request) {
      const { body, deps, c, caller } = request;
      if (body.graph) await refuseUnusableCredentials(deps.repos, caller, [body.graph]);
      const row = await deps.repos.workflows.insert({
        name: body.name,
        description: body.description,
        draft: body.graph ?? STARTER_GRAPH,
        createdBy: caller?.user.id ?? null,
      });
      await audit(request, {
        action: 'workflow.created',
        objectType: 'workflow',
        objectId: row.id,
        details: { name: row.name },
      });
      return c.json(await workflowAnswer(deps.repos, row.id), 201);
    },
  }),

  defineRoute({
    method: 'get',
    path: '/workflows/:id',
    operationId: 'getWorkflow',
    summary: 'Get a workflow',
    tag: 'Workflows',
    access: 'view',
    params: WorkflowId,
    responses: { 200: { description: 'The workflow', schema: Workflow }, 404: { description: 'No such workflow' } },
    async handler({ params, deps, c }) {
      return c.json(await workflowAnswer(deps.repos, params.id));
    },
  }),

  defineRoute({
    method: 'patch',
    path: '/workflows/:id',
    operationId: 'updateWorkflow',
    summary: 'Rename, describe, archive or restore a workflow',
    tag: 'Workflows',
    access: 'edit',
    params: WorkflowId,
    body: z
      .strictObject({
        name: WorkflowName.optional(),
        description: Description.optional(),
        archived: z.boolean().optional(),
      })
      .refine((patch) => Object.keys(patch).length > 0, { message: 'nothing to change' }),
    responses: {
      200: { description: 'The updated workflow', schema: Workflow },
      404: { description: 'No such workflow' },
    },
    async handler(request) {
      const { params, body, deps, c } = request;
      if (!(await deps.repos.workflows.update(params.id, body))) throw notFound(`workflow ${params.id}`);
      const { archived, ...fields } = body;
      const event = { objectType: 'workflow', objectId: params.id };
      if (Object.keys(fields).length > 0)
        await audit(request, { ...event, action: 'workflow.updated', details: fields });
      if (archived !== undefined)
        await audit(request, { ...event, action: archived ? 'workflow.archived' : 'workflow.restored' });
      return c.json(await workflowAnswer(deps.repos, params.id));
    },
  }),

  // Activation has routes of its own because it needs a different role (admin) than editing.
  ...(['activate', 'deactivate'] as const).map((action) =>
    defineRoute({
      method: 'post',
      path: `/workflows/:id/${action}`,
      operationId: `${action}Workflow`,
      summary:
        action === 'activate'
          ? 'Let the published version’s schedule or webhook start runs'
          : 'Stop the workflow’s schedule and webhook from starting runs',
      tag: 'Workflows',
      access: 'publish',
      params: WorkflowId,
      responses: {
        200: { description: 'The workflow', schema: Workflow },
        404: { description: 'No such workflow' },
        409: { description: 'Activating a workflow that has no published version' },
      },
      async handler(request) {
        const { params, deps, c } = request;
        const workflow = await loadWorkflow(deps.repos, params.id);
        if (action === 'activate' && workflow.publishedVersionId === null) {
          throw new ApiError(409, 'not_published', 'publish a version before activating the workflow');
        }
        await deps.repos.workflows.update(params.id, { active: action === 'activate' });
        if (workflow.active !== (action === 'activate')) {
          await audit(request, { action: `workflow.${action}d`, objectType: 'workflow', objectId: params.id });
        }
        return c.json(await workflowAnswer(deps.repos, params.id));
      },
    }),
  ),

  defineRoute({
    method: 'delete',
    path: '/workflows/:id',
    operationId: 'deleteWorkflow',
    summary: 'Delete a workflow with its versions and executions',
    tag: 'Workflows',
    access: 'edit',
    params: WorkflowId,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such workflow' } },
    async handler(request) {
      const { params, deps, c } = request;
      if (!(await deps.repos.workflows.delete(params.id))) throw notFound(`workflow ${params.id}`);
      await audit(request, { action: 'workflow.deleted', objectType: 'workflow', objectId: params.id });
      return c.body(null, 204);
    },
  }),

  defineRoute({
    method: 'get',
    path: '/workflows/:id/draft',
    operationId: 'getDraft',
    summary: 'Get the draft graph with its validation problems',
    tag: 'Drafts',
    access: 'view',
    params: WorkflowId,
    responses: { 200: { description: 'The draft', schema: Draft }, 404: { description: 'No such workflow' } },
    async handler({ params, deps, c }) {
      return c.json(draftAnswer(await loadWorkflow(deps.repos, params.id)));
    },
  }),

  defineRoute({
    method: 'put',
    path: '/workflows/:id/draft',
    operationId: 'saveDraft',
    summary: 'Save the draft (autosave). Always saved when well-formed; the answer lists its problems',
    tag: 'Drafts',
    access: 'edit',
    params: WorkflowId,
    body: z.strictObject({
      graph: Graph,
      revision: z
        .number()
        .int()
        .optional()
        .describe(
          'Revision the editor started from; a newer draft on the server answers 409 instead of being overwritten',
        ),
    }),
    responses: {
      200: { description: 'Saved', schema: Draft },
      404: { description: 'No such workflow' },
      409: { description: 'The draft was changed elsewhere since `revision`' },
    },
    async handler(request) {
      const { params, body, deps, c, caller } = request;
      await refuseUnusableCredentials(deps.repos, caller, [body.graph]);
      const result = await deps.repos.workflows.saveDraft(params.id, body.graph, body.revision);
      if (result.kind === 'not_found') throw notFound(`workflow ${params.id}`);
      if (result.kind === 'conflict') {
        throw new ApiError(
          409,
          'draft_conflict',
          'the draft was saved elsewhere since you opened it; reload to continue',
          {
            currentRevision: result.currentRevision,
          },
        );
      }
      // Every autosave is recorded, one entry each: the log is never rewritten to merge them.
      await audit(request, {
        action: 'workflow.draft_saved',
        objectType: 'workflow',
        objectId: params.id,
        details: { revision: result.workflow.draftRevision },
      });
      return c.json(draftAnswer(result.workflow));
    },
  }),
];
