import { z } from 'zod';
import { defineNode } from '../define.ts';
import { referencedStepNames } from '../template.ts';

export default defineNode({
  type: 'transform.script',
  kind: 'transform',
  title: 'Script',
  description: 'Runs a JavaScript function body in a sandbox; its return value is the output.',
  icon: 'code',
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
