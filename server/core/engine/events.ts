import { z } from 'zod';
import { Scope } from '../../../nodes/step.ts';

/** What the engine tells the API about runs as they go (over PostgreSQL NOTIFY). */
export const EngineEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('step'),
    executionId: z.string(),
    nodeId: z.string(),
    scope: Scope,
    attempt: z.number().int(),
    /**
     * `retrying`: the attempt failed and another one is scheduled. `waiting`: the attempt is
     * suspended until something outside it completes it (a loop's iterations, a wait).
     */
    status: z.enum(['running', 'waiting', 'succeeded', 'failed', 'skipped', 'canceled', 'retrying']),
    /** On a `failed` step: its node's settings handled the error, and the run goes on. */
    handled: z.boolean().optional(),
    at: z.string(),
  }),
  z.object({
    type: z.literal('run'),
    executionId: z.string(),
    status: z.enum(['queued', 'running', 'waiting', 'succeeded', 'failed', 'canceled']),
    /** On a `failed` run: it ran past its time limit, so workers abort its running steps. */
    reason: z.literal('time-limit').optional(),
    at: z.string(),
  }),
]);
export type EngineEvent = z.output<typeof EngineEvent>;
