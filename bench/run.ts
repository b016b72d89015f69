/**
 * `npm run bench [name...]`: runs the benchmarks and prints their figures. Not part of the test
 * suite, and nothing here asserts a time: the figures are read by people and compared with the
 * targets the issues name. Each benchmark is a `bench/<name>.bench.ts` exporting `run()`; the
 * headline figures they record are printed as one summary table at the end (bench/summary.ts).
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printSummary } from './summary.ts';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const names = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (names.length === 0) {
  process.stderr.write(`no benchmark matches ${wanted.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`Stepwise benchmarks on Node ${process.version}\n`);
try {
  for (const name of names) {
    process.stdout.write(`\n== ${name}\n`);
    const module = (await import(`./${name}.bench.ts`)) as { run(): Promise<void> };
    await module.run();
  }
} finally {
  // Also after a failed benchmark: what was measured before it is still worth reading.
  printSummary();
}
