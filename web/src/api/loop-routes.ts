/**
 * The loop parts of the execution API as the web app names them, read from the server's own
 * schemas (server/api/execution-schemas.ts) and route declarations, so a change there fails the
 * typecheck where these are used.
 */
import type { z } from 'zod';
import type { IterationCounts as IterationCountsSchema } from '../../../server/api/execution-schemas.ts';
import type { EndpointAnswer, EndpointInput } from './endpoints.ts';
import type { StepRun } from './types.ts';

/** How a loop step's items went (`GET /executions/:id` carries it on each loop step). */
export type IterationCounts = z.output<typeof IterationCountsSchema>;

/** A page of one loop step's items: each item's 0-based index, the scope its steps ran in, how it went. */
export type IterationsPage = EndpointAnswer<'GET /executions/:id/iterations'>;
export type Iteration = IterationsPage['items'][number];
export type IterationsQuery = NonNullable<EndpointInput<'GET /executions/:id/iterations'>['query']>;
/** The statuses the iteration picker can filter by. */
export type IterationStatus = NonNullable<IterationsQuery['status']>;

/** A step run as `GET /executions/:id` and `…/steps` answer it, loop steps with their counts. */
export type LoopAwareStepRun = StepRun & { readonly iterations?: IterationCounts };
