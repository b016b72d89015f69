import { z } from 'zod';

/** What the engine tells the API about runs as they go (over PostgreSQL NOTIFY). */
export const EngineEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('step'),
    executionId: z.string(),
    nodeId: z.string(),
    attempt: z.number().int(),
    status: z.enum(['running', 'succeeded', 'failed', 'skipped', 'canceled', 'waiting']),
    at: z.string(),
  }),
  z.object({
    type: z.literal('run'),
    executionId: z.string(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']),
    at: z.string(),
  }),
]);
export type EngineEvent = z.output<typeof EngineEvent>;
