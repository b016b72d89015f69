import type { ExecutionListQuery } from '../../api/queries/executions.ts';
import type { ExecutionStatus, TriggerKind } from '../../api/types.ts';

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'queued',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'canceled',
];
export const TRIGGER_KINDS: readonly TriggerKind[] = [
  'manual',
  'schedule',
  'webhook',
  'retry',
  'test',
  'error',
  'subworkflow',
];

/**
 * The executions list's filters, as they sit in the URL (`?workflowId=&status=&trigger=&from=&to=`):
 * links from elsewhere (the editor's "Executions") and reloads show the same list. `from` and `to`
 * are local date-times as an `<input type="datetime-local">` holds them ("2026-11-22T09:30").
 */
export interface ExecutionFilters {
  readonly workflowId?: string;
  readonly status?: ExecutionStatus;
  readonly trigger?: TriggerKind;
  readonly from?: string;
  readonly to?: string;
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the filters from a URL query; a value that cannot be a filter is ignored, not sent on. */
export function filtersFromParams(params: URLSearchParams): ExecutionFilters {
  const pick = <T extends string>(value: string | null, allowed: readonly T[]) =>
    value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
  const time = (value: string | null) => (value && LOCAL_DATE_TIME.test(value) ? value : undefined);
  const workflowId = params.get('workflowId');
  return clean({
    workflowId: workflowId && UUID.test(workflowId) ? workflowId : undefined,
    status: pick(params.get('status'), EXECUTION_STATUSES),
    trigger: pick(params.get('trigger'), TRIGGER_KINDS),
    from: time(params.get('from')),
    to: time(params.get('to')),
  });
}

/** The URL query for some filters, in a stable order, without empty values. */
export function paramsFromFilters(filters: ExecutionFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['workflowId', 'status', 'trigger', 'from', 'to'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params;
}

/** What the API is asked: local date-times become instants (ISO, UTC). `to` includes its whole minute. */
export function apiQuery(filters: ExecutionFilters): ExecutionListQuery {
  const instant = (local: string | undefined, endOfMinute = false) => {
    if (!local) return undefined;
    const date = new Date(local);
    if (Number.isNaN(date.getTime())) return undefined;
    if (endOfMinute && local.length === 16) date.setSeconds(59, 999);
    return date.toISOString();
  };
  return {
    workflowId: filters.workflowId,
    status: filters.status,
    trigger: filters.trigger,
    from: instant(filters.from),
    to: instant(filters.to, true),
  };
}

export const hasFilters = (filters: ExecutionFilters) => Object.keys(clean(filters)).length > 0;

function clean(filters: ExecutionFilters): ExecutionFilters {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== ''));
}

/**
 * How often the list asks again by itself. Without the live stream (`/events/runs`): quickly while
 * something it shows is still going, slowly otherwise. With it, runs queued and ended are told, but
 * not a queued run starting: only a queued run needs asking after, and a slow poll stays as a net.
 */
export function refreshInterval(statuses: readonly string[], streaming = false): number {
  if (streaming) return statuses.includes('queued') ? 2_000 : 30_000;
  return statuses.some((status) => status === 'queued' || status === 'running' || status === 'waiting')
    ? 2_000
    : 15_000;
}
