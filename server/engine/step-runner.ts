import type pg from 'pg';
import { type NodeContext, outputsOf } from '../../nodes/define.ts';
import { coerceError, NonRetryableError } from '../../nodes/errors.ts';
import { referencedStepNames, stepNamesInTemplates } from '../../nodes/template.ts';
import type { CompiledGraph, CompiledNode } from '../core/engine/compile.ts';
import { type PendingStep, stepInput } from '../core/engine/plan.ts';
import { retryDelayMs } from '../core/engine/retry.ts';
import type { Logger } from '../log.ts';
import type { SandboxPool } from '../sandbox/pool.ts';
import { type ExpressionScope, evaluateTemplates } from '../sandbox/templates.ts';
import type { MasterKey } from '../security/master-key.ts';
import type { Store } from '../store/db.ts';
import {
  type ExecutionForStep,
  finishExecution,
  getExecutionForStep,
  getExecutionStatus,
  markExecutionRunning,
  TERMINAL_STATUSES,
} from '../store/executions.ts';
import { immediate } from '../store/prepared.ts';
import {
  claimStepRun,
  finishStepRun,
  insertFinishedStepRun,
  latestAttempt,
  latestResults,
  type StepResult,
  stepOutputs,
  toStepState,
} from '../store/steps.ts';
import { WriteBatcher } from '../store/write-batcher.ts';
import { advanceExecution } from './advance.ts';
import { authenticatedHttp } from './authenticated-http.ts';
import { checkOutput, forDisplay } from './data-caps.ts';
import { StepReleased, untilReleased } from './drain.ts';
import type { EngineEvent } from './events.ts';
import type { GraphCache } from './graphs.ts';
import { sendHttp } from './http.ts';
import { jobExists, removeQueuedSteps, StepJob, StepJobBatcher, specsFor } from './queue.ts';

/** A step that has run, on its way to being stored. */
interface Finish {
  readonly job: StepJob;
  readonly graph: CompiledGraph;
  readonly node: CompiledNode;
  readonly result: StepResult;
  /** Stores the result; false when it must not be stored. */
  readonly record: (result: StepResult) => boolean;
}

export interface StepRunnerDeps {
  readonly store: Store;
  readonly pgPool: pg.Pool;
  readonly sandbox: SandboxPool;
  readonly graphs: GraphCache;
  readonly workerId: string;
  readonly log: Logger;
  readonly sendHttp?: typeof sendHttp;
  /** Opens the credentials HTTP requests authenticate with. */
  readonly masterKey: MasterKey;
  readonly random?: () => number;
}

/** Errors that come from the user's own config or code: another attempt would fail the same way. */
const DETERMINISTIC_ERRORS = new Set(['NonRetryableError', 'SandboxError', 'TemplateSyntaxError', 'ZodError']);

/** How long a step runs before live views are told it is running. */
const RUNNING_EVENT_AFTER_MS = 100;

/**
 * Steps that reach the outside world (actions) are claimed in SQLite before they run: while one
 * is in flight its row says `running`, with the job that runs it, so a duplicate job never
 * repeats the call and a crashed worker's attempt is taken over by its own job only. Every other
 * step is pure (its effects are its stored result), so it is recorded once, when it ends: one
 * SQLite transaction per step instead of two. A crash or a duplicate job may run such a step
 * again; only the first result is stored.
 */
const claimsBeforeRunning = (node: CompiledNode) => node.definition.kind === 'action';

/**
 * One attempt of one step, as a graphile-worker task:
 * 1. build its input from the stored outputs of its parents; claim it in SQLite if it is an
 *    action (or notice it is already settled, stale, or its run has ended);
 * 2. run the node;
 * 3. store the result exactly once and, in the same transaction, work out what runs next;
 * 4. queue the next steps and publish events.
 * A crash anywhere leaves the job to be retried, and every phase is safe to repeat.
 */
export function createStepRunner(deps: StepRunnerDeps) {
  const sqlite = deps.store.sqlite;
  const http = authenticatedHttp(deps.sendHttp ?? sendHttp, sqlite, deps.masterKey);
  const queue = new StepJobBatcher(deps.pgPool);
  // Steps that end in the same turn of the event loop store their results in one commit (each in
  // its own savepoint): under load, one SQLite write lock and one WAL write for many steps.
  const finishes = new WriteBatcher(sqlite, (finish: Finish) => finishStep(finish));
  /** Events for live views ride in the next batch; losing one (database down) loses no data. */
  const publish = (event: EngineEvent) =>
    void queue
      .add([], [event])
      .catch((error: unknown) => deps.log.warn({ error: (error as Error).message }, 'could not publish engine events'));

  /** `jobId` is the queue job's id: the claim token that tells a retried job from a duplicate one. */
  return async function runStep(payload: unknown, jobId: string, abortSignal?: AbortSignal): Promise<void> {
    const job = StepJob.parse(payload);
    const execution = getExecutionForStep(sqlite, job.executionId);
    if (!execution || TERMINAL_STATUSES.includes(execution.status)) return;
    let graph: CompiledGraph;
    try {
      graph = deps.graphs.forExecution(deps.store, execution);
    } catch (error) {
      await failRun(execution.id, `the workflow cannot run: ${coerceError(error).message}`);
      return;
    }
    const node = graph.nodes.get(job.nodeId);
    if (!node) {
      await failRun(execution.id, `node ${job.nodeId} is not in the workflow`);
      return;
    }

    // Parents of a ready step are settled and never change, so reading them outside the claim is safe.
    const parents = latestResults(
      sqlite,
      execution.id,
      node.inbound.map((edge) => edge.source),
    );
    let input: unknown;
    try {
      input = stepInput(graph, job.nodeId, parents.states, (id) => parents.outputs.get(id), execution.triggerPayload);
    } catch {
      // Its inputs are not ready: a stray job; reconciling queues what is due.
      await settle(execution.id, graph);
      return;
    }
    const display = forDisplay(input);
    const startedAt = now();
    // Checked without a lock; `recordUnclaimed` checks again in the transaction that stores the result.
    const found = claimsBeforeRunning(node)
      ? 'claim'
      : attemptStatus(latestAttempt(sqlite, job.executionId, job.nodeId), job);
    if (found === 'settled') {
      await settle(execution.id, graph);
      return;
    }
    let record: (result: StepResult) => boolean;
    if (found === 'new') {
      record = (result) => recordUnclaimed(job, jobId, display, startedAt, result);
    } else {
      // An action, or a pure step whose attempt a job claimed anyway (one written by an earlier Stepwise).
      let claim = claimStep(job, jobId, display);
      if (claim.kind === 'duplicate') {
        // Another job holds this attempt. While that job is in the queue (running, or to be retried
        // once its dead worker's lock is released) it owns the attempt; if it has vanished (the
        // queue lost it, e.g. PostgreSQL stopped uncleanly), this job takes the attempt over.
        if (await jobExists(deps.pgPool, claim.holder)) return;
        claim = claimStep(job, jobId, display, claim.holder);
      }
      if (claim.kind === 'ended' || claim.kind === 'duplicate') return;
      if (claim.kind === 'settled') {
        await settle(execution.id, graph);
        return;
      }
      record = (result) => finishStepRun(sqlite, job.executionId, job.nodeId, job.attempt, result);
    }
    // Live views hear that a step runs only when it runs long enough to be seen running: most
    // steps end within milliseconds, and their `succeeded` event follows at once.
    const announceRunning = setTimeout(
      () =>
        publish({
          type: 'step',
          executionId: job.executionId,
          nodeId: job.nodeId,
          attempt: job.attempt,
          status: 'running',
          at: startedAt,
        }),
      RUNNING_EVENT_AFTER_MS,
    );
    let result: StepResult;
    try {
      result = await execute(graph, node, input, execution, job, abortSignal);
    } finally {
      clearTimeout(announceRunning);
    }
    const after = await finishes.add({ job, graph, node, result, record });
    await queue.add(specsFor(job.executionId, after.pending), after.events);
    // A cancel that landed between the commit above and the queueing finds no job to remove:
    // look again, so a canceled run leaves no job behind (a delay's successor could wait days).
    if (after.pending.length > 0 && getExecutionStatus(sqlite, job.executionId) === 'canceled') {
      await removeQueuedSteps(deps.pgPool, job.executionId);
    }
  };

  function claimStep(
    job: StepJob,
    jobId: string,
    display: ReturnType<typeof forDisplay>,
    /** A vanished job whose claim this job may take over. */
    replacing?: string,
  ): { kind: 'ended' } | { kind: 'settled' } | { kind: 'duplicate'; holder: string } | { kind: 'run' } {
    return immediate(sqlite, () => {
      const status = getExecutionStatus(sqlite, job.executionId);
      if (!status || TERMINAL_STATUSES.includes(status)) return { kind: 'ended' as const };
      const latest = latestAttempt(sqlite, job.executionId, job.nodeId);
      const found = attemptStatus(latest, job);
      if (found === 'settled') return { kind: 'settled' as const };
      // Running under another job: a duplicate of a job that is at work. Only the job that claimed
      // an attempt (retried by the queue after its worker died) takes it over.
      if (found === 'running' && latest?.jobId !== jobId && latest?.jobId !== replacing)
        return { kind: 'duplicate' as const, holder: latest?.jobId ?? '' };
      claimStepRun(sqlite, {
        ...job,
        workerId: deps.workerId,
        jobId,
        ...(replacing ? { replacing } : {}),
        input: display.value,
        truncated: display.truncated,
      });
      if (status === 'queued') markExecutionRunning(sqlite, job.executionId);
      return { kind: 'run' as const };
    });
  }

  /**
   * Stores the result of a step that was not claimed, inside `finishStep`'s transaction: only
   * while its run goes on and no job has recorded the attempt yet. A result that loses either race
   * is dropped, as an action's late result is after a cancel.
   */
  function recordUnclaimed(
    job: StepJob,
    jobId: string,
    display: ReturnType<typeof forDisplay>,
    startedAt: string,
    result: StepResult,
  ): boolean {
    const status = getExecutionStatus(sqlite, job.executionId);
    if (!status || TERMINAL_STATUSES.includes(status)) return false;
    if (attemptStatus(latestAttempt(sqlite, job.executionId, job.nodeId), job) !== 'new') return false;
    const stored = insertFinishedStepRun(
      sqlite,
      {
        ...job,
        workerId: deps.workerId,
        jobId,
        input: display.value,
        truncated: display.truncated,
        startedAt,
      },
      result,
    );
    if (stored && status === 'queued') markExecutionRunning(sqlite, job.executionId);
    return stored;
  }

  async function execute(
    graph: CompiledGraph,
    node: CompiledNode,
    input: unknown,
    execution: ExecutionForStep,
    job: StepJob,
    abortSignal: AbortSignal | undefined,
  ): Promise<StepResult> {
    try {
      let scope: ExpressionScope | undefined;
      const scopeFor = (): ExpressionScope => {
        scope ??= {
          input,
          trigger: execution.triggerPayload ?? {},
          steps: stepsScope(graph, node, execution.id),
        };
        return scope;
      };
      const ctx: NodeContext = {
        executionId: job.executionId,
        nodeId: job.nodeId,
        attempt: job.attempt,
        trigger: execution.triggerPayload ?? {},
        signal: abortSignal ?? new AbortController().signal,
        now: () => new Date(),
        evaluate: async (value) => evaluateTemplates(value, scopeFor(), deps.sandbox),
        runScript: (code, limits) => deps.sandbox.runScript(code, scopeFor(), limits.timeoutMs, limits.memoryMb),
        http: (request) => http(request, abortSignal),
      };
      // The signal aborts only when this worker stops and the drain grace is over (drain.ts).
      const result = await untilReleased(abortSignal, () =>
        node.definition.execute({ config: node.config, input, ctx }),
      );
      const ports = outputsOf(node.definition, node.config);
      const port = result.port ?? ports[0] ?? 'main';
      if (!ports.includes(port)) throw new Error(`node answered on port "${port}", which it does not have`);
      const checked = checkOutput(result.output);
      return {
        status: 'succeeded',
        output: checked.output,
        ...(checked.truncated ? { truncatedOutput: checked.truncated } : {}),
        port,
        ...(result.continueAt ? { continueAt: result.continueAt.toISOString() } : {}),
      };
    } catch (thrown) {
      // Not a failure of the step: its worker is leaving. Nothing is stored; the job runs it again.
      if (abortSignal?.aborted) throw new StepReleased();
      const error = coerceError(thrown);
      const final = DETERMINISTIC_ERRORS.has(error.name) ? new NonRetryableError(error.message) : error;
      const delay = retryDelayMs(node.definition.retry, job.attempt, final, deps.random);
      deps.log.debug(
        { executionId: job.executionId, nodeId: job.nodeId, attempt: job.attempt, err: error.message },
        'step failed',
      );
      return {
        status: 'failed',
        error: { name: error.name, message: error.message, retryable: delay !== undefined },
        ...(delay !== undefined ? { retryAt: new Date(Date.now() + delay).toISOString() } : {}),
      };
    }
  }

  /**
   * Outputs of the steps a node's expressions (and a script's code) name, as `steps.<name>.output`.
   * Only those are copied into the sandbox: a big workflow's other outputs stay where they are.
   */
  function stepsScope(
    graph: CompiledGraph,
    node: CompiledNode,
    executionId: string,
  ): Record<string, { output: unknown }> {
    const names = stepNamesInTemplates(node.node.config);
    const code = (node.config as { code?: unknown }).code;
    if (typeof code === 'string') for (const name of referencedStepNames(code)) names.add(name);
    const wanted = [...names]
      .map((name) => ({ name, id: graph.byName.get(name)?.node.id }))
      .filter((entry): entry is { name: string; id: string } => entry.id !== undefined);
    const outputs = stepOutputs(
      sqlite,
      executionId,
      wanted.map((entry) => entry.id),
    );
    // Only steps that succeeded have an output; a skipped one is simply absent from `steps`.
    return Object.fromEntries(
      wanted.filter((entry) => outputs.has(entry.id)).map((entry) => [entry.name, { output: outputs.get(entry.id) }]),
    );
  }

  /** Stores a step's result and works out what runs next; runs inside `finishes`' transaction. */
  function finishStep({ job, graph, node, result, record }: Finish): { pending: PendingStep[]; events: EngineEvent[] } {
    const at = now();
    const step = (status: 'succeeded' | 'failed' | 'waiting'): EngineEvent => ({
      type: 'step',
      executionId: job.executionId,
      nodeId: job.nodeId,
      attempt: job.attempt,
      status,
      at,
    });
    // Not stored when a claimed attempt is no longer running: its run was canceled meanwhile. (A
    // run failed by another branch still records a claimed result; advancing it queues nothing.)
    if (!record(result)) return { pending: [], events: [] };
    if (result.status === 'failed' && result.retryAt) {
      return {
        pending: [{ nodeId: job.nodeId, attempt: job.attempt + 1, runAt: result.retryAt }],
        events: [step('waiting')],
      };
    }
    if (result.status === 'failed') {
      const events = [step('failed')];
      const message = (result.error as { message?: string }).message ?? 'failed';
      if (
        finishExecution(sqlite, job.executionId, 'failed', { nodeId: job.nodeId, nodeName: node.node.name, message })
      ) {
        events.push({ type: 'run', executionId: job.executionId, status: 'failed', at });
      }
      return { pending: [], events };
    }
    const advance = advanceExecution(sqlite, graph, job.executionId, job.nodeId);
    return { pending: advance.pending, events: [step('succeeded'), ...advance.events] };
  }

  async function settle(executionId: string, graph: CompiledGraph): Promise<void> {
    const advance = immediate(sqlite, () => advanceExecution(sqlite, graph, executionId));
    await queue.add(specsFor(executionId, advance.pending), advance.events);
  }

  async function failRun(executionId: string, message: string): Promise<void> {
    if (finishExecution(sqlite, executionId, 'failed', { message })) {
      publish({ type: 'run', executionId, status: 'failed', at: now() });
    }
  }
}

const now = () => new Date().toISOString();

/**
 * What the stored rows say about a job's attempt: `new` (nothing stored, and it is the node's next
 * attempt), `running` (claimed by a job), or `settled` (done, or no longer the next attempt: a job
 * queued twice does nothing).
 */
function attemptStatus(latest: ReturnType<typeof latestAttempt>, job: StepJob): 'new' | 'running' | 'settled' {
  if (latest?.attempt === job.attempt) return latest.status === 'running' ? 'running' : 'settled';
  const state = latest && toStepState(latest);
  const expected = state === undefined ? 1 : state.status === 'waiting' ? state.attempt + 1 : undefined;
  return expected === job.attempt ? 'new' : 'settled';
}
