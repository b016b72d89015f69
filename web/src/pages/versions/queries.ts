import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/client.ts';
import { scheduleQueries } from '../../api/queries/schedules.ts';
import { versionQueries } from '../../api/queries/versions.ts';
import { workflowQueries } from '../../api/queries/workflows.ts';
import { setActive } from '../workflows/api.ts';

/** Reads and writes of one workflow's versions, shared by the versions, version and compare pages. */

export const useWorkflow = (id: string) => useQuery(workflowQueries.detail(id));

export const useVersions = (id: string) => useQuery(versionQueries.list(id));

export const usePublications = (id: string) => useQuery(versionQueries.publications(id));

/** `number` null: no version chosen yet, nothing asked. */
export const useVersion = (id: string, number: number | null) =>
  useQuery({ ...versionQueries.detail(id, number ?? 0), enabled: number !== null });

export const useDiff = (id: string, from: number, to: number) => useQuery(versionQueries.diff(id, from, to));

function useRefreshWorkflow(id: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all(
      [
        workflowQueries.detail(id).queryKey,
        versionQueries.list(id).queryKey,
        versionQueries.publications(id).queryKey,
        workflowQueries.lists,
        scheduleQueries.list().queryKey,
      ].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
    );
}

export function usePublish(id: string) {
  const refresh = useRefreshWorkflow(id);
  return useMutation({
    mutationFn: (version: number) => call('POST /workflows/:id/publish', { params: { id }, body: { version } }),
    onSuccess: () => refresh(),
  });
}

export function useActivation(id: string) {
  const refresh = useRefreshWorkflow(id);
  return useMutation({ mutationFn: (active: boolean) => setActive(id, active), onSuccess: () => refresh() });
}
