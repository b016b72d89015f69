import { type QueryClient, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { ExecutionDetail, ExecutionSummary } from '../api/types.ts';

type Get = <T>(path: string, query?: Record<string, string | number>) => Promise<T>;

/**
 * The workflow's most recent test run with every step's input and output, or null when it was
 * never test-run. Expression autocompletion reads real paths from it after a reload, until a
 * test run of this editor session replaces it.
 */
export async function fetchLastTestRun(get: Get, workflowId: string): Promise<ExecutionDetail | null> {
  const { items } = await get<{ items: ExecutionSummary[] }>('/executions', {
    workflowId,
    trigger: 'test',
    limit: 1,
  });
  const last = items[0];
  return last ? get<ExecutionDetail>(`/executions/${last.id}`) : null;
}

export const lastTestRunKey = (workflowId: string) => ['last-test-run', workflowId] as const;

/**
 * True once the browser is idle after the editor first drew itself. A big workflow's last run can
 * be megabytes of JSON: reading it must not compete with opening the canvas.
 */
function useIdle(): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(() => setIdle(true), { timeout: 2000 });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(() => setIdle(true), 200);
    return () => clearTimeout(timer);
  }, []);
  return idle;
}

/** The stored last test run, loaded in the background; undefined while unknown or unreadable. */
export function useLastTestRun(workflowId: string): ExecutionDetail | null | undefined {
  const idle = useIdle();
  const query = useQuery({
    queryKey: lastTestRunKey(workflowId),
    queryFn: () => fetchLastTestRun(api.get, workflowId),
    enabled: idle,
    // Only a new test run makes it stale, and that run's own data is used meanwhile (see below).
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: 1,
  });
  return query.data;
}

/** A test run was started here: the next visit of the editor reads the newest run again. */
export function forgetLastTestRun(queryClient: QueryClient, workflowId: string): void {
  void queryClient.invalidateQueries({ queryKey: lastTestRunKey(workflowId), refetchType: 'none' });
}
