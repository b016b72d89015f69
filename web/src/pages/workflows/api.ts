import { call } from '../../api/client.ts';
import type { EndpointInput } from '../../api/endpoints.ts';
import type { Workflow } from '../../api/types.ts';

/** The calls the workflow pages make that change something. */

export const createWorkflow = (body: { name: string; description?: string }) => call('POST /workflows', { body });

/** A copy is an export imported under a new name: same draft and versions, nothing published. */
export async function duplicateWorkflow(workflow: Pick<Workflow, 'id' | 'name'>): Promise<Workflow> {
  const document = await call('GET /workflows/:id/export', { params: { id: workflow.id } });
  return call('POST /workflows/import', { body: { ...document, name: `${workflow.name} (copy)`.slice(0, 200) } });
}

type ImportDocument = EndpointInput<'POST /workflows/import'>['body'];

/** A file the user picked: whatever it holds, the server parses it and answers 422 with the problems. */
export const importWorkflow = (document: unknown) =>
  call('POST /workflows/import', { body: document as ImportDocument });

export const setArchived = (id: string, archived: boolean) =>
  call('PATCH /workflows/:id', { params: { id }, body: { archived } });

export const setActive = (id: string, active: boolean) =>
  active
    ? call('POST /workflows/:id/activate', { params: { id } })
    : call('POST /workflows/:id/deactivate', { params: { id } });

export const exportUrl = (id: string) => `/api/v1/workflows/${id}/export`;
