/**
 * Answer shapes of the API, taken from the server's own zod schemas with type-only imports:
 * nothing of the server reaches the bundle, and a changed answer shape fails the typecheck here.
 */
import type { z } from 'zod';
import type {
  ExecutionDetail as ExecutionDetailSchema,
  ExecutionSummary as ExecutionSummarySchema,
  RunEvent as RunEventSchema,
  StepRun as StepRunSchema,
} from '../../../server/api/execution-schemas.ts';
import type { NodeTypeShape } from '../../../server/api/routes/node-types.ts';
import type { ScheduleShape } from '../../../server/api/routes/schedules.ts';
import type { TemplateShape } from '../../../server/api/routes/templates.ts';
import type { Publication as PublicationSchema } from '../../../server/api/routes/versions.ts';
import type {
  Draft as DraftSchema,
  Version as VersionSchema,
  VersionSummaryShape,
  Workflow as WorkflowSchema,
} from '../../../server/api/schemas.ts';
import type { FieldChange as FieldChangeSchema, GraphDiff as GraphDiffSchema } from '../../../server/core/diff.ts';
import type {
  GraphEdge as GraphEdgeSchema,
  GraphNode as GraphNodeSchema,
  Graph as GraphSchema,
  Problem as ProblemSchema,
} from '../../../server/core/graph/model.ts';

export type Graph = z.output<typeof GraphSchema>;
export type GraphNode = z.output<typeof GraphNodeSchema>;
export type GraphEdge = z.output<typeof GraphEdgeSchema>;
export type Problem = z.output<typeof ProblemSchema>;
export type Workflow = z.output<typeof WorkflowSchema>;
export type Draft = z.output<typeof DraftSchema>;
export type VersionSummary = z.output<typeof VersionSummaryShape>;
export type Version = z.output<typeof VersionSchema>;
export type NodeType = z.output<typeof NodeTypeShape>;
export type ExecutionSummary = z.output<typeof ExecutionSummarySchema>;
export type ExecutionDetail = z.output<typeof ExecutionDetailSchema>;
export type StepRun = z.output<typeof StepRunSchema>;
export type ExecutionStatus = ExecutionSummary['status'];
export type StepStatus = StepRun['status'];
export type TriggerKind = ExecutionSummary['trigger'];
export type LastRun = NonNullable<Workflow['lastRun']>;
export type Publication = z.output<typeof PublicationSchema>;
/** GET /workflows/:id/diff: the differences plus the two version numbers compared. */
export type VersionDiff = z.output<typeof GraphDiffSchema> & { from: number; to: number };
export type FieldChange = z.output<typeof FieldChangeSchema>;
export type Schedule = z.output<typeof ScheduleShape>;
/** A gallery template: what it automates, the credentials it leaves for the user, its graph. */
export type Template = z.output<typeof TemplateShape>;
/** A `step` or `run` event of `GET /executions/:id/events` (after its `snapshot`, an ExecutionDetail). */
export type RunEvent = z.output<typeof RunEventSchema>;

/** Any JSON value (what `JSON.parse` answers): trigger payloads the user types. */
export type JsonValue = z.core.util.JSONType;

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}
