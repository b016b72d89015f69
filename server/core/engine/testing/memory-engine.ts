/**
 * Test support only: the real step runner (server/engine/step-runner.ts) and run service
 * (server/engine/runs.ts) wired to the in-memory ports (memory-ports.ts), with a queue driver
 * that plays graphile-worker one job at a time, so a test drives a whole run to its end with no
 * PostgreSQL, SQLite or isolate.
 */
import type { StepId } from '../../../../nodes/step.ts';
import { cancelRun, type RunsPorts, reconcileUnfinishedRuns, retryRun, startRun } from '../../../engine/runs.ts';
import { createStepRunner } from '../../../engine/step-runner.ts';
import { fireWaitTimer } from '../../../engine/wait-timers.ts';
import { describeStates } from '../ascii-graph.ts';
import { GraphCache } from '../graph-cache.ts';
import type { TriggerKind } from '../ports.ts';
import { StepReleased } from '../released.ts';
import {
  CountingMetrics,
  ManualClock,
  MemoryEventBus,
  type MemoryJob,
  MemoryRunStore,
  MemoryStepQueue,
  type Script,
  scriptedExecutor,
  WorkerCrash,
} from './memory-ports.ts';

export function memoryEngine(script: Script = {}) {
  const clock = new ManualClock();
  const events = new MemoryEventBus();
  const queue = new MemoryStepQueue(events);
  const store = new MemoryRunStore(clock);
  const metrics = new CountingMetrics();
  const executor = scriptedExecutor(script, clock);
  const graphs = new GraphCache();
  const runs: RunsPorts = { runStore: store, jobs: queue, events, clock, graphs };
  const runStep = createStepRunner({
    runStore: store,
    queue,
    events,
    clock,
    metrics,
    execute: executor.execute,
    graphs,
    workerId: 'memory-worker',
    log: { warn() {} },
  });
  /** Jobs that ended by crashing their worker (left in the queue, as graphile-worker does). */
  const crashes: string[] = [];

  const payloadOf = (job: MemoryJob): StepId => ({
    executionId: job.spec.executionId,
    nodeId: job.spec.nodeId,
    scope: job.spec.scope,
    attempt: job.spec.attempt,
  });

  const engine = {
    clock,
    events,
    queue,
    store,
    metrics,
    executor,
    runs,
    crashes,
    /** Starts a run of `graph` (a `graphOf` drawing) and answers its id; nothing runs until `runJobs`. */
    async start(graph: unknown, payload: unknown = {}, trigger: TriggerKind = 'manual'): Promise<string> {
      const { workflowId, versionId } = store.addWorkflow(graph);
      const execution = await startRun(runs, { workflowId, versionId, trigger, payload });
      return execution.id;
    },
    cancel: (executionId: string) => cancelRun(runs, executionId),
    retry: (executionId: string, mode: 'from-failure' | 'fresh') => retryRun(runs, executionId, mode),
    reconcile: () => reconcileUnfinishedRuns(runs),
    /** The next job graphile-worker would take: the earliest due; when none is due, time moves to the next. */
    nextJob(): MemoryJob | undefined {
      const waiting = [...queue.jobs.values()].filter((job) => !job.locked);
      if (waiting.length === 0) return undefined;
      const dueAt = (job: MemoryJob) => (job.spec.runAt ? Date.parse(job.spec.runAt) : 0);
      waiting.sort((a, b) => dueAt(a) - dueAt(b) || Number(a.id) - Number(b.id));
      const next = waiting[0] as MemoryJob;
      if (next.spec.runAt) clock.advanceTo(next.spec.runAt);
      return next;
    },
    /** The waiting job for a step written `node` or `node#scope`. */
    jobOf(name: string): MemoryJob {
      const job = [...queue.jobs.values()].find(
        (each) =>
          !each.locked &&
          (each.spec.scope === '' ? each.spec.nodeId : `${each.spec.nodeId}#${each.spec.scope}`) === name,
      );
      if (!job) throw new Error(`no job waiting for ${name}`);
      return job;
    },
    /** Runs one job as a worker would: completed when its step runner ends, unlocked (to run again) when it throws. */
    async runJob(job: MemoryJob): Promise<void> {
      job.locked = true;
      job.runs++;
      try {
        // A wait timer resumes its suspended step, as the worker's `stepwise_wait_timer` task does.
        if (job.spec.timer) await fireWaitTimer(runs, payloadOf(job));
        else await runStep(payloadOf(job), job.id);
        queue.jobs.delete(job.id);
      } catch (error) {
        job.locked = false;
        if (!(error instanceof WorkerCrash) && !(error instanceof StepReleased)) throw error;
        crashes.push(job.id);
      }
    },
    /** Runs jobs until the queue is empty. */
    async runJobs(limit = 500): Promise<void> {
      for (let ran = 0; ran < limit; ran++) {
        const job = engine.nextJob();
        if (!job) return;
        await engine.runJob(job);
      }
      throw new Error(`the queue still had jobs after ${limit}`);
    },
    /** The run's status and its steps' latest states, as `describeStates` writes them. */
    async outcome(executionId: string) {
      return {
        status: (await store.getExecution(executionId))?.status,
        steps: describeStates(store.records.stepStates(executionId)),
      };
    },
  };
  return engine;
}

export type MemoryEngine = ReturnType<typeof memoryEngine>;
