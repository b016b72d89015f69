import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CalendarClock, Pause, Play } from 'lucide-react';
import { Link } from 'react-router';
import { call } from '../../api/client.ts';
import { scheduleQueries } from '../../api/queries/schedules.ts';
import type { Schedule } from '../../api/types.ts';
import { useCan } from '../../auth/session.tsx';
import { Notice } from '../../components/notice.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { Button, EmptyState, ErrorState, errorMessage, PageHeader, Spinner } from '../../components/ui.tsx';
import { formatDateTime, localTimeZone } from '../../lib/format.ts';
import { cronInWords, fireTime } from './cron-words.ts';

/** Every schedule: when it fires, in words and as the next times, how its last run went, pause and resume. */
export function SchedulesPage() {
  const schedules = useQuery({
    ...scheduleQueries.list(),
    // Next fire times move on as time passes.
    refetchInterval: 30_000,
  });
  const zone = localTimeZone();
  return (
    <>
      <PageHeader
        title="Schedules"
        description={
          <>
            Workflows whose published version starts with a schedule trigger. Times are shown in your time zone ({zone}
            ).
          </>
        }
      />
      {schedules.isPending ? (
        <Spinner label="Loading schedules…" />
      ) : schedules.isError ? (
        <ErrorState error={schedules.error} retry={() => schedules.refetch()} />
      ) : schedules.data.length === 0 ? (
        <EmptyState
          icon={<CalendarClock className="size-5" />}
          title="No scheduled workflows"
          action={
            <Link to="/workflows" className="text-sm font-medium text-accent-600 hover:text-accent-700">
              Go to workflows
            </Link>
          }
        >
          Give a workflow a Schedule trigger in the editor, save and publish a version, then activate the workflow: it
          shows up here with its next run times.
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {schedules.data.map((schedule) => (
            <ScheduleCard key={schedule.workflowId} schedule={schedule} localZone={zone} />
          ))}
        </ul>
      )}
    </>
  );
}

function ScheduleCard({ schedule, localZone }: { schedule: Schedule; localZone: string }) {
  const queryClient = useQueryClient();
  const canPause = useCan('publish');
  const toggle = useMutation({
    mutationFn: (pause: boolean) =>
      pause
        ? call('POST /schedules/:id/pause', { params: { id: schedule.workflowId } })
        : call('POST /schedules/:id/resume', { params: { id: schedule.workflowId } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: scheduleQueries.list().queryKey }),
  });
  const words = cronInWords(schedule.cron);
  const state = !schedule.active ? 'inactive' : schedule.paused ? 'paused' : 'running';
  return (
    <li
      className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      data-testid={`schedule-${schedule.workflowName}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <Link
              to={`/workflows/${schedule.workflowId}/versions`}
              className="text-sm font-semibold text-slate-900 hover:text-accent-700"
            >
              {schedule.workflowName}
            </Link>
            <span className="text-xs text-slate-500">v{schedule.version}</span>
            <StateBadge state={state} />
          </div>
          <p className="mt-1.5 text-base text-slate-800">{words ?? schedule.cron}</p>
          <p className="mt-0.5 text-xs text-slate-500">
            <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-slate-700">{schedule.cron}</code> in{' '}
            {schedule.timezone}
          </p>
        </div>
        <div className="flex items-center gap-2">
          {!canPause ? null : schedule.paused ? (
            <Button
              icon={<Play className="size-4" aria-hidden />}
              busy={toggle.isPending}
              onClick={() => toggle.mutate(false)}
              aria-label={`Resume ${schedule.workflowName}`}
            >
              Resume
            </Button>
          ) : (
            <Button
              icon={<Pause className="size-4" aria-hidden />}
              busy={toggle.isPending}
              onClick={() => toggle.mutate(true)}
              aria-label={`Pause ${schedule.workflowName}`}
            >
              Pause
            </Button>
          )}
        </div>
      </div>
      {toggle.isError && (
        <div className="mt-3">
          <Notice kind="error" onDismiss={() => toggle.reset()}>
            {errorMessage(toggle.error)}
          </Notice>
        </div>
      )}
      <div className="mt-4 grid gap-4 border-t border-slate-100 pt-4 sm:grid-cols-[minmax(0,1fr)_14rem]">
        <div>
          <h3 className="mb-1.5 text-xs font-medium text-slate-500">Next runs</h3>
          {schedule.nextFireTimes.length === 0 ? (
            <p className="text-sm text-slate-500">
              {state === 'paused'
                ? 'None while paused.'
                : 'None while the workflow is inactive. Activate it on its versions page.'}
            </p>
          ) : (
            <ol className="flex flex-wrap gap-1.5">
              {schedule.nextFireTimes.map((time) => {
                const shown = fireTime(time, schedule.timezone, localZone);
                return (
                  <li
                    key={time}
                    className="flex flex-col rounded-md bg-slate-50 px-2 py-1 text-xs text-slate-700 ring-1 ring-slate-200 ring-inset"
                  >
                    <time dateTime={time} className="font-medium">
                      {shown.local}
                    </time>
                    {shown.inZone && <span className="text-[11px] text-slate-500">{shown.inZone}</span>}
                  </li>
                );
              })}
            </ol>
          )}
        </div>
        <div>
          <h3 className="mb-1.5 text-xs font-medium text-slate-500">Last scheduled run</h3>
          {schedule.lastRun ? (
            <Link
              to={`/executions/${schedule.lastRun.executionId}`}
              className="inline-flex items-center gap-2 text-sm hover:underline"
              title={formatDateTime(schedule.lastRun.at)}
            >
              <StatusBadge status={schedule.lastRun.status} />
              <RelativeTime iso={schedule.lastRun.at} className="text-slate-600" />
            </Link>
          ) : (
            <p className="text-sm text-slate-400">Not run yet</p>
          )}
        </div>
      </div>
    </li>
  );
}

function StateBadge({ state }: { state: 'inactive' | 'paused' | 'running' }) {
  const styles = {
    running: { text: 'Scheduled', className: 'bg-emerald-50 text-emerald-700' },
    paused: { text: 'Paused', className: 'bg-amber-50 text-amber-700' },
    inactive: { text: 'Workflow inactive', className: 'bg-slate-100 text-slate-600' },
  } as const;
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-medium ${styles[state].className}`}
      data-testid="schedule-state"
    >
      {styles[state].text}
    </span>
  );
}
