import { z } from 'zod';
import { diffGraphs, GraphDiff } from '../../core/diff.ts';
import { Graph } from '../../core/graph.ts';
import { validateGraph } from '../../core/validate.ts';
import type { Store } from '../../store/db.ts';
import { listPublications, publishVersion } from '../../store/publications.ts';
import { userDisplayName } from '../../store/users.ts';
import { getVersionByNumber, insertVersion, listVersions } from '../../store/versions.ts';
import { getWorkflowListItem } from '../../store/workflows.ts';
import { audit } from '../audit.ts';
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

const namesFrom =
  (store: Store): NameOf =>
  (id) =>
    userDisplayName(store.sqlite, id);

/**
 * Publishing a version older than the live one is a rollback, which operators may do; publishing
 * a newer one (or the first) is an admin's. Unknown workflows and versions get the stricter rule.
 */
export function publishAccess(store: Store, workflowId: string, versionNumber: number): 'operate' | 'publish' {
  const live = getWorkflowListItem(store.db, workflowId)?.publishedVersion;
  const exists = getVersionByNumber(store.db, workflowId, versionNumber) !== undefined;
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
    handler({ params, deps, c }) {
      const workflow = loadWorkflow(deps.store.db, params.id);
      const items = listVersions(deps.store.db, workflow.id).map((row) =>
        toVersionSummary(row, workflow.publishedVersionId, namesFrom(deps.store)),
      );
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
      422: { description: 'The graph is not valid; nothing was saved', schema: GraphProblems },
    },
    handler(request) {
      const { params, body, deps, c, caller } = request;
      const workflow = loadWorkflow(deps.store.db, params.id);
      const graph = body.graph ?? Graph.parse(workflow.draft);
      const problems = validateGraph(graph);
      if (problems.length > 0) throw invalidGraph(problems);
      const version = insertVersion(deps.store.db, {
        workflowId: workflow.id,
        graph,
        message: body.message,
        authorId: caller?.user.id ?? null,
      });
      audit(request, {
        action: 'version.saved',
        objectType: 'workflow',
        objectId: workflow.id,
        details: { version: version.number },
      });
      return c.json(toVersion(version, workflow.publishedVersionId, namesFrom(deps.store)), 201);
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
    handler({ params, deps, c }) {
      const workflow = loadWorkflow(deps.store.db, params.id);
      const version = loadVersion(deps.store.db, workflow.id, params.number);
      return c.json(toVersion(version, workflow.publishedVersionId, namesFrom(deps.store)));
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
    handler({ params, query, deps, c }) {
      const workflow = loadWorkflow(deps.store.db, params.id);
      const from = Graph.parse(loadVersion(deps.store.db, workflow.id, query.from).graph);
      const to = Graph.parse(loadVersion(deps.store.db, workflow.id, query.to).graph);
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
    accessFor: ({ params, body, deps }) => publishAccess(deps.store, params.id, body.version),
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
    },
    handler(request) {
      const { params, body, deps, c, caller } = request;
      const workflow = loadWorkflow(deps.store.db, params.id);
      const version = loadVersion(deps.store.db, workflow.id, body.version);
      const result = publishVersion(deps.store.db, {
        workflowId: workflow.id,
        versionId: version.id,
        versionNumber: version.number,
        publishedBy: caller?.user.id ?? null,
      });
      if (result.kind === 'published') {
        audit(request, {
          action: result.publication.kind === 'rollback' ? 'version.rolled_back' : 'version.published',
          objectType: 'workflow',
          objectId: workflow.id,
          details: { version: version.number },
        });
      }
      const publication =
        result.kind === 'published'
          ? listPublications(deps.store.db, workflow.id).find((item) => item.id === result.publication.id)
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
    handler({ params, deps, c }) {
      const workflow = loadWorkflow(deps.store.db, params.id);
      return c.json({ items: listPublications(deps.store.db, workflow.id).map(toPublication) });
    },
  }),
];

function toPublication(item: ReturnType<typeof listPublications>[number]): z.output<typeof Publication> {
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
