import { useCallback, useEffect, useRef, useState } from 'react';
import { API_BASE, call } from '../api/client.ts';
import type { ExecutionDetail, ExecutionStatus, JsonValue, RunEvent, StepRun } from '../api/types.ts';

/**
 * A test run of the draft from the editor: started with a payload, then followed live over
 * server-sent events (a `snapshot`, then `step` and `run` events) so nodes light up as their
 * steps run. The full detail (inputs, outputs, errors) is fetched as steps finish, for the
 * inspector and for expression autocompletion.
 */
export interface TestRun {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  /** Latest status of each node's latest attempt. */
  readonly statuses: Readonly<Record<string, string>>;
  readonly detail: ExecutionDetail | null;
  readonly startedAt: number;
  /** The run bar was closed: nodes lose their colours, the data stays for autocompletion. */
  readonly dismissed: boolean;
}

const TERMINAL: readonly string[] = ['succeeded', 'failed', 'canceled'];

/** The latest attempt of each node's top-level step (iterations inside loops are not a node's colour). */
export function latestAttempts(steps: readonly StepRun[]): Map<string, StepRun> {
  const latest = new Map<string, StepRun>();
  for (const step of steps) {
    if (step.scope !== '') continue;
    const known = latest.get(step.nodeId);
    if (!known || step.attempt >= known.attempt) latest.set(step.nodeId, step);
  }
  return latest;
}

function statusesOf(detail: ExecutionDetail): Record<string, string> {
  return Object.fromEntries([...latestAttempts(detail.steps)].map(([nodeId, step]) => [nodeId, step.status]));
}

export function useTestRun(workflowId: string) {
  const [run, setRun] = useState<TestRun | null>(null);
  const source = useRef<EventSource | null>(null);
  const refresh = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const stop = useCallback(() => {
    source.current?.close();
    source.current = null;
    clearTimeout(refresh.current);
  }, []);
  useEffect(() => stop, [stop]);

  const fetchDetail = useCallback(async (executionId: string) => {
    const detail = await call('GET /executions/:id', { params: { id: executionId } });
    setRun((current) =>
      current && current.executionId === executionId
        ? {
            ...current,
            detail,
            // Events may be ahead of the detail we just read; a finished run's detail is final.
            status: TERMINAL.includes(detail.status) ? detail.status : current.status,
            statuses: { ...statusesOf(detail), ...(TERMINAL.includes(detail.status) ? {} : current.statuses) },
          }
        : current,
    );
  }, []);

  const follow = useCallback(
    (executionId: string) => {
      stop();
      const events = new EventSource(`${API_BASE}/executions/${executionId}/events`);
      source.current = events;
      const scheduleDetail = (delay: number) => {
        clearTimeout(refresh.current);
        refresh.current = setTimeout(() => void fetchDetail(executionId).catch(() => undefined), delay);
      };
      events.addEventListener('snapshot', (message) => {
        const detail = JSON.parse((message as MessageEvent<string>).data) as ExecutionDetail;
        setRun((current) =>
          current?.executionId === executionId
            ? { ...current, detail, status: detail.status, statuses: statusesOf(detail) }
            : current,
        );
        if (TERMINAL.includes(detail.status)) stop();
      });
      events.addEventListener('step', (message) => {
        const event = JSON.parse((message as MessageEvent<string>).data) as Extract<RunEvent, { type: 'step' }>;
        setRun((current) =>
          current?.executionId === executionId && event.scope === ''
            ? { ...current, statuses: { ...current.statuses, [event.nodeId]: event.status } }
            : current,
        );
        if (event.status !== 'running') scheduleDetail(250);
      });
      events.addEventListener('run', (message) => {
        const event = JSON.parse((message as MessageEvent<string>).data) as Extract<RunEvent, { type: 'run' }>;
        setRun((current) => (current?.executionId === executionId ? { ...current, status: event.status } : current));
        if (TERMINAL.includes(event.status)) {
          // The server ends the stream now; close it before EventSource reconnects on its own.
          events.close();
          source.current = null;
          scheduleDetail(0);
        }
      });
      events.onerror = () => {
        // Dropped connection: EventSource retries by itself; meanwhile the detail keeps the page right.
        if (events.readyState === EventSource.CLOSED) scheduleDetail(500);
      };
    },
    [fetchDetail, stop],
  );

  /** Starts a test run of the saved draft; the caller flushes autosave first. Throws ApiError (422: problems). */
  const start = useCallback(
    async (payload: JsonValue) => {
      const { executionId } = await call('POST /workflows/:id/runs', {
        params: { id: workflowId },
        body: { draft: true, payload },
      });
      setRun({ executionId, status: 'queued', statuses: {}, detail: null, startedAt: Date.now(), dismissed: false });
      follow(executionId);
      return executionId;
    },
    [workflowId, follow],
  );

  const dismiss = useCallback(() => {
    setRun((current) => (current ? { ...current, dismissed: true } : current));
  }, []);

  return { run, start, dismiss };
}
