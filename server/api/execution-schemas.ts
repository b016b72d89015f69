import { z } from 'zod';
import { EngineEvent } from '../core/engine/events.ts';
import { Graph } from '../core/graph/model.ts';
import type { ExecutionLabels, ExecutionRow } from '../store/executions.ts';
import { EXECUTION_STATUSES, STEP_STATUSES, TRIGGER_KINDS } from '../store/schema.ts';
import type { StepRunRow } from '../store/steps.ts';

const duration = (start: string | null, end: string | null) =>
  start && end ? new Date(end).getTime() - new Date(start).getTime() : null;

export const ExecutionSummary = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    workflowName: z.string(),
    versionId: z.string().nullable(),
    versionNumber: z.number().int().nullable().describe('Null for a test run of the draft'),
    trigger: z.enum(TRIGGER_KINDS),
    status: z.enum(EXECUTION_STATUSES),
    error: z
      .unknown()
      .describe(
        'Why the run failed. Lists carry a summary ({ message, nodeId?, nodeName?, cut? }: the first 500 characters); one execution carries the stored error, its text capped at 256 KiB',
      ),
    retryOf: z.string().nullable().describe('The run this one retries'),
    retriedAs: z
      .string()
      .nullable()
      .describe('The run that retried this one (a run is retried once; retry the retry to go on)'),
    parentExecutionId: z
      .string()
      .nullable()
      .describe('For a sub-workflow run (trigger `subworkflow`): the run whose step called it'),
    errorOf: z
      .string()
      .nullable()
      .describe('For a run of an error workflow (trigger `error`): the failed run it reports'),
    handledErrors: z
      .number()
      .int()
      .describe(
        'Failed attempts whose node settings handled them (continued, or routed to the error port): the run went on, and a run with some still succeeds',
      ),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
  })
  .meta({ id: 'ExecutionSummary' });

export const IterationCounts = z
  .object({
    total: z.number().int().describe('Items in the list'),
    succeeded: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    running: z.number().int(),
  })
  .meta({ id: 'IterationCounts' });

export const StepRun = z
  .object({
    id: z.string(),
    nodeId: z.string(),
    scope: z
      .string()
      .describe('Iteration path inside loops: "" at top level, "3" for the 4th item, "3/7" nested (see nodes/step.ts)'),
    attempt: z.number().int(),
    status: z.enum(STEP_STATUSES),
    input: z.unknown(),
    output: z.unknown(),
    outputPort: z.string().nullable(),
    error: z.unknown(),
    request: z
      .unknown()
      .describe(
        'What an HTTP step sent, { method, url, headers, body? }, every credential secret and Authorization masked, the body capped at 256 KB like outputs; null for steps that send nothing. Not part of the output later steps receive',
      ),
    truncated: z.boolean(),
    reused: z.boolean(),
    handled: z
      .boolean()
      .describe(
        'A failed attempt its node’s settings handled: the run went on by `outputPort` (`error`, or the first port for "continue") with `output`',
      ),
    retryAt: z.string().nullable(),
    continueAt: z.string().nullable().describe('Set by a delay: its successors start no earlier than this'),
    waitingFor: z
      .object({
        kind: z.string().describe('`time`, `callback`, `approval`, or another kind (a loop: its iterations)'),
        until: z.string().nullable().describe('When time resumes it: the wait’s end, or its timeout'),
        role: z.string().nullable().describe('An approval: the least role that may decide'),
        title: z.string().nullable().describe('An approval: its title'),
      })
      .nullable()
      .describe('What a `waiting` (suspended) step waits for; null for any other status'),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    iterations: IterationCounts.optional().describe(
      "A loop's step (in the execution detail): how its iterations stand; page them with /executions/{id}/iterations",
    ),
    child: z
      .object({ executionId: z.string(), status: z.enum(EXECUTION_STATUSES) })
      .nullable()
      .describe('The sub-workflow run this attempt started (a `flow.subworkflow` step); null otherwise'),
  })
  .meta({ id: 'StepRun' });

export const ITERATION_STATUS_FILTERS = ['failed', 'succeeded', 'skipped', 'running'] as const;

export const IterationItem = z
  .object({
    index: z.number().int().describe("The item's position in the loop's list (0-based)"),
    scope: z.string().describe('The scope its steps are stored under (GET /executions/{id}/steps?scope=…)'),
    status: z
      .enum([...ITERATION_STATUS_FILTERS, 'canceled'])
      .describe(
        '`skipped`: its end node did not run, so it gave no output; `canceled`: started, never ended, and its loop is over',
      ),
    error: z.unknown().optional().describe('Why it failed: { message, nodeId?, nodeName? }'),
  })
  .meta({ id: 'Iteration' });

export const ExecutionDetail = ExecutionSummary.extend({
  parent: z
    .object({ executionId: z.string(), workflowId: z.string(), workflowName: z.string(), nodeId: z.string() })
    .nullable()
    .describe('The run and step that called this one as a sub-workflow; null for a run nobody called'),
  triggerPayload: z.unknown(),
  vars: z
    .record(z.string(), z.string())
    .describe('The workspace variables the run read (`vars.NAME`), as they were when it was created'),
  graph: Graph.nullable().describe('The graph the run follows: its version’s, or the draft copy a test run keeps'),
  steps: z.array(StepRun),
}).meta({ id: 'Execution' });

type SummaryRow = Pick<
  ExecutionRow,
  | 'id'
  | 'workflowId'
  | 'versionId'
  | 'trigger'
  | 'status'
  | 'error'
  | 'retryOf'
  | 'parentExecutionId'
  | 'errorOf'
  | 'createdAt'
  | 'startedAt'
  | 'finishedAt'
> &
  ExecutionLabels;

export function toExecutionSummary(row: SummaryRow): z.output<typeof ExecutionSummary> {
  return {
    id: row.id,
    workflowId: row.workflowId,
    workflowName: row.workflowName,
    versionId: row.versionId,
    versionNumber: row.versionNumber,
    trigger: row.trigger,
    status: row.status,
    error: row.error ?? null,
    retryOf: row.retryOf,
    retriedAs: row.retriedAs,
    parentExecutionId: row.parentExecutionId,
    errorOf: row.errorOf,
    handledErrors: row.handledErrors,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: duration(row.startedAt, row.finishedAt),
  };
}

export function toStepRun(row: StepRunRow, child: z.output<typeof StepRun>['child'] = null): z.output<typeof StepRun> {
  return {
    id: row.id,
    nodeId: row.nodeId,
    scope: row.scope,
    attempt: row.attempt,
    status: row.status,
    input: row.input ?? null,
    output: row.output ?? null,
    outputPort: row.outputPort,
    error: row.error ?? null,
    request: row.request ?? null,
    truncated: row.truncated,
    reused: row.reused,
    handled: row.handled,
    retryAt: row.retryAt,
    continueAt: row.continueAt,
    waitingFor: row.waitingFor ?? null,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: duration(row.startedAt, row.finishedAt),
    child,
  };
}

/** A `step` or `run` event of the live streams (`/executions/:id/events` after its snapshot, webhooks waiting for a result). */
export const RunEvent = EngineEvent;
export type RunEvent = z.output<typeof RunEvent>;
