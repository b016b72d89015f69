import { SandboxPool } from '../server/sandbox/pool.ts';
import { ExpressionBudget, evaluateTemplates } from '../server/sandbox/templates.ts';
import { percentile, report, sample } from './stats.ts';

/**
 * How well the sandbox's time limits hold, in milliseconds, where the tests only check that they
 * hold: how far past its limit a looping expression and a looping script are stopped; the longest
 * the caller's event loop goes without running a 10 ms timer while slow expressions run (they move
 * off the loop after a 10 ms slice, pool.ts); and what an expression costs while a script loops on
 * another isolate.
 */
export async function run(): Promise<void> {
  const expressionLimitMs = 200;
  const scriptLimitMs = 300;
  const pool = new SandboxPool({ expressionTimeoutMs: expressionLimitMs });
  try {
    const expressionStops = await sample(
      () => pool.evaluateExpressions(['(() => { for (;;) {} })()'], {}).catch(() => undefined),
      10,
      1,
    );
    report('looping expression stopped, past its limit', {
      limit_ms: expressionLimitMs,
      p50_ms: percentile(expressionStops, 50) - expressionLimitMs,
      max_ms: percentile(expressionStops, 100) - expressionLimitMs,
    });
    const scriptStops = await sample(
      () => pool.runScript('for (;;) {}', {}, scriptLimitMs).catch(() => undefined),
      10,
      1,
    );
    report('looping script stopped, past its limit', {
      limit_ms: scriptLimitMs,
      p50_ms: percentile(scriptStops, 50) - scriptLimitMs,
      max_ms: percentile(scriptStops, 100) - scriptLimitMs,
    });

    const slow = '{{ (() => { const t = Date.now(); while (Date.now() - t < 100); return 1 })() }}';
    const stalls: number[] = [];
    for (let index = 0; index < 10; index++) {
      stalls.push(
        await longestStall(() =>
          evaluateTemplates(
            { a: slow },
            { input: {}, trigger: {}, steps: {} },
            pool,
            new ExpressionBudget(1_000_000, 1000),
          ),
        ),
      );
    }
    stalls.sort((a, b) => a - b);
    report('event loop stall during a 100 ms expression', {
      p50_ms: percentile(stalls, 50),
      max_ms: percentile(stalls, 100),
    });

    const stop = new AbortController();
    const looping = pool.runScript('for (;;) {}', {}, 30_000, undefined, stop.signal).catch(() => undefined);
    const beside = await sample(() => pool.evaluateExpressions(['input.n * 2'], { input: { n: 1 } }), 200);
    stop.abort();
    await looping;
    report('expression while a script loops', { p50_ms: percentile(beside, 50), p99_ms: percentile(beside, 99) });
  } finally {
    pool.dispose();
  }
}

/** The longest gap between runs of a 10 ms timer while `work` runs (its own duration is not the figure). */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticking = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work();
    return Math.max(longest, performance.now() - last);
  } finally {
    clearInterval(ticking);
  }
}
