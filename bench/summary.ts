import type { CpuPerRun } from './cpu.ts';
import { startWorkerSettings } from './processes.ts';
import { median, round } from './stats.ts';

/**
 * Issue 12's headline figures, printed as one table at the end of `npm run bench`: each measured
 * several times with `npm start`'s worker settings, its median beside the three values, today's
 * figure (measured on the 2-core development VM, 2026-12-01 and -06; loops 2026-12-07 on a quiet
 * machine, eight runs), the target and whether the
 * median reaches it. CPU ms per run beside them, to judge a change on a noisy machine.
 */

/** How often each headline figure is measured (BENCH_REPEAT, default 3): a figure is the median. */
export const HEADLINE_REPEATS = repeats(process.env.BENCH_REPEAT);

function repeats(text: string | undefined): number {
  const count = Number(text ?? 3);
  return Number.isInteger(count) && count >= 1 ? count : 3;
}

const HEADLINES = {
  engineRuns: {
    title: 'five-step runs/s (engine only, every step stored)',
    today: '343–361',
    target: 1000,
    higherIsBetter: true,
  },
  webhookResult: {
    title: 'webhook → 4 steps → result, 50 clients, req/s',
    today: '452–659',
    target: 1200,
    higherIsBetter: true,
  },
  manualLatency: {
    title: 'manual five-step run, trigger to finish, p50 ms',
    today: '12',
    target: 5,
    higherIsBetter: false,
  },
  loop10k: {
    title: 'loop over 10,000 items, 3 pure steps each, trigger to finish, ms',
    today: '2514–2866',
    target: 3000,
    higherIsBetter: false,
  },
  loopHttp: {
    title: 'loop over 100 HTTP calls (20 ms), concurrency 10, ms',
    today: '310–322',
    target: 500,
    higherIsBetter: false,
  },
} as const;

export type Headline = keyof typeof HEADLINES;

/** What a webhook measurement found stored: every answered request must be a complete execution. */
export interface StoredCheck {
  /** Requests answered 200 or 202. */
  readonly answered: number;
  /** Executions stored for the workflow during the measurement. */
  readonly stored: number;
  /** Of those, the ones that succeeded with a succeeded step run for each of the graph's steps. */
  readonly complete: number;
  readonly steps: number;
}

export interface Measurement {
  readonly value: number;
  readonly cpu: CpuPerRun;
  readonly stored?: StoredCheck;
}

const measured = new Map<Headline, Measurement[]>();

export function recordHeadline(headline: Headline, measurement: Measurement): void {
  measured.set(headline, [...(measured.get(headline) ?? []), measurement]);
}

export const allStored = (check: StoredCheck) => check.complete === check.stored && check.stored >= check.answered;

/** Prints the table, or nothing when no benchmark measured a headline figure (e.g. `npm run bench store`). */
export function printSummary(write: (text: string) => void = (text) => process.stdout.write(text)): void {
  if (measured.size === 0) return;
  const keys = Object.keys(HEADLINES) as Headline[];
  write(
    `\n== summary: issue 12's figures, median of ${HEADLINE_REPEATS} run${HEADLINE_REPEATS === 1 ? '' : 's'} ` +
      `with npm start's worker settings here (${startWorkerSettings().label})\n`,
  );
  const figures = keys.map((key) => {
    const { title, today, target, higherIsBetter } = HEADLINES[key];
    const runs = measured.get(key) ?? [];
    const targetText = `${higherIsBetter ? '≥' : '≤'} ${target}`;
    if (runs.length === 0) return [title, '-', 'not measured', today, targetText, '-'];
    const middle = median(runs.map((run) => run.value));
    const checks = runs.flatMap((run) => (run.stored ? [run.stored] : []));
    const reached = (higherIsBetter ? middle >= target : middle <= target) && checks.every(allStored);
    return [
      title,
      format(middle),
      runs.map((run) => format(run.value)).join(', '),
      today,
      targetText,
      reached ? '✓ reached' : '✗ not reached',
    ];
  });
  write(table([['figure', 'median', 'runs', 'today', 'target', ''], ...figures], [false, true, false, true, true]));

  write('\nCPU ms per run (per request for webhooks), median of the runs; total = worker + API, PostgreSQL apart:\n');
  const cpu = keys.flatMap((key) => {
    const runs = measured.get(key) ?? [];
    if (runs.length === 0) return [];
    const of = (pick: (cpu: CpuPerRun) => number) => format(median(runs.map((run) => pick(run.cpu))));
    const title = HEADLINES[key].title;
    return [[title, of((c) => c.workerMs), of((c) => c.apiMs), of((c) => c.totalMs), of((c) => c.postgresMs)]];
  });
  write(table([['figure', 'worker', 'API', 'total', 'PostgreSQL'], ...cpu], [false, true, true, true, true]));

  const checks = (measured.get('webhookResult') ?? []).flatMap((run) => (run.stored ? [run.stored] : []));
  if (checks.length > 0) {
    const sum = (pick: (check: StoredCheck) => number) => checks.reduce((total, check) => total + pick(check), 0);
    const steps = checks[0]?.steps ?? 0;
    write(
      `\nwebhook → result, stored over ${checks.length} run${checks.length === 1 ? '' : 's'}: ${sum((c) => c.answered)} requests answered, ` +
        `${sum((c) => c.stored)} executions stored, ${sum((c) => c.complete)} succeeded with all ${steps} steps: ` +
        `${checks.every(allStored) ? 'every answered request stored ✓' : 'SOME MISSING OR INCOMPLETE ✗'}\n`,
    );
  }
}

const format = (value: number) => String(round(value));

/** Text columns padded to their widest cell; `right[i]` right-aligns column i. */
function table(rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (right[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
