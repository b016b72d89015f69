import { RESPOND_NODE_TYPE } from '../../../nodes/actions/respond.node.ts';
import type { StepId } from '../../../nodes/step.ts';
import type { CompiledGraph, CompiledNode } from './compile.ts';
import type { Finish, StepResult } from './ports.ts';

/*
 * Respond to webhook bookkeeping: which of a run's Respond to webhook steps answers its webhook.
 * The first one stored does; it is decided in the transaction that stores the step's result, from
 * what is stored (invariant "first answer", docs/architecture.md), so two branches on two workers
 * cannot both answer. A later one is stored as usual, its output marked `ignored` with the reason,
 * so the execution page shows why it changed nothing.
 */

/** What the records keep about a run's answer (the `webhook_responses` row in SQLite). */
export interface AnswerRecords {
  /** The step that answered the run's webhook, if one has. */
  answeringStep(executionId: string): StepId | undefined;
  /** Records the step that answers; false when another one did first. */
  recordAnsweringStep(step: StepId): boolean;
}

export const isResponder = (node: CompiledNode): boolean => node.definition.type === RESPOND_NODE_TYPE;

/** What a step's result becomes, and what to record once it is stored. */
export interface AnswerTurn {
  readonly result: StepResult;
  /** Call once the result is stored (in the same transaction): a first responder takes the answer. */
  readonly stored: () => void;
}

/**
 * A finishing step's part in answering the webhook: nothing unless it is a succeeded Respond to
 * webhook step; the first such step of the run takes the answer, a later one has its output
 * marked ignored, naming the step that answered.
 */
export function answerTurn(records: AnswerRecords, finish: Finish): AnswerTurn {
  const { step, node, result, graph } = finish;
  if (result.status !== 'succeeded' || !isResponder(node)) return { result, stored: () => {} };
  const earlier = records.answeringStep(step.executionId);
  if (!earlier) return { result, stored: () => void records.recordAnsweringStep(step) };
  const reason = `the webhook was already answered by "${nameOf(graph, earlier)}"`;
  const marked: StepResult = {
    ...result,
    output: ignored(result.output, reason),
    ...(result.truncatedOutput !== undefined ? { truncatedOutput: ignored(result.truncatedOutput, reason) } : {}),
  };
  return { result: marked, stored: () => {} };
}

const ignored = (output: unknown, reason: string) =>
  typeof output === 'object' && output !== null && !Array.isArray(output)
    ? { ...output, ignored: true, reason }
    : { output, ignored: true, reason };

function nameOf(graph: CompiledGraph, step: StepId): string {
  const name = graph.nodes.get(step.nodeId)?.node.name ?? step.nodeId;
  return step.scope === '' ? name : `${name} (${step.scope})`;
}
