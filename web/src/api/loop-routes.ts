/**
 * The loop endpoints of the execution API as the web app expects them, declared here as types
 * until the server's `defineRoute` declarations of them (server/api/routes/executions.ts) exist:
 * then this file goes, `endpoints.ts` reads them from the server like every other route, and a
 * difference between the two fails the typecheck where these types are used.
 */
import type { z } from 'zod';
import type { DeclaredRoute } from '../../../server/api/route.ts';
import type { StepRun } from './types.ts';

/** How a loop step's items went (`GET /executions/:id` carries it on each loop step). */
export interface IterationCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly running: number;
}

export const ITERATION_STATUSES = ['failed', 'succeeded', 'skipped', 'running'] as const;
export type IterationStatus = (typeof ITERATION_STATUSES)[number];

/** One item of a loop in one run: its 0-based index, the scope its body's steps ran in, how it went. */
export interface Iteration {
  readonly index: number;
  readonly scope: string;
  readonly status: IterationStatus;
  readonly error?: unknown;
}

export interface IterationsPage {
  readonly items: Iteration[];
  /** The index to ask from next, or null after the last item. */
  readonly nextCursor: number | null;
}

export interface IterationsQuery {
  /** The loop node. */
  readonly node: string;
  /** The loop step's own scope ("" for a top-level loop, "3" for a loop inside item 4 of another). */
  readonly scope?: string;
  /** The first index to list. */
  readonly cursor?: number;
  /** 100 by default, at most 500. */
  readonly limit?: number;
  readonly status?: IterationStatus;
}

/** A step run as `GET /executions/:id` and `…/steps` answer it, loop steps with their counts. */
export type LoopAwareStepRun = StepRun & { readonly iterations?: IterationCounts };

type Schema<Output, Input = Output> = z.ZodType<Output, Input>;
type Answers<Answer> = { readonly 200: { readonly description: string; readonly schema: Schema<Answer> } };
type ExecutionParams = Schema<{ id: string }>;
type NoBody = Schema<Record<never, never>>;

export type PendingLoopRoute =
  | DeclaredRoute<
      'get',
      '/executions/:id/iterations',
      ExecutionParams,
      Schema<IterationsQuery>,
      NoBody,
      Answers<IterationsPage>
    >
  | DeclaredRoute<
      'get',
      '/executions/:id/steps',
      ExecutionParams,
      Schema<{ scope: string }>,
      NoBody,
      Answers<{ steps: LoopAwareStepRun[] }>
    >;
