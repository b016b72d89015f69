import { z } from 'zod';
import { defineNode } from '../define.ts';
import { isPlainObject } from '../paths.ts';

export default defineNode({
  type: 'flow.merge',
  kind: 'flow',
  // Reached only once every live branch has arrived (the planner waits), so it never suspends.
  pure: true,
  title: 'Merge',
  description: 'Waits for every branch still running into it, then passes their outputs on together.',
  icon: 'merge',
  docs: [
    'Joins branches: it runs once every branch still running into it has arrived (a branch an If or Switch did not take is not waited for).',
    '"By name" outputs an object keyed by the names of the nodes that arrived, e.g. `{ "Lookup": …, "Score": … }`; "list" outputs their outputs as a list.',
  ].join('\n\n'),
  config: z.strictObject({
    mode: z
      .enum(['byName', 'list'])
      .default('byName')
      .describe('An object keyed by the names of the nodes that arrived, or a list of their outputs'),
  }),
  acceptsManyInputs: true,
  // The engine hands a merge `{ <parent name>: <parent output> }` for the branches that ran.
  async execute({ config, input }) {
    const byName = isPlainObject(input) ? input : {};
    return { output: config.mode === 'byName' ? byName : Object.values(byName) };
  },
});
