import { Graph } from '../core/graph/model.ts';
import { dueFire, type Schedule, scheduleOf } from '../core/schedule.ts';
import { type RunsDeps, startRun } from '../engine/runs.ts';
import type { Logger } from '../log.ts';
import type { Repositories } from '../store/repositories.ts';
import type { PublishedWorkflow } from '../store/schedules.ts';

/** What the scheduler reads and writes besides starting runs. */
export type SchedulerRepositories = Pick<Repositories, 'schedules' | 'workflows'>;

/** The schedule of a stored version, if its trigger is a schedule trigger. */
export async function versionSchedule(
  repos: Pick<Repositories, 'workflows'>,
  versionId: string,
): Promise<Schedule | undefined> {
  const graph = Graph.safeParse(await repos.workflows.versionGraph(versionId));
  return graph.success ? scheduleOf(graph.data) : undefined;
}

/** How often the scheduler looks for due fires; schedules have a resolution of one second. */
const TICK_MS = 500;

/**
 * Fires schedules: every active, unpaused workflow whose published version starts with a
 * schedule trigger runs at its cron slots, in its time zone. Each slot is taken exactly once, even
 * with several schedulers on the same store, through the unique (workflow, fire time) row of
 * `schedule_fires`. After downtime the latest missed slot runs once; older ones are skipped and
 * counted in the run's payload (`missedFires`). Slots that pass while a schedule is paused are
 * skipped: resuming counts from then, as activating does. Publishing, rolling back, activating and
 * pausing take effect at the next tick: the published version is read afresh every time.
 */
export class Scheduler {
  private readonly schedules = new Map<string, Schedule | null>(); // by version id: versions never change
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly runs: RunsDeps;
  private readonly repos: SchedulerRepositories;
  private readonly log: Logger;
  private readonly now: () => Date;

  constructor(runs: RunsDeps, repos: SchedulerRepositories, log: Logger, now: () => Date = () => new Date()) {
    this.runs = runs;
    this.repos = repos;
    this.log = log;
    this.now = now;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.log.error({ error: (error as Error).message }, 'scheduler tick failed'))
        .finally(() => {
          this.ticking = undefined;
        });
    }, TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** The schedule of a published version, if its trigger is a schedule. */
  async scheduleOf(workflow: Pick<PublishedWorkflow, 'versionId'>): Promise<Schedule | undefined> {
    let schedule = this.schedules.get(workflow.versionId);
    if (schedule === undefined) {
      schedule = (await versionSchedule(this.repos, workflow.versionId)) ?? null;
      this.schedules.set(workflow.versionId, schedule);
    }
    return schedule ?? undefined;
  }

  /** One pass: fires every schedule that is due. Answers how many runs it started. */
  async tick(): Promise<number> {
    const now = this.now();
    let started = 0;
    for (const workflow of await this.repos.schedules.listPublished()) {
      if (!workflow.active || workflow.paused) continue;
      const schedule = await this.scheduleOf(workflow);
      if (!schedule) continue;
      // Slots before the last one taken, the last activation (or resume) or the last publication never fire.
      const since = [workflow.lastFire, workflow.activeSince, workflow.publishedAt]
        .filter((time): time is string => time !== null)
        .sort()
        .pop();
      if (!since) continue;
      let due: ReturnType<typeof dueFire>;
      try {
        due = dueFire(schedule, new Date(since), now);
      } catch (error) {
        this.log.warn({ workflowId: workflow.workflowId, error: (error as Error).message }, 'unusable schedule');
        continue;
      }
      if (!due) continue;
      const fireTime = due.scheduledFor.toISOString();
      try {
        if (!(await this.fire(workflow, schedule, fireTime, due.missed, now))) continue;
      } catch (error) {
        // One workflow's failure (its run could not be stored or queued) does not hold up the others.
        this.log.error(
          { workflowId: workflow.workflowId, scheduledFor: fireTime, error: (error as Error).message },
          'scheduled run failed to start',
        );
        continue;
      }
      if (due.missed > 0) {
        this.log.warn(
          { workflowId: workflow.workflowId, scheduledFor: fireTime, missed: due.missed },
          'ran the latest missed schedule slot; skipped older ones',
        );
      }
      started++;
    }
    return started;
  }

  /**
   * Takes the slot and starts its run; false when the slot was taken already. The claim and the
   * execution are one SQLite transaction: a slot is never taken without its run (a crash before
   * the commit leaves the slot free for the next tick). The run's trigger job is queued after the
   * commit; a crash in between leaves a queued run without a job, which `reconcileUnfinishedRuns`
   * queues at the next start.
   */
  private async fire(
    workflow: PublishedWorkflow,
    schedule: Schedule,
    fireTime: string,
    missed: number,
    now: Date,
  ): Promise<boolean> {
    // The claim is written inside the run's own insert transaction, by the engine.
    const claim = this.repos.schedules.fireClaim(workflow.workflowId, fireTime);
    try {
      await startRun(this.runs, {
        workflowId: workflow.workflowId,
        versionId: workflow.versionId,
        trigger: 'schedule',
        payload: {
          scheduledFor: fireTime,
          firedAt: now.toISOString(),
          timezone: schedule.timezone,
          cron: schedule.cron,
          missedFires: missed,
        },
        alongside: (execution) => {
          if (!claim(execution.id)) throw new SlotTaken();
        },
      });
      return true;
    } catch (error) {
      if (error instanceof SlotTaken) return false;
      throw error;
    }
  }
}

/** Another scheduler (or an earlier tick) took the slot: the execution inserted with it is undone. */
class SlotTaken extends Error {
  override name = 'SlotTaken';
}
