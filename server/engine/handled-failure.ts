import type { CompiledNode } from '../core/engine/compile.ts';
import { handledFailure } from '../core/engine/error-handling.ts';
import type { StepResult } from '../core/engine/ports.ts';
import { checkOutput } from './data-caps.ts';

/**
 * A step's result with its node's error handling applied (server/core/engine/error-handling.ts):
 * a final failure the settings handle is marked handled, with the output it leaves by, made plain
 * JSON and capped like any output (invariant "capped outputs"). An `{ error, input }` over the
 * hard cap drops the input rather than fail a step whose error was to be handled.
 */
export function withErrorHandling(node: CompiledNode, input: unknown, result: StepResult): StepResult {
  const handled = handledFailure(node, input, result);
  if (!handled || result.status !== 'failed') return result;
  let checked: ReturnType<typeof checkOutput>;
  try {
    checked = checkOutput(handled.output);
  } catch (error) {
    const output = { ...(handled.output as object), input: { $dropped: (error as Error).message } };
    checked = checkOutput(output);
  }
  return {
    ...result,
    handled: {
      port: handled.port,
      output: checked.output,
      ...(checked.truncated ? { truncatedOutput: checked.truncated } : {}),
    },
  };
}
