import type {
  HttpRequest,
  HttpResponse,
  NodeContext,
  StartedWorkflowRun,
  WorkflowRunRequest,
} from '../../nodes/define.ts';
import { coerceError, NonRetryableError } from '../../nodes/errors.ts';
import { LOOP_ITEMS_LIMIT } from '../../nodes/flow/loop.node.ts';
import { type StepId, type StepRef, stepKey } from '../../nodes/step.ts';
import { stepNamesInTemplates } from '../../nodes/template.ts';
import { callbackWaitFor, callbackWaits } from '../core/engine/callback-waits.ts';
import { type CompiledGraph, type CompiledNode, isLoop } from '../core/engine/compile.ts';
import { retryPolicyOf } from '../core/engine/error-handling.ts';
import { idempotencyKey } from '../core/engine/idempotency.ts';
import { scopeOf } from '../core/engine/plan.ts';
import type { Clock, RunStore, StepCall, StepExecutor, StepResult } from '../core/engine/ports.ts';
import { retryDelayMs } from '../core/engine/retry.ts';
import { portsOf } from '../core/graph/ports.ts';
import type { OperationRecord } from '../credentials/define-capability.ts';
import type { Logger } from '../log.ts';
import type { SandboxPool } from '../sandbox/pool.ts';
import {
  type ExecutionScope,
  ExpressionBudget,
  type ExpressionScope,
  ExpressionSizeError,
  ExpressionTimeError,
  evaluateTemplates,
} from '../sandbox/templates.ts';
import type { SendingStep } from './authenticated-http.ts';
import type { CredentialOperator } from './credential-operations.ts';
import { capError, capErrorText, checkOutput, forDisplay, MAX_EXPRESSION_BYTES } from './data-caps.ts';
import { StepReleased, untilReleased } from './drain.ts';
import { nodeCrypto } from './node-crypto.ts';
import type { SentRequest } from './sent-request.ts';

/** Errors that come from the user's own config or code: another attempt would fail the same way. */
const DETERMINISTIC_ERRORS = new Set(['NonRetryableError', 'SandboxError', 'TemplateSyntaxError', 'ZodError']);

/** How a step's HTTP requests leave the worker (authenticated with their credential, if any). */
export type HttpSender = (request: HttpRequest, signal?: AbortSignal, run?: SendingStep) => Promise<HttpResponse>;

export interface StepExecuteDeps {
  /** Where the outputs of the steps a node's expressions name are read from. */
  readonly runs: Pick<RunStore, 'stepOutputs'>;
  readonly sandbox: SandboxPool;
  readonly http: HttpSender;
  readonly log: Logger;
  readonly random?: () => number;
  /** What a node sees as now (a delay counts from it) and retries are scheduled from. */
  readonly clock: Clock;
  /** The most items any loop accepts, whatever its own `maxItems` (`LOOP_MAX_ITEMS`; default the node's limit). */
  readonly loopMaxItems?: number;
  /** The resume URL of a callback wait's step (server/security/resume-tokens.ts); none: no URLs. */
  readonly resumeUrl?: (step: StepRef) => string;
  /** Starts a step's sub-workflow run (server/engine/subworkflows.ts); absent where no runs may start. */
  readonly startWorkflow?: (step: StepId, request: WorkflowRunRequest) => Promise<StartedWorkflowRun>;
  /** Protocol work with stored credentials (server/engine/credential-operations.ts); absent: none. */
  readonly useCredential?: CredentialOperator;
}

/**
 * Runs one attempt of a node with its context (the node's only way to evaluate expressions, run
 * scripts and reach the network) and turns what it answers or throws into a `StepResult`: the
 * port it leaves by, its output under the size cap, or its error with the retry it earns.
 */
export function createStepExecutor(deps: StepExecuteDeps): StepExecutor {
  return async function executeStep({
    graph,
    node,
    input,
    run: execution,
    step,
    iteration,
    signal: abortSignal,
  }: StepCall) {
    // The last request the node sent (or operation it did with a credential), kept with the step
    // whether it then succeeds or fails.
    let sent: SentRequest | OperationRecord | undefined;
    const withRequest = <Result extends StepResult>(result: Result): Result =>
      sent === undefined ? result : { ...result, request: forDisplay(sent).value };
    try {
      let scope: Promise<ExpressionScope> | undefined;
      const scopeFor = (): Promise<ExpressionScope> => {
        scope ??= stepsScope(graph, node, step).then((steps) => ({
          input,
          // Copied into the sandbox for every expression: the trigger payload (a webhook's list
          // of 10,000 items a loop runs over) only when the node's config names it.
          trigger: readsTrigger(node) ? (execution.triggerPayload ?? {}) : {},
          steps,
          // The run's recorded variables, read with the run (no query per step), copied in
          // only for a node that names `vars`, as the trigger is.
          ...(readsVars(node) ? { vars: execution.vars ?? {} } : {}),
          ...(iteration ? { item: iteration.item, index: iteration.index } : {}),
          execution: executionScope(graph, node, step),
        }));
        return scope;
      };
      // One budget (bytes, and time: the pool's expressionTimeoutMs) for every expression the
      // step evaluates, whichever fields and calls. Going over fails the step, without retries.
      const budget = new ExpressionBudget(MAX_EXPRESSION_BYTES, deps.sandbox.limits.expressionTimeoutMs);
      const ctx: NodeContext = {
        executionId: step.executionId,
        nodeId: step.nodeId,
        scope: step.scope,
        attempt: step.attempt,
        idempotencyKey: idempotencyKey(execution, step),
        trigger: execution.triggerPayload ?? {},
        signal: abortSignal ?? new AbortController().signal,
        now: () => new Date(deps.clock.nowMs()),
        crypto: nodeCrypto,
        evaluate: async (value) => {
          try {
            return await evaluateTemplates(value, await scopeFor(), deps.sandbox, budget);
          } catch (error) {
            if (!(error instanceof ExpressionSizeError || error instanceof ExpressionTimeError)) throw error;
            const field = fieldOf(node.config, value);
            const Named = error instanceof ExpressionSizeError ? ExpressionSizeError : ExpressionTimeError;
            throw new Named(`node "${node.node.name}"${field ? `, field ${field}` : ''}: ${error.message}`);
          }
        },
        runScript: async (code, limits) =>
          deps.sandbox.runScript(code, await scopeFor(), limits.timeoutMs, limits.memoryMb, abortSignal),
        http: (request) =>
          deps.http(request, abortSignal, {
            executionId: step.executionId,
            record: (request) => {
              sent = request;
            },
          }),
        useCredential: async (call) => {
          if (!deps.useCredential) throw new NonRetryableError('this engine cannot use protocol credentials');
          const signal = abortSignal ?? new AbortController().signal;
          const record = (done: OperationRecord) => {
            sent = done;
          };
          // Typed by the operation's name at the node; the capability parses what it receives.
          return (await deps.useCredential(call, signal, { executionId: step.executionId, record })) as never;
        },
        startWorkflow: (request) => {
          if (!deps.startWorkflow) throw new NonRetryableError('this engine cannot start sub-workflow runs');
          return deps.startWorkflow(step, request);
        },
      };
      // The signal aborts when this worker stops and the drain grace is over (drain.ts), or when
      // the run is canceled (execution-aborts.ts): either way the step is released, not failed.
      const result = await untilReleased(abortSignal, () =>
        node.definition.execute({ config: node.config, input, ctx }),
      );
      refuseLongLists(node, result.output, deps.loopMaxItems ?? LOOP_ITEMS_LIMIT);
      const ports = portsOf(node.definition, node.config);
      const port = result.port ?? ports[0] ?? 'main';
      if (!ports.includes(port)) throw new Error(`node answered on port "${port}", which it does not have`);
      const checked = checkOutput(result.output);
      if (result.wait) {
        // Suspended: stored `waiting` until whatever it waits for resumes it (invariant "suspended steps").
        return withRequest({
          status: 'waiting',
          wait: result.wait,
          output: checked.output,
          ...(checked.truncated ? { truncatedOutput: checked.truncated } : {}),
        });
      }
      const succeeded: StepResult = {
        status: 'succeeded',
        output: checked.output,
        ...(checked.truncated ? { truncatedOutput: checked.truncated } : {}),
        port,
        ...(result.continueAt ? { continueAt: result.continueAt.toISOString() } : {}),
      };
      return withRequest(succeeded);
    } catch (thrown) {
      // Not a failure of the step: its worker is leaving. Nothing is stored; the job runs it again.
      if (abortSignal?.aborted) throw new StepReleased();
      const error = coerceError(thrown);
      const final = DETERMINISTIC_ERRORS.has(error.name) ? new NonRetryableError(error.message) : error;
      const delay = retryDelayMs(retryPolicyOf(node), step.attempt, final, deps.random);
      deps.log.debug(
        {
          executionId: step.executionId,
          nodeId: step.nodeId,
          scope: step.scope,
          attempt: step.attempt,
          err: capErrorText(error.message),
        },
        'step failed',
      );
      return withRequest({
        status: 'failed',
        // A thrown message may be megabytes (a script can throw any string): stored capped.
        error: capError({ name: error.name, message: error.message, retryable: delay !== undefined }),
        ...(delay !== undefined ? { retryAt: new Date(deps.clock.nowMs() + delay).toISOString() } : {}),
      });
    }
  };

  /**
   * Outputs of the steps a node's expressions (and what its definition says it reads, such as a
   * script's code) name as `steps.<name>.output`. Only those are copied into the sandbox: a big
   * workflow's other outputs stay where they are. Inside a loop, `steps.X` is this iteration's X.
   */
  /** `execution` in expressions: the run's id and its callback waits' resume URLs, in this step's scope. */
  function executionScope(graph: CompiledGraph, node: CompiledNode, step: StepId): ExecutionScope {
    const { resumeUrl } = deps;
    if (!resumeUrl) return { id: step.executionId, resumeUrls: {} };
    const urlOf = (wait: CompiledNode) =>
      resumeUrl({ executionId: step.executionId, nodeId: wait.node.id, scope: scopeOf(graph, wait, step.scope) });
    const prepared = callbackWaitFor(graph, node);
    return {
      id: step.executionId,
      ...(prepared ? { resumeUrl: urlOf(prepared) } : {}),
      resumeUrls: Object.fromEntries(callbackWaits(graph).map((wait) => [wait.node.name, urlOf(wait)])),
    };
  }

  async function stepsScope(
    graph: CompiledGraph,
    node: CompiledNode,
    step: StepId,
  ): Promise<Record<string, { output: unknown }>> {
    const wanted = [...namesReadBy(node)]
      .map((name) => ({ name, node: graph.byName.get(name) }))
      .filter((entry): entry is { name: string; node: CompiledNode } => entry.node !== undefined)
      .map(({ name, node: named }) => ({ name, nodeId: named.node.id, scope: scopeOf(graph, named, step.scope) }));
    const outputs = wanted.length === 0 ? new Map() : await deps.runs.stepOutputs(step.executionId, wanted);
    // Only steps that succeeded have an output; a skipped one is simply absent from `steps`.
    return Object.fromEntries(
      wanted
        .filter((entry) => outputs.has(stepKey(entry.nodeId, entry.scope)))
        .map((entry) => [entry.name, { output: outputs.get(stepKey(entry.nodeId, entry.scope)) }]),
    );
  }
}

/** A loop's list beyond the server's ceiling fails its step at once, before any iteration starts. */
function refuseLongLists(node: CompiledNode, output: unknown, ceiling: number): void {
  if (!isLoop(node.definition) || !Array.isArray(output) || output.length <= ceiling) return;
  throw new NonRetryableError(
    `config.items: the list has ${output.length} items, more than this server's maximum of ${ceiling} (LOOP_MAX_ITEMS)`,
  );
}

const stepNames = new WeakMap<CompiledNode, ReadonlySet<string>>();

/**
 * The step names a node reads (`steps.<name>` in its templates, and what its definition says it
 * reads, such as a script's code): worked out once per compiled node, not once per step (a loop
 * runs the same node thousands of times).
 */
function namesReadBy(node: CompiledNode): ReadonlySet<string> {
  let names = stepNames.get(node);
  if (!names) {
    const found = stepNamesInTemplates(node.node.config);
    for (const name of node.definition.stepReferences?.(node.config) ?? []) found.add(name);
    names = found;
    stepNames.set(node, names);
  }
  return names;
}

const triggerReaders = new WeakMap<CompiledNode, boolean>();

/** Whether a node's config (its expressions, a script's code) mentions `trigger` at all. */
function readsTrigger(node: CompiledNode): boolean {
  let reads = triggerReaders.get(node);
  if (reads === undefined) {
    reads = /\btrigger\b/.test(JSON.stringify(node.node.config));
    triggerReaders.set(node, reads);
  }
  return reads;
}

const varsReaders = new WeakMap<CompiledNode, boolean>();

/** Whether a node's config (its expressions, a script's code) mentions `vars` at all. */
function readsVars(node: CompiledNode): boolean {
  let reads = varsReaders.get(node);
  if (reads === undefined) {
    reads = /\bvars\b/.test(JSON.stringify(node.node.config));
    varsReaders.set(node, reads);
  }
  return reads;
}

/** Where `value` sits in a node's config (`fields.3.value`), to name the field in an error. */
function fieldOf(config: unknown, value: unknown, path = ''): string | undefined {
  if (config === value) return path || undefined;
  if (typeof config !== 'object' || config === null) return undefined;
  for (const [key, item] of Object.entries(config)) {
    const found = fieldOf(item, value, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}
