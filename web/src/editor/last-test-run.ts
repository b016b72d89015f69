import { type QueryClient, useQuery } from '@tanstack/react-query';
import { executionQueries } from '../api/queries/executions.ts';
import type { ExecutionDetail } from '../api/types.ts';
import { useIdle } from '../lib/use-idle.ts';

/**
 * The stored last test run, loaded in the background once the editor has drawn itself (a big
 * workflow's last run can be megabytes of JSON); undefined while unknown or unreadable.
 */
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
