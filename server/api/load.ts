import type { Db } from '../store/db.ts';
import { getVersionByNumber, type VersionRow } from '../store/versions.ts';
import { getWorkflow, type WorkflowRow } from '../store/workflows.ts';
import { notFound } from './errors.ts';

export function loadWorkflow(db: Db, id: string): WorkflowRow {
  const workflow = getWorkflow(db, id);
  if (!workflow) throw notFound(`workflow ${id}`);
  return workflow;
}

export function loadVersion(db: Db, workflowId: string, number: number): VersionRow {
  const version = getVersionByNumber(db, workflowId, number);
  if (!version) throw notFound(`version ${number} of workflow ${workflowId}`);
  return version;
}
