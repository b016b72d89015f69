import { describe, expect, it } from 'vitest';
import { expressionIssue, loopVariablesIn, syntaxFault } from './expressions.ts';

describe('expressionIssue: each {{ }} must be one JavaScript expression', () => {
  it.each([
    'plain text, no expressions',
    '{{ input.email.toLowerCase() }}',
    'Hello {{ input.name }}, you owe {{ input.total * 1.2 }}',
    '{{ ({ a: { b: 1 } }) }}',
    '{{ { id: input.id, tags: [1, 2] } }}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal inside an expression, on purpose
    '{{ `order ${input.id} of ${steps.Lookup.output.count}` }}',
    '{{ input?.customer?.email ?? "none" }}',
    '{{ steps["Look up"].output.items.map((item) => item.price) }}',
    '{{ input.total > 100 ? "big" : "small" }}',
    "{{ '}}' + input.a }}",
  ])('accepts %j', (template) => {
    expect(expressionIssue(template)).toBeUndefined();
  });

  it('says where a member access stops short, in the user’s own text', () => {
    expect(expressionIssue('Price: {{ input.}}')).toEqual({
      position: 16,
      message: '"{{ input.}}": the expression stops after "input." — a name should follow the dot',
    });
  });

  it('names what comes after a complete expression', () => {
    const found = expressionIssue('{{ input.a input.b }}');
    expect(found?.position).toBe(11);
    expect(found?.message).toBe(
      '"{{ input.a input.b }}": the expression "input.a" is complete, so "input.b" after it does not belong there',
    );
  });

  it('points at an unclosed bracket and at a character that does not fit', () => {
    expect(expressionIssue('{{ Math.max(input.a, }}')?.message).toBe(
      '"{{ Math.max(input.a, }}": the expression stops after "Math.max(input.a," — "(" is never closed',
    );
    const misplaced = expressionIssue('x {{ input.( }}');
    expect(misplaced).toEqual({ position: 11, message: '"{{ input.( }}": "(" cannot come after "input."' });
  });

  it('reports the first bad expression of several, and an unclosed "{{" with its place', () => {
    expect(expressionIssue('{{ a }} and {{ b. }} and {{ c( }}')?.message).toMatch(/^"\{\{ b\. \}\}"/);
    expect(expressionIssue('total: {{ input.total')).toEqual({
      position: 7,
      message: '"{{" at character 8 is never closed with "}}"',
    });
  });

  it('never uses the parser’s own words', () => {
    for (const source of ['input.', 'a b', '(', 'foo(', '"open', '`open', '1 +']) {
      const fault = syntaxFault(source);
      expect(fault, source).toBeDefined();
      expect(fault?.words, source).not.toMatch(/Unexpected token|\(\d+:\d+\)/);
    }
  });
});

describe('loopVariablesIn', () => {
  it('finds item and index read as variables, not as properties, keys or parameters of the expression’s own functions', () => {
    expect(loopVariablesIn('item.id')).toEqual(['item']);
    expect(loopVariablesIn('String(index) + item')).toEqual(['item', 'index']);
    expect(loopVariablesIn('input.item.index')).toEqual([]);
    expect(loopVariablesIn('({ item: 1, index })')).toEqual(['index']);
    expect(loopVariablesIn('input.list.map((item, index) => item.id + index)')).toEqual([]);
    expect(loopVariablesIn('input.list.map(({ id }) => id + index)')).toEqual(['index']);
    expect(loopVariablesIn('input.list.filter(function (item) { return item.ok; })')).toEqual([]);
    expect(loopVariablesIn('input[item]')).toEqual(['item']);
    expect(loopVariablesIn('input.')).toEqual([]);
  });
});
