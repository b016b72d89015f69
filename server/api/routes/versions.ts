import { z } from 'zod';
import { diffGraphs, GraphDiff } from '../../core/diff.ts';
import { Graph } from '../../core/graph/model.ts';
import { validateGraph } from '../../core/validate.ts';
import type { PublicationListItem } from '../../store/publications.ts';
import type { Repositories } from '../../store/repositories.ts';
import { audit } from '../audit.ts';
import { refuseCallCycles } from '../call-graph.ts';
import { refuseUnusableCredentials } from '../credential-use.ts';
import { errorWorkflowProblems } from '../error-workflow-check.ts';
import { ApiError } from '../errors.ts';
import { loadVersion, loadWorkflow } from '../load.ts';
import { defineRoute } from '../route.ts';
import {
  GraphProblems,
  type NameOf,
  toVersion,
  toVersionSummary,
  Version,
  VersionSummaryShape,
  WorkflowId,
} from '../schemas.ts';

/** The display names of the authors of `rows`, looked up once each. */
async function authorNames(repos: Repositories, rows: ReadonlyArray<{ authorId: string | null }>): Promise<NameOf> {
  const names = new Map<string, string | null>();
  for (const { authorId } of rows) {
    if (authorId !== null && !names.has(authorId)) names.set(authorId, await repos.users.displayName(authorId));
  }
  return (id) => (id === null ? null : (names.get(id) ?? null));
}

/**
 * Publishing a version older than the live one is a rollback, which operators may do; publishing
 * a newer one (or the first) is an admin's. Unknown workflows and versions get the stricter rule.
 */
export async function publishAccess(
  repos: Repositories,
  workflowId: string,
  versionNumber: number,
): Promise<'operate' | 'publish'> {
  const live = (await repos.workflows.getListItem(workflowId))?.publishedVersion;
  const exists = (await repos.workflows.getVersionByNumber(workflowId, versionNumber)) !== undefined;
  return exists && live != null && versionNumber < live ? 'operate' : 'publish';
}

const VersionNumber = z.coerce.number().int().min(1);
const Message = z.string().max(2000);

export function invalidGraph(problems: unknown[]): ApiError {
  return new ApiError(422, 'invalid_graph', `the graph has ${problems.length} problem(s); fix them to save a version`, {
    problems,
  });
}

export const Publication = z.object({
  id: z.string(),
  version: z.number().int(),
  previousVersion: z.number().int().nullable(),
  kind: z.enum(['publish', 'rollback']),
  publishedBy: z.string().nullable().describe('Name of the user who published'),
  publishedById: z.string().nullable(),
  publishedAt: z.iso.datetime(),
});

export const versionRoutes = [
  defineRoute({
    method: 'get',
    path: '/workflows/:id/versions',
    operationId: 'listVersions',
    summary: 'List the versions of a workflow, oldest first',
    tag: 'Versions',
    access: 'view',
    params: WorkflowId,
    responses: { 200: { description: 'Versions', schema: z.object({ items: z.array(VersionSummaryShape) }) } },
    async handler({ params, deps, c }) {
      const workflow = await loadWorkflow(deps.repos, params.id);
      const rows = await deps.repos.workflows.listVersions(workflow.id);
      const names = await authorNames(deps.repos, rows);
      const items = rows.map((row) => toVersionSummary(row, workflow.publishedVersionId, names));
      return c.json({ items });
    },
  }),

  defineRoute({
    method: 'post',
    path: '/workflows/:id/versions',
    operationId: 'saveVersion',
    summary: 'Save a graph, or the current draft, as the next immutable version',
    tag: 'Versions',
    access: 'edit',
    params: WorkflowId,
    body: z
      .strictObject({
        graph: Graph.optional(),
        fromDraft: z.literal(true).optional().describe('Use the current draft as the graph'),
        message: Message.optional(),
      })
      .refine((body) => (body.graph === undefined) !== (body.fromDraft === undefined), {
        message: 'give either "graph" or "fromDraft": true, not both',
        path: ['graph'],
      }),
    responses: {
      201: { description: 'The new version', schema: Version },
      404: { description: 'No such workflow' },
      422: {
        description:
          'The graph is not valid, or it calls itself through sub-workflows (`call_cycle`); nothing was saved',
        schema: GraphProblems,
      },
    },
    async handler(request) {
      const { params, body, deps, c, caller } = request;
      const workflow = await loadWorkflow(deps.repos, params.id);
      const graph = body.graph ?? Graph.parse(workflow.draft);
      const problems = [...validateGraph(graph), ...(await errorWorkflowProblems(deps.repos, workflow.id, graph))];
      if (problems.length > 0) throw invalidGraph(problems);
      await refuseUnusableCredentials(deps.repos, caller, [graph]);
      await refuseCallCycles(deps.repos, workflow, graph);
      const version = await deps.repos.workflows.insertVersion({
        workflowId: workflow.id,
        graph,
        message: body.message,
        authorId: caller?.user.id ?? null,
      });
      await audit(request, {
        action: 'version.saved',
        objectType: 'workflow',
        objectId: workflow.id,
        details: { version: version.number },
      });
      const names = await authorNames(deps.repos, [version]);
      return c.json(toVersion(version, workflow.publishedVersionId, names), 201);
    },
  }),

  defineRoute({
    method: 'get',
    path: '/workflows/:id/versions/:number',
    operationId: 'getVersion',
    summary: 'Get one version with its graph',
    tag: 'Versions',
    access: 'view',
    params: WorkflowId.extend({ number: VersionNumber }),
    responses: { 200: { description: 'The version', schema: Version }, 404: { description: 'No such version' } },
    async handler({ params, deps, c }) {
      const workflow = await loadWorkflow(deps.repos, params.id);
      const version = await loadVersion(deps.repos, workflow.id, params.number);
      return c.json(toVersion(version, workflow.publishedVersionId, await authorNames(deps.repos, [version])));
    },
  }),

  defineRoute({
    method: 'get',
    path: '/workflows/:id/diff',
    operationId: 'diffVersions',
    summary: 'What changed between two versions: nodes added, removed and changed (with fields), edges',
    tag: 'Versions',
    access: 'view',
    params: WorkflowId,
    query: z.object({ from: VersionNumber, to: VersionNumber }),
    responses: {
      200: {
        description: 'The differences',
        schema: GraphDiff.extend({ from: z.number().int(), to: z.number().int() }),
      },
      404: { description: 'No such version' },
    },
    async handler({ params, query, deps, c }) {
      const workflow = await loadWorkflow(deps.repos, params.id);
      const from = Graph.parse((await loadVersion(deps.repos, workflow.id, query.from)).graph);
      const to = Graph.parse((await loadVersion(deps.repos, workflow.id, query.to)).graph);
      return c.json({ from: query.from, to: query.to, ...diffGraphs(from, to) });
    },
  }),

  defineRoute({
    method: 'post',
    path: '/workflows/:id/publish',
    operationId: 'publishVersion',
    summary: 'Publish a version; publishing an earlier one is a rollback',
    tag: 'Publications',
    access: 'operate',
    accessFor: ({ params, body, deps }) => publishAccess(deps.repos, params.id, body.version),
    params: WorkflowId,
    body: z.strictObject({ version: VersionNumber }),
    responses: {
      200: {
        description: 'The version is live (`changed` is false when it already was)',
        schema: z.object({
          publishedVersion: z.number().int(),
          changed: z.boolean(),
          publication: Publication.nullable(),
        }),
      },
      404: { description: 'No such version' },
      422: { description: 'The version calls this workflow again through sub-workflows (`call_cycle`)' },
    },
    async handler(request) {
      const { params, body, deps, c, caller } = request;
      const workflow = await loadWorkflow(deps.repos, params.id);
      const version = await loadVersion(deps.repos, workflow.id, body.version);
      await refuseCallCycles(deps.repos, workflow, version.graph, version.id);
      const result = await deps.repos.workflows.publish({
        workflowId: workflow.id,
        versionId: version.id,
        versionNumber: version.number,
        publishedBy: caller?.user.id ?? null,
      });
      if (result.kind === 'published') {
        await audit(request, {
          action: result.publication.kind === 'rollback' ? 'version.rolled_back' : 'version.published',
          objectType: 'workflow',
          objectId: workflow.id,
          details: { version: version.number },
        });
      }
      const publication =
        result.kind === 'published'
          ? (await deps.repos.workflows.listPublications(workflow.id)).find((item) => item.id === result.publication.id)
          : undefined;
      return c.json({
        publishedVersion: version.number,
        changed: result.kind === 'published',
        publication: publication ? toPublication(publication) : null,
      });
    },
  }),

  defineRoute({
    method: 'get',
    path: '/workflows/:id/publications',
    operationId: 'listPublications',
    summary: 'Publication history, newest first (publishes and rollbacks)',
    tag: 'Publications',
    access: 'view',
    params: WorkflowId,
    responses: { 200: { description: 'History', schema: z.object({ items: z.array(Publication) }) } },
    async handler({ params, deps, c }) {
      const workflow = await loadWorkflow(deps.repos, params.id);
      return c.json({ items: (await deps.repos.workflows.listPublications(workflow.id)).map(toPublication) });
    },
  }),
];

function toPublication(item: PublicationListItem): z.output<typeof Publication> {
  return {
    id: item.id,
    version: item.versionNumber,
    previousVersion: item.previousVersionNumber,
    kind: item.kind,
    publishedBy: item.publishedByName,
    publishedById: item.publishedBy,
    publishedAt: item.publishedAt,
  };
}
