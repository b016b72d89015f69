import { Cron } from 'croner';
import type { Graph } from './graph/model.ts';

/** A workflow's schedule: the config of its `trigger.schedule` node. */
export interface Schedule {
  readonly cron: string;
  readonly timezone: string;
}

/** The schedule of a graph whose trigger is a schedule trigger, else undefined. */
export function scheduleOf(graph: Graph): Schedule | undefined {
  const trigger = graph.nodes.find((node) => node.type === 'trigger.schedule');
  if (!trigger) return undefined;
  const { cron, timezone } = trigger.config as { cron?: unknown; timezone?: unknown };
  if (typeof cron !== 'string') return undefined;
  return { cron, timezone: typeof timezone === 'string' ? timezone : 'UTC' };
}

/** How many missed fire times are counted at most (an every-second schedule down for a week…). */
const MISSED_COUNT_CAP = 1000;

export interface DueFire {
  /** The cron slot to run now: the latest one not after `now`. */
  readonly scheduledFor: Date;
  /** Slots after `since` and before `scheduledFor` that are skipped (capped at 1000). */
  readonly missed: number;
}

/**
 * The fire due now, if any, under the missed-fire policy: after downtime, the latest missed slot
 * runs once and older ones are skipped (and counted). `since` is the last slot taken (or when the
 * schedule started to count); slots at or before it never fire. Daylight-saving changes are the
 * cron library's business: a slot that does not exist locally fires at the next valid time.
 */
export function dueFire(schedule: Schedule, since: Date, now: Date): DueFire | undefined {
  const cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
  try {
    const first = cron.nextRun(since);
    if (!first || first > now) return undefined;
    const [latest] = cron.previousRuns(1, new Date(now.getTime() + 1));
    if (!latest || latest <= since) return undefined;
    let missed = 0;
    for (let slot: Date | null = first; slot && slot < latest && missed < MISSED_COUNT_CAP; slot = cron.nextRun(slot)) {
      missed++;
    }
    return { scheduledFor: latest, missed };
  } finally {
    cron.stop();
  }
}

/** The next `count` fire times after `from`. */
export function nextFires(schedule: Schedule, count: number, from: Date): Date[] {
  const cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
  try {
    return cron.nextRuns(count, from);
  } finally {
    cron.stop();
  }
}
