import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TemplateSyntaxError } from '../../nodes/template.ts';
import { type ExpressionResult, SandboxError, SandboxPool } from './pool.ts';
import { ExpressionBudget, type ExpressionScope, ExpressionSizeError, evaluateTemplates } from './templates.ts';

/** A real pool that also records each call into the sandbox. */
class CountingPool extends SandboxPool {
  readonly batches: string[][] = [];

  override evaluateExpressions(sources: readonly string[], scope: unknown): ExpressionResult[] {
    this.batches.push([...sources]);
    return super.evaluateExpressions(sources, scope);
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

describe('evaluateTemplates', () => {
  it('keeps the type of a string that is exactly one expression', () => {
    expect(evaluate('{{ input.total }}')).toBe(42);
    expect(evaluate('{{input.paid}}')).toBe(false);
    expect(evaluate('{{ input.customer }}')).toEqual({ id: 'c1', tags: ['a', 'b'] });
    expect(evaluate('{{ input.customer.tags }}')).toEqual(['a', 'b']);
    expect(evaluate('{{ input.nothing }}')).toBeNull();
    expect(evaluate('{{ input.name }}')).toBe('Ada');
  });

  it('gives null for a missing value', () => {
    expect(evaluate('{{ input.missing }}')).toBeNull();
    expect(evaluate({ a: '{{ input.missing }}' })).toEqual({ a: null });
  });

  it('renders mixed text: strings as they are, objects as JSON, null and undefined as empty', () => {
    expect(evaluate('Hello {{ input.name }}, total {{ input.total }}, paid {{ input.paid }}')).toBe(
      'Hello Ada, total 42, paid false',
    );
    expect(evaluate('customer: {{ input.customer }}')).toBe('customer: {"id":"c1","tags":["a","b"]}');
    expect(evaluate('tags={{ input.customer.tags }}')).toBe('tags=["a","b"]');
    expect(evaluate('[{{ input.nothing }}|{{ input.missing }}]')).toBe('[|]');
    expect(evaluate('{{ input.name }}{{ input.total }}')).toBe('Ada42');
    expect(evaluate(' {{ input.total }}')).toBe(' 42');
  });

  it('rebuilds nested objects and arrays, leaving non-templates untouched', () => {
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
    expect(evaluate(config)).toEqual({
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

  it('returns a value without templates as it is, without calling the sandbox', () => {
    const config = { a: 'text', b: [1, 'two', { c: null }], d: false };
    expect(evaluate(config)).toBe(config);
    expect(evaluate('plain')).toBe('plain');
    expect(evaluate(12)).toBe(12);
    expect(evaluate(null)).toBeNull();
    expect(pool.batches).toEqual([]);
  });

  it('resolves the same template string used more than once', () => {
    expect(
      evaluate({ a: '{{ input.total }}', b: ['{{ input.total }}', 'n={{ input.total }}'], c: '{{ input.total }}' }),
    ).toEqual({
      a: 42,
      b: [42, 'n=42'],
      c: 42,
    });
    expect(pool.batches).toEqual([['input.total', 'input.total']]);
  });

  it('has steps.<name>.output and trigger in scope', () => {
    expect(
      evaluate({
        status: '{{ steps.fetch.output.status }}',
        first: '{{ steps.fetch.output.rows[0].id }}',
        mail: '{{ steps["Send mail"].output }}',
        event: 'event {{ trigger.body.event }}',
      }),
    ).toEqual({ status: 200, first: 1, mail: 'sent', event: 'event order.created' });
  });

  it('makes one call into the sandbox per evaluateTemplates, in document order', () => {
    evaluate({
      a: '{{ input.total }} and {{ input.name }}',
      b: ['{{ trigger.body.event }}', { c: '{{ steps.fetch.output.status }}' }],
    });
    expect(pool.batches).toEqual([['input.total', 'input.name', 'trigger.body.event', 'steps.fetch.output.status']]);
  });

  it('throws TemplateSyntaxError for a template syntax error, without calling the sandbox', () => {
    expect(() => evaluate({ a: '{{ input.total' })).toThrow(TemplateSyntaxError);
    expect(() => evaluate('x {{ }} y')).toThrow(TemplateSyntaxError);
    expect(pool.batches).toEqual([]);
  });

  it('throws a SandboxError naming the expression that fails', () => {
    expect(() => evaluate({ ok: '{{ input.total }}', bad: 'x {{ input.missing.deeper }}' })).toThrow(SandboxError);
    expect(() => evaluate('{{ input.total + }}')).toThrow(/\{\{ input\.total \+ \}\}: SyntaxError/);
  });

  it('spends one budget across fields and calls, counting a repeated template every time', () => {
    const budget = new ExpressionBudget(1000);
    // 400 bytes each: two fields fit, the third is over, in a later call.
    evaluateTemplates({ a: "{{ 'a'.repeat(400) }}" }, scope, pool, budget);
    evaluateTemplates({ b: "{{ 'b'.repeat(400) }}" }, scope, pool, budget);
    expect(() => evaluateTemplates({ c: "{{ 'c'.repeat(400) }}" }, scope, pool, budget)).toThrow(ExpressionSizeError);
    // One expression, its template repeated in 100 fields (one sandbox call): counted 100 times.
    const repeated = Array.from({ length: 100 }, () => "x{{ 'd'.repeat(20) }}");
    expect(() => evaluateTemplates(repeated, scope, pool, new ExpressionBudget(1000))).toThrow(
      'expressions produce more than 1000 bytes, the limit for all the expressions of a step',
    );
    expect(evaluateTemplates(repeated.slice(0, 40), scope, pool, new ExpressionBudget(1000))).toHaveLength(40);
  });
});
