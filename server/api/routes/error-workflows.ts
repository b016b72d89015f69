import { z } from 'zod';
import { testErrorPayload } from '../../core/engine/error-payload.ts';
import { Graph } from '../../core/graph/model.ts';
import { audit } from '../audit.ts';
import { ERROR_TRIGGER } from '../error-workflow-check.ts';
import { ApiError } from '../errors.ts';
import { loadWorkflow } from '../load.ts';
import { defineRoute } from '../route.ts';
import { runServiceOf } from '../run-service.ts';
import { WorkflowId } from '../schemas.ts';

export const errorWorkflowRoutes = [
  defineRoute({
    method: 'post',
    path: '/workflows/:id/test-error',
    operationId: 'sendTestError',
    summary: 'Start the error workflow with a sample error (`test: true`), to see it work without failing anything',
    tag: 'Runs',
    // It starts a run of a published version: an admin's right, as triggering a published run is.
    access: 'publish',
    params: WorkflowId,
    body: z
      .strictObject({
        errorWorkflowId: z
          .string()
          .min(1)
          .max(64)
          .optional()
          .describe('The error workflow to try; default: the one the draft’s settings name'),
      })
      .default({}),
    responses: {
      201: { description: 'The error workflow’s run is queued', schema: z.object({ executionId: z.string() }) },
      404: { description: 'No such workflow' },
      409: { description: 'No error workflow is named, or it has no published version starting with an Error trigger' },
    },
    async handler(request) {
      const { params, body, deps, c } = request;
      const workflow = await loadWorkflow(deps.repos, params.id);
      const named = body.errorWorkflowId ?? Graph.safeParse(workflow.draft).data?.settings?.errorWorkflowId;
      if (!named) throw new ApiError(409, 'no_error_workflow', 'the workflow names no error workflow in its settings');
      const target = await deps.repos.workflows.get(named);
      if (!target) throw new ApiError(409, 'no_error_workflow', `there is no workflow ${named}`);
      const graph = target.publishedVersionId
        ? await deps.repos.workflows.versionGraph(target.publishedVersionId)
        : null;
      const trigger = Graph.safeParse(graph).data?.nodes.find((node) => node.type.startsWith('trigger.'));
      if (!target.publishedVersionId || trigger?.type !== ERROR_TRIGGER) {
        throw new ApiError(
          409,
          'no_error_workflow',
          `"${target.name}" has no published version starting with an Error trigger; publish one first`,
        );
      }
      const execution = await runServiceOf(deps).start({
        workflowId: target.id,
        versionId: target.publishedVersionId,
        trigger: 'error',
        payload: testErrorPayload({ id: workflow.id, name: workflow.name }, deps.config.publicUrl),
        createdBy: request.caller?.user.id ?? null,
      });
      await audit(request, {
        action: 'run.triggered',
        objectType: 'workflow',
        objectId: target.id,
        details: { executionId: execution.id, trigger: 'error', testErrorOf: workflow.id },
      });
      return c.json({ executionId: execution.id }, 201);
    },
  }),
];
