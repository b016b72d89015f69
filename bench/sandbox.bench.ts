import { SandboxPool } from '../server/sandbox/pool.ts';
import { ExpressionBudget, evaluateTemplates } from '../server/sandbox/templates.ts';
import { percentile, report, sample } from './stats.ts';

/**
 * How well the sandbox's time limits hold, in milliseconds, where the tests only check that they
 * hold: how far past its limit a looping expression and a looping script are stopped; the longest
 * the caller's event loop goes without running a 10 ms timer while slow expressions run (they move
 * off the loop after a 10 ms slice, pool.ts); what an expression costs while a script loops on
 * another isolate; and what expressions and scripts cost in the isolate, without and with luxon
 * (DateTime: made afresh for each call that names it, realm.ts), so naming it costs nothing to
 * the calls that do not.
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

    const scope = {
      input: { total: 42, name: 'Ada', date: '2026-03-28' },
      trigger: {},
      steps: {},
      vars: { TEAM: 'ops' },
    };
    const fields = [
      'input.total * 2',
      'input.name.toUpperCase()',
      "input.name + '-' + input.total",
      'input.total > 10',
      'input.date.slice(0, 4)',
    ];
    const plain = await sample(() => pool.evaluateExpressions(fields, scope), 2000);
    report('a step of 5 expressions in the isolate, none naming luxon', {
      p50_ms: percentile(plain, 50),
      p99_ms: percentile(plain, 99),
    });
    const script = await sample(() => pool.runScript('return input.total * 2;', scope, 1000), 500);
    report('a script naming no luxon', { p50_ms: percentile(script, 50), p99_ms: percentile(script, 99) });
    const dated = await sample(
      () =>
        pool.evaluateExpressions(
          ["DateTime.fromISO(input.date, { zone: 'Europe/Berlin' }).plus({ days: 1 }).toISODate()"],
          scope,
        ),
      500,
    );
    report('an expression naming DateTime, in a zone', {
      p50_ms: percentile(dated, 50),
      p99_ms: percentile(dated, 99),
    });
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
