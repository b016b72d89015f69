import type Database from 'better-sqlite3';
import { stepKey } from '../../nodes/step.ts';
import type { CompiledGraph, CompiledNode } from '../core/engine/compile.ts';
import type { EngineEvent } from '../core/engine/events.ts';
import {
  newlySkipped,
  type PendingStep,
  type PlannedStep,
  parentKeys,
  pendingSteps,
  runOutcome,
} from '../core/engine/plan.ts';
import { finishExecution } from '../store/executions.ts';
import { insertSkippedSteps, stepStates } from '../store/steps.ts';

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
  changed?: PlannedStep,
): Advance {
  const states = stepStates(sqlite, executionId);
  const events: EngineEvent[] = [];
  const at = new Date().toISOString();
  const skipped = newlySkipped(graph, states);
  if (skipped.length > 0) {
    insertSkippedSteps(sqlite, executionId, skipped);
    for (const step of skipped) {
      states.set(stepKey(step.nodeId, step.scope), { status: 'skipped' });
      events.push({ type: 'step', executionId, ...step, attempt: 1, status: 'skipped', at });
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
  if (changed === undefined) return { pending, events };
  // Steps made ready earlier were queued then; listing them again would only queue duplicates
  // (docs/architecture.md, invariant "successor filter").
  const sources = new Set([changed, ...skipped].map((step) => stepKey(step.nodeId, step.scope)));
  return {
    pending: pending.filter((step) =>
      parentKeys(graph, graph.nodes.get(step.nodeId) as CompiledNode, step.scope).some((key) => sources.has(key)),
    ),
    events,
  };
}
