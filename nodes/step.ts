import { z } from 'zod';

/*
 * Glossary of step identity (the words are used exactly this way everywhere):
 * - execution: one run of a workflow version (or of a draft's copy, for a test run).
 * - scope: the iteration path of a step inside loops. "" at top level, "3" for the 4th item of a
 *   loop, "3/7" for the 8th item of a loop nested inside it. Node ids never carry the iteration.
 * - step: one node in one scope of one execution. It may take several attempts.
 * - attempt: 1, 2, … one try of a step; results are stored exactly once per attempt.
 */

/** "" at top level, else item indexes from the outermost loop inwards, joined by "/". */
export const Scope = z
  .string()
  .regex(/^(?:\d+(?:\/\d+)*)?$/, 'a scope is "" or item indexes joined by "/", such as "3" or "3/7"');
export type Scope = z.output<typeof Scope>;

export const TOP_SCOPE: Scope = '';

/** One step of one execution: a node in a scope. */
export interface StepRef {
  readonly executionId: string;
  readonly nodeId: string;
  readonly scope: Scope;
}

/** One attempt of one step: the unit the engine queues, claims and stores. */
export interface StepId extends StepRef {
  readonly attempt: number;
}

/**
 * A step within one execution, as a map key: `<node id>#<scope>`. A scope holds only digits and
 * "/", so the last "#" always separates the two, whatever the node id holds.
 */
export type StepKey = string & { readonly __stepKey: unique symbol };

export const stepKey = (nodeId: string, scope: Scope): StepKey => `${nodeId}#${scope}` as StepKey;

export function parseStepKey(key: StepKey): { nodeId: string; scope: Scope } {
  const at = key.lastIndexOf('#');
  return { nodeId: key.slice(0, at), scope: key.slice(at + 1) };
}
