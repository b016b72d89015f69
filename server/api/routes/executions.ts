import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { findNodeType } from '../../../nodes/catalogue.ts';
import { Scope } from '../../../nodes/step.ts';
import { Graph, NodeId } from '../../core/graph/model.ts';
import { RunConflict } from '../../runs/service.ts';
import { type ExecutionFamily, TERMINAL_STATUSES } from '../../store/executions.ts';
import type { Repositories } from '../../store/repositories.ts';
import { EXECUTION_STATUSES, TRIGGER_KINDS } from '../../store/schema.ts';
import { audit } from '../audit.ts';
import { cursorParam, page } from '../cursor.ts';
import { ApiError, notFound } from '../errors.ts';
import {
  ExecutionDetail,
  ExecutionSummary,
  ITERATION_STATUS_FILTERS,
  IterationItem,
  type RunEvent,
  StepRun,
  toExecutionSummary,
  toStepRun,
} from '../execution-schemas.ts';
import { defineRoute } from '../route.ts';
import { runServiceOf } from '../run-service.ts';
import { runEventsRoute } from './run-events.ts';

const ExecutionId = z.strictObject({ id: z.uuid() });

async function executionDetail(repos: Repositories, id: string): Promise<z.output<typeof ExecutionDetail>> {
  const execution = await repos.executions.get(id);
  if (!execution) throw notFound(`execution ${id}`);
  const version = execution.versionId ? await repos.workflows.getVersion(execution.versionId) : undefined;
  const graph = version ? version.graph : execution.graph;
  const labels = await repos.executions.labels(id);
  // The top scope only: a loop's iterations are paged (/iterations) and read a scope at a time (/steps).
  const steps = await repos.executions.steps(id, '');
  const family = await repos.executions.family(id);
  const childOf = childLinks(family);
  // Stored graphs were valid when written; parsing guards against older code's data.
  const parsed = graph ? Graph.parse(graph) : null;
  const loops = (parsed?.nodes ?? [])
    .filter((node) => findNodeType(node.type)?.affordances.includes('loop-frame'))
    .map((node) => node.id);
  const iterations = loops.length > 0 ? await repos.executions.iterationCounts(id, loops) : new Map();
  return {
    ...toExecutionSummary({ ...execution, ...labels }),
    parent: family.parent,
    triggerPayload: execution.triggerPayload ?? null,
    vars: execution.vars ?? {},
    graph: parsed,
    steps: steps.map((step) => {
      const counts = iterations.get(step.nodeId);
      return { ...toStepRun(step, childOf(step)), ...(counts ? { iterations: counts } : {}) };
    }),
  };
}

/** How often an idle progress stream sends a comment, so proxies do not close it. */
const HEARTBEAT_MS = 15_000;

export const executionRoutes = [
  defineRoute({
    method: 'get',
    path: '/executions',
    operationId: 'listExecutions',
    summary: 'List executions, newest first, with filters',
    tag: 'Executions',
    access: 'view',
    query: z.object({
      workflowId: z.uuid().optional(),
      parent: z.uuid().optional().describe('Only the sub-workflow runs this run’s steps started'),
      status: z.enum(EXECUTION_STATUSES).optional(),
      trigger: z.enum(TRIGGER_KINDS).optional(),
      from: z.iso.datetime().optional().describe('Created at or after'),
      to: z.iso.datetime().optional().describe('Created at or before'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: cursorParam({ createdAt: z.string(), id: z.string() }).optional(),
    }),
    responses: {
      200: {
        description: 'A page of executions',
        schema: z.object({ items: z.array(ExecutionSummary), nextCursor: z.string().nullable() }),
      },
    },
    async handler({ query, deps, c }) {
      const rows = await deps.repos.executions.list({
        ...(query.workflowId ? { workflowId: query.workflowId } : {}),
        ...(query.parent ? { parentExecutionId: query.parent } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.trigger ? { trigger: query.trigger } : {}),
        ...(query.from ? { from: new Date(query.from).toISOString() } : {}),
        ...(query.to ? { to: new Date(query.to).toISOString() } : {}),
        ...(query.cursor ? { after: query.cursor } : {}),
        limit: query.limit + 1,
      });
      const { rows: items, nextCursor } = page(rows, query.limit, (row) => ({ createdAt: row.createdAt, id: row.id }));
      return c.json({ items: items.map(toExecutionSummary), nextCursor });
    },
  }),

  defineRoute({
    method: 'get',
    path: '/executions/:id',
    operationId: 'getExecution',
    summary: 'An execution with every attempt of every step: input, output, port, error, timings',
    tag: 'Executions',
    access: 'view',
    params: ExecutionId,
    responses: {
      200: { description: 'The execution', schema: ExecutionDetail },
      404: { description: 'No such execution' },
    },
    async handler({ params, deps, c }) {
      return c.json(await executionDetail(deps.repos, params.id));
    },
  }),

  defineRoute({
    method: 'get',
    path: '/executions/:id/iterations',
    operationId: 'listExecutionIterations',
    summary: "A loop step's iterations, in item order, a page at a time",
    tag: 'Executions',
    access: 'view',
    params: ExecutionId,
    query: z.object({
      node: NodeId.describe('The loop node'),
      scope: Scope.default('').describe('The loop\'s own step\'s scope ("" for a loop at the top level)'),
      cursor: z.coerce.number().int().min(0).default(0).describe('The index to start at'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      status: z.enum(ITERATION_STATUS_FILTERS).optional(),
    }),
    responses: {
      200: {
        description: 'A page of iterations',
        schema: z.object({ items: z.array(IterationItem), nextCursor: z.number().int().nullable() }),
      },
      404: { description: 'No such execution' },
    },
    async handler({ params, query, deps, c }) {
      if (!(await deps.repos.executions.status(params.id))) throw notFound(`execution ${params.id}`);
      const page = await deps.repos.executions.iterations({
        executionId: params.id,
        nodeId: query.node,
        scope: query.scope,
        cursor: query.cursor,
        limit: query.limit,
        ...(query.status ? { status: query.status } : {}),
      });
      return c.json({ items: page.items.map((item) => ({ ...item })), nextCursor: page.nextCursor });
    },
  }),

  defineRoute({
    method: 'get',
    path: '/executions/:id/steps',
    operationId: 'listExecutionSteps',
    summary: 'Every attempt of every step of one scope (a loop iteration: "3", "3/7")',
    tag: 'Executions',
    access: 'view',
    params: ExecutionId,
    query: z.object({ scope: Scope.default('') }),
    responses: {
      200: { description: 'The steps of that scope', schema: z.object({ steps: z.array(StepRun) }) },
      404: { description: 'No such execution' },
    },
    async handler({ params, query, deps, c }) {
      if (!(await deps.repos.executions.status(params.id))) throw notFound(`execution ${params.id}`);
      const steps = await deps.repos.executions.steps(params.id, query.scope);
      const childOf = childLinks(await deps.repos.executions.family(params.id));
      return c.json({ steps: steps.map((step) => toStepRun(step, childOf(step))) });
    },
  }),

  defineRoute({
    method: 'post',
    path: '/executions/:id/cancel',
    operationId: 'cancelExecution',
    summary: 'Cancel a queued or running execution: no further steps are scheduled',
    tag: 'Executions',
    access: 'operate',
    params: ExecutionId,
    responses: {
      200: { description: 'Canceled', schema: ExecutionSummary },
      404: { description: 'No such execution' },
      409: { description: 'The execution has already ended' },
    },
    async handler(request) {
      const { params, deps, c } = request;
      const runs = runServiceOf(deps);
      const execution = await deps.repos.executions.get(params.id);
      if (!execution) throw notFound(`execution ${params.id}`);
      if (!(await runs.cancel(params.id))) {
        throw new ApiError(409, 'already_ended', `the execution has already ended (${execution.status})`);
      }
      await audit(request, {
        action: 'run.canceled',
        objectType: 'execution',
        objectId: params.id,
        details: { workflowId: execution.workflowId },
      });
      const labels = await deps.repos.executions.labels(params.id);
      const canceled = (await deps.repos.executions.get(params.id)) ?? execution;
      return c.json(toExecutionSummary({ ...canceled, ...labels }));
    },
  }),

  defineRoute({
    method: 'post',
    path: '/executions/:id/retry',
    operationId: 'retryExecution',
    summary: 'Retry a failed or canceled execution: from the failed step, or fresh on the published version',
    tag: 'Executions',
    access: 'operate',
    params: ExecutionId,
    body: z.strictObject({ mode: z.enum(['from-failure', 'fresh']).default('from-failure') }),
    responses: {
      201: { description: 'The new execution', schema: z.object({ executionId: z.string() }) },
      404: { description: 'No such execution' },
      409: { description: 'The execution cannot be retried' },
    },
    async handler(request) {
      const { params, body, deps, c } = request;
      const runs = runServiceOf(deps);
      if (!(await deps.repos.executions.get(params.id))) throw notFound(`execution ${params.id}`);
      try {
        const execution = await runs.retry(params.id, body.mode, request.caller?.user.id ?? null);
        await audit(request, {
          action: 'run.retried',
          objectType: 'execution',
          objectId: params.id,
          details: { executionId: execution.id, mode: body.mode, workflowId: execution.workflowId },
        });
        return c.json({ executionId: execution.id }, 201);
      } catch (error) {
        if (error instanceof RunConflict) throw new ApiError(409, 'cannot_retry', error.message, error.details);
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'get',
    path: '/executions/:id/events',
    operationId: 'streamExecutionEvents',
    summary: 'Live progress (server-sent events): a `snapshot`, then `step` and `run` events until the run ends',
    tag: 'Executions',
    access: 'view',
    params: ExecutionId,
    responses: { 200: { description: 'text/event-stream' }, 404: { description: 'No such execution' } },
    async handler({ params, deps, c }) {
      const runs = runServiceOf(deps);
      if (!(await deps.repos.executions.get(params.id))) throw notFound(`execution ${params.id}`);
      return streamSSE(c, async (stream) => {
        // Subscribe before reading the snapshot, so nothing falls between the two.
        const queue: RunEvent[] = [];
        let wake: (() => void) | undefined;
        const unsubscribe = runs.subscribe(params.id, (event) => {
          queue.push(event);
          wake?.();
        });
        let open = true;
        stream.onAbort(() => {
          open = false;
          wake?.();
        });
        try {
          const snapshot = await executionDetail(deps.repos, params.id);
          await stream.writeSSE({ event: 'snapshot', data: JSON.stringify(snapshot) });
          let ended = TERMINAL_STATUSES.includes(snapshot.status);
          while (open && !ended) {
            if (queue.length === 0) {
              let timer: NodeJS.Timeout | undefined;
              await new Promise<void>((resolve) => {
                wake = resolve;
                timer = setTimeout(resolve, HEARTBEAT_MS);
              });
              clearTimeout(timer);
              wake = undefined;
              if (queue.length === 0 && open) await stream.write(': keep-alive\n\n');
              continue;
            }
            const event = queue.shift() as RunEvent;
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
            if (event.type === 'run' && TERMINAL_STATUSES.includes(event.status)) ended = true;
          }
        } finally {
          unsubscribe();
        }
      });
    },
  }),

  // All executions' run changes, for live lists: its own file, since it never ends by itself.
  runEventsRoute,
];

/** The sub-workflow run each step attempt started, from a run's family (null for the others). */
function childLinks(family: ExecutionFamily) {
  return (step: { nodeId: string; scope: string; attempt: number }) => {
    const child = family.children.find(
      (entry) => entry.nodeId === step.nodeId && entry.scope === step.scope && entry.attempt === step.attempt,
    );
    return child ? { executionId: child.executionId, status: child.status } : null;
  };
}
