import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Publication, Version, VersionDiff, VersionSummary, Workflow } from '../../api/types.ts';
import { setActive } from '../workflows/api.ts';

/** Reads and writes of one workflow's versions, shared by the versions, version and compare pages. */

export const useWorkflow = (id: string) =>
  useQuery({ queryKey: ['workflow', id], queryFn: () => api.get<Workflow>(`/workflows/${id}`) });

export const useVersions = (id: string) =>
  useQuery({
    queryKey: ['versions', id],
    queryFn: async () => (await api.get<{ items: VersionSummary[] }>(`/workflows/${id}/versions`)).items,
  });

export const usePublications = (id: string) =>
  useQuery({
    queryKey: ['publications', id],
    queryFn: async () => (await api.get<{ items: Publication[] }>(`/workflows/${id}/publications`)).items,
  });

export const useVersion = (id: string, number: number | null) =>
  useQuery({
    queryKey: ['version', id, number],
    queryFn: () => api.get<Version>(`/workflows/${id}/versions/${number}`),
    enabled: number !== null,
    // Versions never change.
    staleTime: Number.POSITIVE_INFINITY,
  });

export const useDiff = (id: string, from: number, to: number) =>
  useQuery({
    queryKey: ['diff', id, from, to],
    queryFn: () => api.get<VersionDiff>(`/workflows/${id}/diff`, { from, to }),
    staleTime: Number.POSITIVE_INFINITY,
  });

function useRefreshWorkflow(id: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all(
      [['workflow', id], ['versions', id], ['publications', id], ['workflows'], ['schedules']].map((queryKey) =>
        queryClient.invalidateQueries({ queryKey }),
      ),
    );
}

export function usePublish(id: string) {
  const refresh = useRefreshWorkflow(id);
  return useMutation({
    mutationFn: (version: number) =>
      api.post<{ publishedVersion: number; changed: boolean }>(`/workflows/${id}/publish`, { version }),
    onSuccess: () => refresh(),
  });
}

export function useActivation(id: string) {
  const refresh = useRefreshWorkflow(id);
  return useMutation({ mutationFn: (active: boolean) => setActive(id, active), onSuccess: () => refresh() });
}
