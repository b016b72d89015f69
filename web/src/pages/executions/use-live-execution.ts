import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { API_BASE } from '../../api/client.ts';
import { executionQueries } from '../../api/queries/executions.ts';
import type { ExecutionDetail } from '../../api/types.ts';

/** Not ended: it may still change (a waiting run, once something resumes it). */
export const isLive = (status: string | undefined) =>
  status === 'queued' || status === 'running' || status === 'waiting';

/**
 * One execution, kept current while it runs: the server's event stream (a `snapshot`, then `step`
 * and `run` events) triggers a refetch of the detail, since events carry statuses but not data.
 * Polling every 3 s stays on as a safety net if the stream drops.
 */
export function useLiveExecution(id: string) {
  const queryClient = useQueryClient();
  const execution = useQuery({
    ...executionQueries.detail(id),
    refetchInterval: (query) => (isLive(query.state.data?.status) ? 3_000 : false),
  });
  const live = isLive(execution.data?.status);

  useEffect(() => {
    if (!live || typeof EventSource === 'undefined') return;
    const { queryKey } = executionQueries.detail(id);
    const source = new EventSource(`${API_BASE}/executions/${id}/events`, { withCredentials: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Events come in bursts (a step ends, the next starts): one refetch per burst is enough.
    const refetch = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: queryKey });
      }, 150);
    };
    source.addEventListener('snapshot', (event) => {
      queryClient.setQueryData(queryKey, JSON.parse((event as MessageEvent<string>).data) as ExecutionDetail);
    });
    source.addEventListener('step', refetch);
    source.addEventListener('run', (event) => {
      refetch();
      const data = JSON.parse((event as MessageEvent<string>).data) as { status: string };
      if (!isLive(data.status)) {
        source.close();
        void queryClient.invalidateQueries({ queryKey: executionQueries.lists });
      }
    });
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [id, live, queryClient]);

  return execution;
}
