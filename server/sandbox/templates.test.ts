import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TemplateSyntaxError } from '../../nodes/template.ts';
import { type ExpressionCallOptions, type ExpressionResult, SandboxError, SandboxPool } from './pool.ts';
import {
  ExpressionBudget,
  type ExpressionScope,
  ExpressionSizeError,
  ExpressionTimeError,
  evaluateTemplates,
} from './templates.ts';

/** A real pool that also records each call into the sandbox. */
class CountingPool extends SandboxPool {
  readonly batches: string[][] = [];

  override evaluateExpressions(
    sources: readonly string[],
    scope: unknown,
    options?: ExpressionCallOptions,
  ): Promise<ExpressionResult[]> {
    this.batches.push([...sources]);
    return super.evaluateExpressions(sources, scope, options);
  }
}

const scope: ExpressionScope = {
  input: { total: 42, name: 'Ada', paid: false, customer: { id: 'c1', tags: ['a', 'b'] }, nothing: null },
  trigger: { body: { event: 'order.created' } },
  steps: { fetch: { output: { status: 200, rows: [{ id: 1 }] } }, 'Send mail': { output: 'sent' } },
};

let pool: CountingPool;

beforeAll(() => {
  pool = new CountingPool();
});

afterAll(() => pool.dispose());

beforeEach(() => {
  pool.batches.length = 0;
});

const evaluate = (value: unknown) => evaluateTemplates(value, scope, pool);

describe('evaluateTemplates', async () => {
  it('keeps the type of a string that is exactly one expression', async () => {
    expect(await evaluate('{{ input.total }}')).toBe(42);
    expect(await evaluate('{{input.paid}}')).toBe(false);
    expect(await evaluate('{{ input.customer }}')).toEqual({ id: 'c1', tags: ['a', 'b'] });
    expect(await evaluate('{{ input.customer.tags }}')).toEqual(['a', 'b']);
    expect(await evaluate('{{ input.nothing }}')).toBeNull();
    expect(await evaluate('{{ input.name }}')).toBe('Ada');
  });

  it('gives null for a missing value', async () => {
    expect(await evaluate('{{ input.missing }}')).toBeNull();
    expect(await evaluate({ a: '{{ input.missing }}' })).toEqual({ a: null });
  });

  it('renders mixed text: strings as they are, objects as JSON, null and undefined as empty', async () => {
    expect(await evaluate('Hello {{ input.name }}, total {{ input.total }}, paid {{ input.paid }}')).toBe(
      'Hello Ada, total 42, paid false',
    );
    expect(await evaluate('customer: {{ input.customer }}')).toBe('customer: {"id":"c1","tags":["a","b"]}');
    expect(await evaluate('tags={{ input.customer.tags }}')).toBe('tags=["a","b"]');
    expect(await evaluate('[{{ input.nothing }}|{{ input.missing }}]')).toBe('[|]');
    expect(await evaluate('{{ input.name }}{{ input.total }}')).toBe('Ada42');
    expect(await evaluate(' {{ input.total }}')).toBe(' 42');
  });

  it('rebuilds nested objects and arrays, leaving non-templates untouched', async () => {
    const config = {
      url: 'https://api.example.com/orders/{{ input.customer.id }}',
      method: 'POST',
      retries: 3,
      enabled: true,
      empty: null,
      note: 'no templates here }} {',
      headers: { 'x-total': '{{ input.total }}', accept: 'application/json' },
      body: [{ id: '{{ input.customer.id }}', tags: '{{ input.customer.tags }}' }, 'plain', 7, ['{{ input.paid }}']],
    };
    const before = structuredClone(config);
    expect(await evaluate(config)).toEqual({
      url: 'https://api.example.com/orders/c1',
      method: 'POST',
      retries: 3,
      enabled: true,
      empty: null,
      note: 'no templates here }} {',
      headers: { 'x-total': 42, accept: 'application/json' },
      body: [{ id: 'c1', tags: ['a', 'b'] }, 'plain', 7, [false]],
    });
    expect(config).toEqual(before); // the input config is not changed
    expect(pool.batches).toHaveLength(1);
  });

  it('returns a value without templates as it is, without calling the sandbox', async () => {
    const config = { a: 'text', b: [1, 'two', { c: null }], d: false };
    expect(await evaluate(config)).toBe(config);
    expect(await evaluate('plain')).toBe('plain');
    expect(await evaluate(12)).toBe(12);
    expect(await evaluate(null)).toBeNull();
    expect(pool.batches).toEqual([]);
  });

  it('resolves the same template string used more than once', async () => {
    expect(
      await evaluate({
        a: '{{ input.total }}',
        b: ['{{ input.total }}', 'n={{ input.total }}'],
        c: '{{ input.total }}',
      }),
    ).toEqual({
      a: 42,
      b: [42, 'n=42'],
      c: 42,
    });
    expect(pool.batches).toEqual([['input.total', 'input.total']]);
  });

  it('has steps.<name>.output and trigger in scope', async () => {
    expect(
      await evaluate({
        status: '{{ steps.fetch.output.status }}',
        first: '{{ steps.fetch.output.rows[0].id }}',
        mail: '{{ steps["Send mail"].output }}',
        event: 'event {{ trigger.body.event }}',
      }),
    ).toEqual({ status: 200, first: 1, mail: 'sent', event: 'event order.created' });
  });

  it('makes one call into the sandbox per evaluateTemplates, in document order', async () => {
    await evaluate({
      a: '{{ input.total }} and {{ input.name }}',
      b: ['{{ trigger.body.event }}', { c: '{{ steps.fetch.output.status }}' }],
    });
    expect(pool.batches).toEqual([['input.total', 'input.name', 'trigger.body.event', 'steps.fetch.output.status']]);
  });

  it('throws TemplateSyntaxError for a template syntax error, without calling the sandbox', async () => {
    await expect(evaluate({ a: '{{ input.total' })).rejects.toThrow(TemplateSyntaxError);
    await expect(evaluate('x {{ }} y')).rejects.toThrow(TemplateSyntaxError);
    expect(pool.batches).toEqual([]);
  });

  it('throws a SandboxError naming the expression that fails', async () => {
    await expect(evaluate({ ok: '{{ input.total }}', bad: 'x {{ input.missing.deeper }}' })).rejects.toThrow(
      SandboxError,
    );
    await expect(evaluate('{{ input.total + }}')).rejects.toThrow(/\{\{ input\.total \+ \}\}: SyntaxError/);
  });

  it('spends one budget across fields and calls, counting a repeated template every time', async () => {
    const budget = new ExpressionBudget(1000);
    // 400 bytes each: two fields fit, the third is over, in a later call.
    await evaluateTemplates({ a: "{{ 'a'.repeat(400) }}" }, scope, pool, budget);
    await evaluateTemplates({ b: "{{ 'b'.repeat(400) }}" }, scope, pool, budget);
    await expect(evaluateTemplates({ c: "{{ 'c'.repeat(400) }}" }, scope, pool, budget)).rejects.toThrow(
      ExpressionSizeError,
    );
    // One expression, its template repeated in 100 fields (one sandbox call): counted 100 times.
    const repeated = Array.from({ length: 100 }, () => "x{{ 'd'.repeat(20) }}");
    await expect(evaluateTemplates(repeated, scope, pool, new ExpressionBudget(1000))).rejects.toThrow(
      'expressions produce more than 1000 bytes, the limit for all the expressions of a step',
    );
    expect(await evaluateTemplates(repeated.slice(0, 40), scope, pool, new ExpressionBudget(1000))).toHaveLength(40);
  });

  it('spends one time budget across calls, and the event loop keeps turning meanwhile', async () => {
    const slow = '{{ (() => { const t = Date.now(); while (Date.now() - t < 500); return 1 })() }}';
    // A slow call spends up to 10 ms on the loop, then runs again off it (pool.ts, evaluateOn): two
    // calls of 500 (+10) ms fit in 1500 ms with nearly 500 ms to spare, a third cannot fit in what
    // is left, though alone it would fit in a whole budget. How long the loop waits at most is a
    // figure of `npm run bench sandbox`.
    const budget = new ExpressionBudget(1_000_000, 1500);
    for (let n = 0; n < 2; n++) {
      const { result, ticks } = await ticksDuring(evaluateTemplates({ a: slow }, scope, pool, budget));
      expect(result).toEqual({ a: 1 });
      expect(ticks).toBeGreaterThanOrEqual(2); // a 10 ms timer ran while the call ran off the loop
    }
    const error = await evaluateTemplates({ a: slow }, scope, pool, budget).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ExpressionTimeError);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as Error).message).toBe(
      'expressions ran longer than 1500 ms, the time budget for all the expressions of a step',
    );
    // Once spent, the budget fails a call at once, without running it.
    await expect(evaluateTemplates({ b: '{{ 1 }}' }, scope, pool, budget)).rejects.toThrow(ExpressionTimeError);
    expect(await evaluateTemplates({ a: slow }, scope, pool, new ExpressionBudget(1_000_000, 1500))).toEqual({ a: 1 });
  });
});

/** How often a 10 ms timer ran while `work` was pending: never, if `work` held the event loop. */
async function ticksDuring<T>(work: Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  const ticking = setInterval(() => ticks++, 10);
  try {
    return { result: await work, ticks };
  } finally {
    clearInterval(ticking);
  }
}
