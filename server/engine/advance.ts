import type Database from 'better-sqlite3';
import type { CompiledGraph } from '../core/engine/compile.ts';
import { newlySkipped, type PendingStep, pendingSteps, runOutcome } from '../core/engine/plan.ts';
import { finishExecution } from '../store/executions.ts';
import { insertSkippedSteps, stepStates } from '../store/steps.ts';
import type { EngineEvent } from './events.ts';

export interface Advance {
  readonly pending: PendingStep[];
  readonly events: EngineEvent[];
}

/**
 * Moves a running execution forward from what is stored: marks branches not taken as skipped,
 * ends the run when nothing is pending, and lists the steps to queue. Runs inside the caller's
 * transaction; idempotent, so it is also how a step left half-finished by a crash is recovered.
 */
export function advanceExecution(
  sqlite: Database.Database,
  graph: CompiledGraph,
  executionId: string,
  /** The step that just succeeded: only what it (and skips it caused) made ready is listed. */
  changedNodeId?: string,
): Advance {
  const states = stepStates(sqlite, executionId);
  const events: EngineEvent[] = [];
  const at = new Date().toISOString();
  const skipped = newlySkipped(graph, states);
  if (skipped.length > 0) {
    insertSkippedSteps(sqlite, executionId, skipped);
    for (const nodeId of skipped) {
      states.set(nodeId, { status: 'skipped' });
      events.push({ type: 'step', executionId, nodeId, attempt: 1, status: 'skipped', at });
    }
  }
  const outcome = runOutcome(graph, states);
  if (outcome === 'succeeded') {
    if (finishExecution(sqlite, executionId, 'succeeded'))
      events.push({ type: 'run', executionId, status: 'succeeded', at });
    return { pending: [], events };
  }
  if (outcome === 'failed') return { pending: [], events };
  const pending = pendingSteps(graph, states);
  if (changedNodeId === undefined) return { pending, events };
  // Steps made ready earlier were queued then; listing them again would only queue duplicates.
  const sources = new Set([changedNodeId, ...skipped]);
  return {
    pending: pending.filter((step) => graph.nodes.get(step.nodeId)?.inbound.some((edge) => sources.has(edge.source))),
    events,
  };
}
