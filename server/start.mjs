#!/usr/bin/env -S node --no-node-snapshot
/**
 * The entry of `npm start`, `npm run worker` and the `stepwise` command. Plain JavaScript on
 * purpose: an older Node reads this file, while it stops at the first `.ts` import with
 * "Unknown file extension", which says nothing about what is wrong.
 */
import { nodeVersionProblem } from './node-version.mjs';

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write(problem);
  process.exit(1);
}
await import('./cli.ts');
