import type { Repositories } from '../store/repositories.ts';
import type { VersionRow } from '../store/versions.ts';
import type { WorkflowRow } from '../store/workflows.ts';
import { notFound } from './errors.ts';

export async function loadWorkflow(repos: Repositories, id: string): Promise<WorkflowRow> {
  const workflow = await repos.workflows.get(id);
  if (!workflow) throw notFound(`workflow ${id}`);
  return workflow;
}

export async function loadVersion(repos: Repositories, workflowId: string, number: number): Promise<VersionRow> {
  const version = await repos.workflows.getVersionByNumber(workflowId, number);
  if (!version) throw notFound(`version ${number} of workflow ${workflowId}`);
  return version;
}
