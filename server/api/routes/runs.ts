import { z } from 'zod';
import { Graph } from '../../core/graph/model.ts';
import { validateGraph } from '../../core/validate.ts';
import { type AuditEvent, audit } from '../audit.ts';
import { refuseUnusableCredentials } from '../credential-use.ts';
import { ApiError } from '../errors.ts';
import { loadVersion, loadWorkflow } from '../load.ts';
import { defineRoute } from '../route.ts';
import { runServiceOf } from '../run-service.ts';
import { GraphProblems, WorkflowId } from '../schemas.ts';
import { invalidGraph } from './versions.ts';

const runTriggered = (workflowId: string, executionId: string, trigger: string, version?: number): AuditEvent => ({
  action: 'run.triggered',
  objectType: 'workflow',
  objectId: workflowId,
  details: { executionId, trigger, ...(version !== undefined ? { version } : {}) },
});

export const runRoutes = [
  defineRoute({
    method: 'post',
    path: '/workflows/:id/runs',
    operationId: 'startRun',
    summary: 'Run the published version (default), a given version, or the current draft (a test run)',
    tag: 'Runs',
    // A test run of the draft is an analyst's (edit); running a version is an admin's (publish).
    access: 'edit',
    accessFor: ({ body }) => (body.draft ? 'edit' : 'publish'),
    params: WorkflowId,
    body: z
      .strictObject({
        payload: z.json().optional().describe('The trigger payload; {} when absent'),
        version: z.number().int().min(1).optional().describe('Run this version instead of the published one'),
        draft: z.literal(true).optional().describe('Test-run the current draft; the run keeps a copy of it'),
      })
      .refine((body) => !(body.version !== undefined && body.draft), {
        message: 'give "version" or "draft", not both',
        path: ['draft'],
      }),
    responses: {
      201: { description: 'The run is queued', schema: z.object({ executionId: z.string() }) },
      404: { description: 'No such workflow or version' },
      409: { description: 'Nothing to run: no published version' },
      422: { description: 'The draft has problems; nothing was run', schema: GraphProblems },
    },
    async handler(request) {
      const { params, body, deps, c } = request;
      const runs = runServiceOf(deps);
      const workflow = await loadWorkflow(deps.repos, params.id);
      const payload = body.payload ?? {};
      if (body.draft) {
        const graph = Graph.parse(workflow.draft);
        const problems = validateGraph(graph);
        if (problems.length > 0) throw invalidGraph(problems);
        await refuseUnusableCredentials(deps.repos, request.caller, [graph]);
        const execution = await runs.start({
          workflowId: workflow.id,
          versionId: null,
          graph,
          trigger: 'test',
          payload,
          createdBy: request.caller?.user.id ?? null,
        });
        await audit(request, runTriggered(workflow.id, execution.id, 'test'));
        return c.json({ executionId: execution.id }, 201);
      }
      const version =
        body.version !== undefined
          ? await loadVersion(deps.repos, workflow.id, body.version)
          : workflow.publishedVersionId
            ? await deps.repos.workflows.getVersion(workflow.publishedVersionId)
            : undefined;
      if (!version)
        throw new ApiError(409, 'not_published', 'the workflow has no published version; publish one or run the draft');
      await refuseUnusableCredentials(deps.repos, request.caller, [version.graph]);
      const execution = await runs.start({
        workflowId: workflow.id,
        versionId: version.id,
        trigger: 'manual',
        payload,
        createdBy: request.caller?.user.id ?? null,
      });
      await audit(request, runTriggered(workflow.id, execution.id, 'manual', version.number));
      return c.json({ executionId: execution.id }, 201);
    },
  }),
];
