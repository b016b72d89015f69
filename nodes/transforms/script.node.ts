import { z } from 'zod';
import { defineNode } from '../define.ts';
import { referencedStepNames } from '../template.ts';

export default defineNode({
  type: 'transform.script',
  kind: 'transform',
  title: 'Script',
  description: 'Runs a JavaScript function body in a sandbox; its return value is the output.',
  icon: 'code',
  docs: [
    "The code is the body of a JavaScript function: `input`, `trigger` and `steps` are in scope, and what it returns (anything JSON) is the step's output, e.g. `return { total: input.items.length }`.",
    'It runs in an isolated sandbox with no network, files or timers, within the time and memory limits set here. A script that throws, loops past its time or runs out of memory fails the step with that error.',
  ].join('\n\n'),
  config: z.strictObject({
    code: z
      .string()
      .min(1)
      .max(100_000)
      .meta({ format: 'javascript', description: 'Function body with input, trigger and steps in scope' }),
    timeoutMs: z.number().int().min(10).max(30_000).default(1000),
    memoryMb: z.number().int().min(8).max(256).default(64),
  }),
  stepReferences: (config) => referencedStepNames(config.code),
  async execute({ config, ctx }) {
    return { output: await ctx.runScript(config.code, { timeoutMs: config.timeoutMs, memoryMb: config.memoryMb }) };
  },
});
