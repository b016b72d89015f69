/** Small helpers for benchmarks: timing samples and printing figures the same way everywhere. */

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[index] as number;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times, and returns the sorted durations in ms. */
export async function sample(fn: () => unknown, runs: number, warmup = Math.ceil(runs / 10)): Promise<number[]> {
  for (let index = 0; index < warmup; index++) await fn();
  const durations: number[] = [];
  for (let index = 0; index < runs; index++) {
    const start = performance.now();
    await fn();
    durations.push(performance.now() - start);
  }
  return durations.sort((a, b) => a - b);
}

export function report(name: string, figures: Record<string, string | number>): void {
  const parts = Object.entries(figures).map(
    ([key, value]) => `${key}=${typeof value === 'number' ? round(value) : value}`,
  );
  process.stdout.write(`${name.padEnd(48)} ${parts.join('  ')}\n`);
}

const round = (value: number) => (Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3)));
