import { api } from '../../api/client.ts';
import type { Workflow } from '../../api/types.ts';

/** The calls the workflow pages make that change something. */

export const createWorkflow = (body: { name: string; description?: string }) => api.post<Workflow>('/workflows', body);

/** A copy is an export imported under a new name: same draft and versions, nothing published. */
export async function duplicateWorkflow(workflow: Pick<Workflow, 'id' | 'name'>): Promise<Workflow> {
  const document = await api.get<Record<string, unknown>>(`/workflows/${workflow.id}/export`);
  return api.post<Workflow>('/workflows/import', { ...document, name: `${workflow.name} (copy)`.slice(0, 200) });
}

export const importWorkflow = (document: unknown) => api.post<Workflow>('/workflows/import', document);

export const setArchived = (id: string, archived: boolean) => api.patch<Workflow>(`/workflows/${id}`, { archived });

export const setActive = (id: string, active: boolean) =>
  api.post<Workflow>(`/workflows/${id}/${active ? 'activate' : 'deactivate'}`);

export const exportUrl = (id: string) => `/api/v1/workflows/${id}/export`;
