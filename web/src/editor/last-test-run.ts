import { type QueryClient, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { executionQueries } from '../api/queries/executions.ts';
import type { ExecutionDetail } from '../api/types.ts';

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
    ...executionQueries.lastTestRun(workflowId),
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
  void queryClient.invalidateQueries({
    queryKey: executionQueries.lastTestRun(workflowId).queryKey,
    refetchType: 'none',
  });
}
