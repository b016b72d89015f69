import { z } from 'zod';
import { Graph, Problem } from '../core/graph/model.ts';
import { EXECUTION_STATUSES } from '../store/schema.ts';
import type { VersionRow, VersionSummary } from '../store/versions.ts';
import type { LastRun, WorkflowListItem, WorkflowRow } from '../store/workflows.ts';

/** API shapes (answers) and the functions that turn store rows into them. */

export const WorkflowId = z.strictObject({ id: z.uuid() });

export const Workflow = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    active: z.boolean(),
    archived: z.boolean(),
    publishedVersion: z.number().int().nullable(),
    latestVersion: z.number().int().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    draftUpdatedAt: z.iso.datetime(),
    lastRun: z
      .object({ executionId: z.string(), status: z.enum(EXECUTION_STATUSES), at: z.iso.datetime() })
      .nullable()
      .describe('The newest execution, whatever started it'),
  })
  .meta({ id: 'Workflow' });
export type Workflow = z.output<typeof Workflow>;

export function toWorkflow(
  row: WorkflowRow,
  versions: { latestVersion: number | null; publishedVersion: number | null; lastRun: LastRun | null },
): Workflow {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    active: row.active,
    archived: row.archivedAt !== null,
    publishedVersion: versions.publishedVersion,
    latestVersion: versions.latestVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    draftUpdatedAt: row.draftUpdatedAt,
    lastRun: versions.lastRun && {
      ...versions.lastRun,
      status: versions.lastRun.status as (typeof EXECUTION_STATUSES)[number],
    },
  };
}

export const toWorkflowListItem = (row: WorkflowListItem): Workflow => toWorkflow(row, row);

export const Draft = z
  .object({
    graph: Graph,
    problems: z.array(Problem),
    valid: z.boolean(),
    revision: z.number().int(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Draft' });

export const VersionSummaryShape = z
  .object({
    number: z.number().int(),
    message: z.string(),
    authorId: z.string().nullable(),
    author: z.string().nullable().describe('Name of the user who saved the version'),
    createdAt: z.iso.datetime(),
    published: z.boolean(),
  })
  .meta({ id: 'VersionSummary' });

export const Version = VersionSummaryShape.extend({ graph: Graph }).meta({ id: 'Version' });

/** Looks up a user's display name by id (see `userDisplayName`). */
export type NameOf = (userId: string | null) => string | null;

export function toVersionSummary(row: VersionSummary, publishedVersionId: string | null, nameOf: NameOf) {
  return {
    number: row.number,
    message: row.message,
    authorId: row.authorId,
    author: nameOf(row.authorId),
    createdAt: row.createdAt,
    published: row.id === publishedVersionId,
  };
}

/** A stored graph passed validation when it was written; parsing again guards against older code's data. */
export function toVersion(row: VersionRow, publishedVersionId: string | null, nameOf: NameOf) {
  return { ...toVersionSummary(row, publishedVersionId, nameOf), graph: Graph.parse(row.graph) };
}

export const GraphProblems = z.object({ problems: z.array(Problem) });
