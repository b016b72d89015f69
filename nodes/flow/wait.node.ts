import { z } from 'zod';
import { defineNode } from '../define.ts';
import { NonRetryableError } from '../errors.ts';
import { template } from '../template.ts';
import { isValidTimeZone } from '../triggers/schedule.node.ts';

const UNIT_MS = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
const Unit = z.enum(['seconds', 'minutes', 'hours', 'days']);
/** The longest a run may wait in one step (a timer job scheduled that far ahead costs nothing). */
const MAX_WAIT_MS = 365 * UNIT_MS.days;
/** How long a resume URL works when the node sets no timeout: then it leaves by `timeout`. */
export const DEFAULT_CALLBACK_EXPIRY_MS = 7 * UNIT_MS.days;

/** A field the settings form shows only in these modes (the form reads `showWhen`). */
const only = (...modes: Mode[]) => ({ showWhen: { mode: modes } });
type Mode = 'duration' | 'until' | 'callback' | 'approval';

/** Who may decide an approval: this role or a higher one. */
export const APPROVER_ROLES = ['analyst', 'operator', 'admin'] as const;

/** What an approval's output holds besides the input it passes on; `decision` is set when it is resumed. */
export interface ApprovalOutput {
  readonly decision: 'pending' | 'approved' | 'rejected' | 'timeout';
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly comment: string | null;
  readonly input: unknown;
}

export default defineNode({
  type: 'flow.wait',
  kind: 'flow',
  title: 'Wait',
  description: 'Pauses the run until a time, for a while, for an HTTP callback, or for a person’s approval.',
  icon: 'timer',
  docs: [
    'The run waits without holding a worker, however long: it shows as `waiting`, survives restarts, and can be canceled like any run.',
    'For a duration or until a time (an expression such as `{{ input.sendAt }}`; a time without an offset is read in the time zone you pick; a time already past goes on at once): the input is passed on unchanged by `main`.',
    'For a callback: the run waits until something POSTs JSON to its resume URL, `{{ execution.resumeUrl }}` in the expressions of any earlier step (send it out with an HTTP step). The posted body becomes this step’s output (`main`). The URL works once; after the timeout (7 days when none is set) it stops working and the step leaves by `timeout` with its input.',
    'For an approval: the run waits until someone with the chosen role or a higher one approves or rejects it in the Approvals inbox (or on the run’s page). It leaves by `approved` or `rejected` (or `timeout`, if a timeout is set and nobody decided by then) with `{ decision, decidedBy, decidedAt, comment, input }`. The title and message may use expressions; they are worked out when the run starts waiting.',
  ].join('\n\n'),
  outputs: ['main'],
  outputsBy: {
    field: 'mode',
    ports: { callback: ['main', 'timeout'], approval: ['approved', 'rejected', 'timeout'] },
  },
  config: z
    .strictObject({
      mode: z
        .enum(['duration', 'until', 'callback', 'approval'])
        .default('duration')
        .describe('Wait for a duration, until a time, for an HTTP callback, or for an approval'),
      amount: z.number().int().min(1).optional().describe('Duration: how many units to wait').meta(only('duration')),
      unit: Unit.default('minutes').describe('Duration: the unit of the amount').meta(only('duration')),
      until: template('Until: the time to wait for, e.g. {{ input.sendAt }} or 2030-01-31T09:00')
        .optional()
        .meta(only('until')),
      timezone: z
        .string()
        .default('UTC')
        .describe('Until: the IANA time zone a time without an offset is read in')
        .meta({ format: 'timezone', ...only('until') }),
      timeout: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('Callback or approval: give up after this many units')
        .meta(only('callback', 'approval')),
      timeoutUnit: Unit.default('hours')
        .describe('Callback or approval: the unit of the timeout')
        .meta(only('callback', 'approval')),
      role: z
        .enum(APPROVER_ROLES)
        .default('operator')
        .describe('Approval: who may decide (this role or a higher one)')
        .meta(only('approval')),
      title: template('Approval: the title shown in the inbox').optional().meta(only('approval')),
      message: template('Approval: what the approver should know').optional().meta(only('approval')),
    })
    .superRefine((config, ctx) => {
      if (config.mode === 'duration') {
        if (config.amount === undefined) {
          ctx.addIssue({ code: 'custom', path: ['amount'], message: 'a wait for a duration needs an amount' });
        } else if (config.amount * UNIT_MS[config.unit] > MAX_WAIT_MS) {
          ctx.addIssue({ code: 'custom', path: ['amount'], message: 'a wait can be at most 365 days' });
        }
      }
      if (config.mode === 'until' && !config.until?.trim()) {
        ctx.addIssue({ code: 'custom', path: ['until'], message: 'a wait until a time needs the time' });
      }
      if (!isValidTimeZone(config.timezone)) {
        ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'must be an IANA time zone such as Europe/Paris' });
      }
      if (config.timeout !== undefined && config.timeout * UNIT_MS[config.timeoutUnit] > MAX_WAIT_MS) {
        ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'a timeout can be at most 365 days' });
      }
      if (config.mode === 'approval' && !config.title?.trim()) {
        ctx.addIssue({ code: 'custom', path: ['title'], message: 'an approval needs a title for the inbox' });
      }
    }),
  async execute({ config, input, ctx }) {
    const now = ctx.now().getTime();
    const timeoutAt =
      config.timeout === undefined ? undefined : iso(now + config.timeout * UNIT_MS[config.timeoutUnit]);
    switch (config.mode) {
      case 'duration': {
        const at = iso(now + (config.amount ?? 1) * UNIT_MS[config.unit]);
        return { output: input, wait: { kind: 'time', timer: { at, port: 'main' } } };
      }
      case 'until': {
        const at = readTime(await ctx.evaluate(config.until ?? ''), config.timezone);
        if (at.getTime() - now > MAX_WAIT_MS) {
          throw new NonRetryableError(`config.until: ${at.toISOString()} is more than 365 days away`);
        }
        // A time already past goes on at once.
        if (at.getTime() <= now) return { output: input };
        return { output: input, wait: { kind: 'time', timer: { at: at.toISOString(), port: 'main' } } };
      }
      case 'callback': {
        const at = timeoutAt ?? iso(now + DEFAULT_CALLBACK_EXPIRY_MS);
        return { output: input, wait: { kind: 'callback', expiresAt: at, timer: { at, port: 'timeout' } } };
      }
      case 'approval': {
        const title = text(await ctx.evaluate(config.title ?? ''), 'title', 200);
        const message = text(await ctx.evaluate(config.message ?? ''), 'message', 4000);
        const output: ApprovalOutput = { decision: 'pending', decidedBy: null, decidedAt: null, comment: null, input };
        return {
          output,
          wait: {
            kind: 'approval',
            role: config.role,
            title,
            message,
            ...(timeoutAt ? { timer: { at: timeoutAt, port: 'timeout', merge: { decision: 'timeout' } } } : {}),
          },
        };
      }
    }
  },
});

const iso = (ms: number) => new Date(ms).toISOString();

/** An evaluated title or message as the inbox shows it: text, cut to `max` characters. */
function text(value: unknown, field: string, max: number): string {
  if (value !== null && typeof value === 'object') {
    throw new NonRetryableError(`config.${field}: expected text, got ${Array.isArray(value) ? 'a list' : 'an object'}`);
  }
  const words = value === null || value === undefined ? '' : String(value);
  return words.length > max ? `${words.slice(0, max - 1)}…` : words;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * The instant an `until` value names: a date-time with an offset (or `Z`) as written, a number as
 * epoch milliseconds, and a wall-clock time without an offset (`2030-01-31T09:00`, `2030-01-31`)
 * read in `timeZone`, daylight saving included.
 */
export function readTime(value: unknown, timeZone: string): Date {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
  const words = typeof value === 'string' ? value.trim() : '';
  const wall = WALL_TIME.exec(words);
  if (wall) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = wall;
    const asUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms));
    // The zone's offset at that moment, found by formatting a first guess there (twice, for the
    // hours around a daylight-saving change).
    const first = asUtc - offsetMs(asUtc, timeZone);
    return new Date(asUtc - offsetMs(first, timeZone));
  }
  const parsed = words === '' ? Number.NaN : Date.parse(words);
  if (Number.isNaN(parsed)) {
    throw new NonRetryableError(
      `config.until: ${JSON.stringify(value)?.slice(0, 60) ?? 'nothing'} is not a time (write e.g. 2030-01-31T09:00 or an ISO time with an offset)`,
    );
  }
  return new Date(parsed);
}

/** How far `timeZone`'s wall clock is ahead of UTC at the instant `ms`. */
function offsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const part = (type: string) => Number(parts.find((each) => each.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - (ms - (ms % 1000));
}
