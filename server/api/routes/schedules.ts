import { z } from 'zod';
import { nextFires } from '../../core/schedule.ts';
import { versionSchedule } from '../../scheduler/scheduler.ts';
import type { Repositories } from '../../store/repositories.ts';
import { audit } from '../audit.ts';
import { notFound } from '../errors.ts';
import { defineRoute } from '../route.ts';
import { WorkflowId } from '../schemas.ts';

export const ScheduleShape = z
  .object({
    workflowId: z.string(),
    workflowName: z.string(),
    version: z.number().int().describe('The published version the schedule comes from'),
    cron: z.string(),
    timezone: z.string(),
    active: z.boolean().describe('The workflow is active (its triggers fire)'),
    paused: z.boolean(),
    nextFireTimes: z.array(z.string()).describe('The next five slots (empty while inactive or paused)'),
    lastRun: z.object({ executionId: z.string(), status: z.string(), at: z.string() }).nullable(),
  })
  .meta({ id: 'Schedule' });

/** Every schedule, or only the given workflow's. */
async function schedules(
  repos: Repositories,
  onlyWorkflowId?: string,
  now = new Date(),
): Promise<Array<z.output<typeof ScheduleShape>>> {
  const items: Array<z.output<typeof ScheduleShape>> = [];
  for (const workflow of await repos.schedules.listPublished()) {
    if (onlyWorkflowId !== undefined && workflow.workflowId !== onlyWorkflowId) continue;
    const schedule = await versionSchedule(repos, workflow.versionId);
    if (!schedule) continue;
    const last = await repos.schedules.lastScheduledRun(workflow.workflowId);
    items.push({
      workflowId: workflow.workflowId,
      workflowName: workflow.name,
      version: workflow.versionNumber,
      cron: schedule.cron,
      timezone: schedule.timezone,
      active: workflow.active,
      paused: workflow.paused,
      nextFireTimes:
        workflow.active && !workflow.paused ? nextFires(schedule, 5, now).map((time) => time.toISOString()) : [],
      lastRun: last ? { executionId: last.id, status: last.status, at: last.createdAt } : null,
    });
  }
  return items;
}

export const scheduleRoutes = [
  defineRoute({
    method: 'get',
    path: '/schedules',
    operationId: 'listSchedules',
    summary: 'Every schedule (published versions starting with a schedule trigger) with its next fire times',
    tag: 'Schedules',
    access: 'view',
    responses: { 200: { description: 'Schedules', schema: z.object({ items: z.array(ScheduleShape) }) } },
    async handler({ deps, c }) {
      return c.json({ items: await schedules(deps.repos) });
    },
  }),
  ...(['pause', 'resume'] as const).map((action) =>
    defineRoute({
      method: 'post',
      path: `/schedules/:id/${action}`,
      operationId: `${action}Schedule`,
      summary: action === 'pause' ? 'Pause a workflow’s schedule' : 'Resume a paused schedule',
      tag: 'Schedules',
      access: 'publish',
      params: WorkflowId,
      responses: {
        200: { description: 'The schedule', schema: ScheduleShape },
        404: { description: 'No scheduled workflow with this id' },
      },
      async handler(request) {
        const { params, deps, c } = request;
        const [existing] = await schedules(deps.repos, params.id);
        if (!existing) throw notFound(`schedule of workflow ${params.id}`);
        await deps.repos.schedules.setPaused(params.id, action === 'pause');
        if (existing.paused !== (action === 'pause')) {
          await audit(request, {
            action: action === 'pause' ? 'schedule.paused' : 'schedule.resumed',
            objectType: 'workflow',
            objectId: params.id,
          });
        }
        const [updated] = await schedules(deps.repos, params.id);
        return c.json(updated ?? existing);
      },
    }),
  ),
];
