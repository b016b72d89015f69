import { z } from 'zod';
import { defineNode } from '../define.ts';

const UNIT_MS = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;
const MAX_DELAY_MS = 30 * UNIT_MS.days;

export default defineNode({
  type: 'flow.delay',
  kind: 'flow',
  // Only works out when its successors may start; they wait in the queue, not this step.
  pure: true,
  title: 'Delay',
  description: 'Waits before passing the input on. No worker sleeps: the next step is scheduled for later.',
  icon: 'hourglass',
  docs: [
    'Passes its input on unchanged after the wait: the next steps are scheduled for later, and no worker is held while the run waits, so a workflow may wait for days.',
    'A canceled run stops waiting at once.',
  ].join('\n\n'),
  config: z
    .strictObject({
      amount: z.number().int().min(1),
      unit: z.enum(['seconds', 'minutes', 'hours', 'days']).default('minutes'),
    })
    .refine((config) => config.amount * UNIT_MS[config.unit] <= MAX_DELAY_MS, {
      path: ['amount'],
      message: 'a delay can be at most 30 days',
    }),
  async execute({ config, input, ctx }) {
    return { output: input, continueAt: new Date(ctx.now().getTime() + config.amount * UNIT_MS[config.unit]) };
  },
});
