import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  hasExpressions,
  parseTemplate,
  referencedStepNames,
  renameStepReferences,
  TemplateSyntaxError,
  template,
} from './template.ts';

describe('parseTemplate', () => {
  it('splits text and trimmed expressions in order', () => {
    expect(parseTemplate('Hello {{ input.name }}, you owe {{input.total}}!')).toEqual([
      { kind: 'text', text: 'Hello ' },
      { kind: 'expression', source: 'input.name' },
      { kind: 'text', text: ', you owe ' },
      { kind: 'expression', source: 'input.total' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('returns one text part for plain text and nothing for an empty string', () => {
    expect(parseTemplate('just text }} with a stray close')).toEqual([
      { kind: 'text', text: 'just text }} with a stray close' },
    ]);
    expect(parseTemplate('')).toEqual([]);
  });

  it('makes no empty text parts between adjacent expressions', () => {
    expect(parseTemplate('{{ a }}{{ b }}')).toEqual([
      { kind: 'expression', source: 'a' },
      { kind: 'expression', source: 'b' },
    ]);
  });

  it('refuses an unterminated "{{", naming where it starts', () => {
    expect(() => parseTemplate('total: {{ input.total')).toThrow(TemplateSyntaxError);
    expect(() => parseTemplate('total: {{ input.total')).toThrow(/character 8/);
    expect(() => parseTemplate('{{ a }} and {{ b')).toThrow(TemplateSyntaxError);
  });

  it('refuses an empty expression', () => {
    expect(() => parseTemplate('{{}}')).toThrow(TemplateSyntaxError);
    expect(() => parseTemplate('x {{   }} y')).toThrow(/empty expression/);
  });

  it('throws errors named TemplateSyntaxError', () => {
    let caught: unknown;
    try {
      parseTemplate('{{');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe('TemplateSyntaxError');
  });
});

describe('hasExpressions', () => {
  it('tells templates from plain strings', () => {
    expect(hasExpressions('{{ input.url }}')).toBe(true);
    expect(hasExpressions('https://example.com')).toBe(false);
  });
});

describe('referencedStepNames', () => {
  it('finds names read with dot and bracket notation', () => {
    expect(referencedStepNames('steps.Foo.output')).toEqual(['Foo']);
    expect(referencedStepNames('steps["My node"].output')).toEqual(['My node']);
    expect(referencedStepNames("steps['Other node'].output.id")).toEqual(['Other node']);
    expect(referencedStepNames('steps . Spaced.output')).toEqual(['Spaced']);
  });

  it('lists each name once, in order of first use', () => {
    expect(referencedStepNames('steps.B.output + steps["A"].output + steps.B.output.x')).toEqual(['B', 'A']);
  });

  it('ignores identifiers that merely end in "steps" and expressions without steps', () => {
    expect(referencedStepNames('mysteps.Foo.output')).toEqual([]);
    expect(referencedStepNames('$steps.Foo.output')).toEqual([]);
    expect(referencedStepNames('input.total * 2')).toEqual([]);
  });

  it('ignores a "steps" property of something else', () => {
    expect(referencedStepNames('input.steps.length')).toEqual([]);
    expect(referencedStepNames('input . steps.Foo')).toEqual([]);
    expect(referencedStepNames('input?.steps.Foo')).toEqual([]);
  });

  it('finds the scope variable after operators and brackets', () => {
    expect(referencedStepNames('(steps.A.output.total > 3) && !steps["B"].output')).toEqual(['A', 'B']);
  });

  it('finds the scope variable after a keyword', () => {
    expect(referencedStepNames('typeof steps.A')).toEqual(['A']);
    expect(referencedStepNames("'id' in steps.B.output")).toEqual(['B']);
    expect(referencedStepNames('void steps["C"]')).toEqual(['C']);
    expect(referencedStepNames('input . steps.D')).toEqual([]);
  });

  it('counts references inside string literals, as documented (erring towards a warning)', () => {
    expect(referencedStepNames('"steps.X"')).toEqual(['X']);
  });
});

describe('template schema', () => {
  const schema = template('A value');

  it('accepts plain strings and well-formed templates', () => {
    expect(schema.parse('plain')).toBe('plain');
    expect(schema.parse('Hi {{ input.name }}')).toBe('Hi {{ input.name }}');
  });

  it('refuses malformed templates with the syntax error as the message', () => {
    const unterminated = schema.safeParse('Hi {{ input.name');
    expect(unterminated.success).toBe(false);
    expect(unterminated.error?.issues[0]?.message).toMatch(/never closed/);
    expect(schema.safeParse('{{}}').success).toBe(false);
  });

  it('refuses non-strings and strings over 100 000 characters', () => {
    expect(schema.safeParse(5).success).toBe(false);
    expect(schema.safeParse('x'.repeat(100_001)).success).toBe(false);
    expect(schema.safeParse('x'.repeat(100_000)).success).toBe(true);
  });

  it('tells the web app it is a template, with its description', () => {
    expect(z.toJSONSchema(schema)).toMatchObject({ type: 'string', format: 'template', description: 'A value' });
    expect(z.toJSONSchema(template())).not.toHaveProperty('description');
  });
});

describe('parseTemplate with braces inside expressions', () => {
  it('keeps object literals and strings holding "}}" inside one expression', () => {
    expect(parseTemplate('{{ ({ a: { b: 1 }}) }}')).toEqual([{ kind: 'expression', source: '({ a: { b: 1 }})' }]);
    expect(parseTemplate('x{{ "}}" + input.a }}y')).toEqual([
      { kind: 'text', text: 'x' },
      { kind: 'expression', source: '"}}" + input.a' },
      { kind: 'text', text: 'y' },
    ]);
    expect(parseTemplate("{{ 'it\\'s }}' }}")).toEqual([{ kind: 'expression', source: "'it\\'s }}'" }]);
  });

  it('still reports an expression whose braces never close', () => {
    expect(() => parseTemplate('{{ ({ a: 1 }')).toThrow(TemplateSyntaxError);
  });
});

describe('renameStepReferences', () => {
  it('points every reference of the old name at the new one, and nothing else', () => {
    expect(renameStepReferences('{{ steps.Lookup.output.email }} / {{ steps.Other.output }}', 'Lookup', 'Find')).toBe(
      '{{ steps.Find.output.email }} / {{ steps.Other.output }}',
    );
    expect(renameStepReferences('steps["Lookup"].output + steps.Lookup.output', 'Lookup', 'Find user')).toBe(
      'steps["Find user"].output + steps["Find user"].output',
    );
    expect(renameStepReferences("steps['My node'].output", 'My node', 'Node2')).toBe('steps.Node2.output');
    expect(renameStepReferences('input.steps.Lookup + steps.LookupMore.output', 'Lookup', 'Find')).toBe(
      'input.steps.Lookup + steps.LookupMore.output',
    );
    expect(referencedStepNames(renameStepReferences('steps.A.output', 'A', 'Send mail'))).toEqual(['Send mail']);
  });
});
