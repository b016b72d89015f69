import { Cron } from 'croner';
import { z } from 'zod';
import { defineNode } from '../define.ts';
import { cronInWords } from './cron-words.ts';

// croner is the one dependency besides zod that `nodes/` takes: it is pure parsing (no I/O, no
// timers when no callback is given), and cron syntax is not worth writing by hand.

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Why a cron expression is unusable, or undefined when it is fine. */
export function cronProblem(expression: string, timezone: string): string | undefined {
  try {
    const job = new Cron(expression, { timezone, paused: true });
    const next = job.nextRun();
    job.stop();
    return next ? undefined : 'the expression never fires';
  } catch (error) {
    return cronInWords((error as Error).message, expression);
  }
}

export default defineNode({
  type: 'trigger.schedule',
  kind: 'trigger',
  title: 'Schedule',
  description: 'Starts a run on a cron schedule in a time zone of your choice.',
  icon: 'clock',
  docs: [
    'Starts a run at every time the cron expression names, read in the time zone you pick, so "0 9 * * 1-5" means 09:00 on weekdays there, daylight saving included. Five fields are minute, hour, day of month, month and day of week; a sixth in front adds seconds.',
    "The schedule runs only while a version with this trigger is published and the workflow is active. Each fire is taken once, however many servers run. The run's payload is `{ scheduledFor, firedAt, timezone }`.",
  ].join('\n\n'),
  config: z
    .strictObject({
      // format: the editor's form shows the cron in words with its next fires, and a simple mode.
      cron: z
        .string()
        .min(1)
        .max(200)
        .describe('Cron expression, e.g. "0 9 * * 1-5" (weekdays at 09:00)')
        .meta({ format: 'cron' }),
      timezone: z
        .string()
        .default('UTC')
        .refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' })
        .describe('IANA time zone the expression is read in')
        .meta({ format: 'timezone' }),
    })
    .superRefine((config, ctx) => {
      if (!isValidTimeZone(config.timezone)) return;
      const problem = cronProblem(config.cron, config.timezone);
      if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: `is not a schedule: ${problem}` });
    }),
  // The scheduler hands over `{ scheduledFor, firedAt, timezone }`; the trigger passes it on.
  async execute({ input }) {
    return { output: input };
  },
});
