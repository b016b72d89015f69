import { z } from 'zod';

/**
 * Templates are strings with `{{ expression }}` parts. Parsing them is pure string work and lives
 * here; evaluating them is the sandbox's job (never the host realm).
 */
export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expression'; source: string };

export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
  /** Where in the template the problem starts (0-based), so an editor can point at it. */
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

/** One `{{ }}` of a template: from `start` ("{{") to `end` (after "}}"), its trimmed `source` at `sourceStart`. */
export interface ExpressionSpan {
  readonly start: number;
  readonly end: number;
  readonly source: string;
  readonly sourceStart: number;
}

/** Every `{{ }}` of a template with where it stands; throws TemplateSyntaxError as parseTemplate does. */
export function expressionSpans(template: string): ExpressionSpan[] {
  const spans: ExpressionSpan[] = [];
  for (let open = template.indexOf('{{'); open !== -1; open = template.indexOf('{{', open)) {
    const close = closingBraces(template, open + 2);
    if (close === -1) throw new TemplateSyntaxError(`"{{" at character ${open + 1} is never closed with "}}"`, open);
    const inner = template.slice(open + 2, close);
    const source = inner.trim();
    if (source === '') throw new TemplateSyntaxError(`empty expression "{{}}" at character ${open + 1}`, open);
    spans.push({
      start: open,
      end: close + 2,
      source,
      sourceStart: open + 2 + (inner.length - inner.trimStart().length),
    });
    open = close + 2;
  }
  return spans;
}

export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let cursor = 0;
  for (const span of expressionSpans(template)) {
    if (span.start > cursor) parts.push({ kind: 'text', text: template.slice(cursor, span.start) });
    parts.push({ kind: 'expression', source: span.source });
    cursor = span.end;
  }
  if (cursor < template.length) parts.push({ kind: 'text', text: template.slice(cursor) });
  return parts;
}

/**
 * Where the `}}` closing an expression starts: the first one outside string literals and outside
 * braces the expression opened itself, so `{{ ({ a: { b: 1 }}) }}` is one expression.
 */
function closingBraces(template: string, from: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let index = from; index < template.length; index++) {
    const char = template[index];
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') quote = char;
    else if (char === '{') depth++;
    else if (char === '}') {
      if (depth === 0 && template[index + 1] === '}') return index;
      if (depth > 0) depth--;
    }
  }
  return -1;
}

export function hasExpressions(template: string): boolean {
  return template.includes('{{');
}

/** `steps.<name>` or `steps["<name>"]` as the scope variable (group 1: dot name; 3: bracket name). */
const STEP_REFERENCE = /(?<![\w$])(?<!\.\s*)steps\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(["'])(.*?)\2\s*\])/g;

/**
 * Node names an expression reads through `steps.<name>` or `steps["<name>"]`, also after a keyword
 * (`typeof steps.X`). A `steps` that is a property (`input.steps.length`) or part of a longer name
 * is not the scope variable. Text inside
 * string literals is not told apart: `"steps.X"` counts (rare, and erring towards a warning).
 */
export function referencedStepNames(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(STEP_REFERENCE)) {
    const name = match[1] ?? match[3];
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/**
 * `source` with every reference to the step named `from` pointing at `to` instead (a node was
 * renamed): dot notation when the new name is an identifier, bracket notation otherwise.
 */
export function renameStepReferences(source: string, from: string, to: string): string {
  const reference = /^[A-Za-z_$][\w$]*$/.test(to) ? `steps.${to}` : `steps[${JSON.stringify(to)}]`;
  return source.replace(STEP_REFERENCE, (match, dotName?: string, _quote?: string, bracketName?: string) =>
    (dotName ?? bracketName) === from ? reference : match,
  );
}

/** Every string holding `{{` inside a config value, with its dot path below `path`. */
export function* templateStrings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') {
    if (hasExpressions(value)) yield [path, value];
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* templateStrings(item, `${path}.${index}`);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) yield* templateStrings(item, `${path}.${key}`);
  }
}

/** Node names the expressions inside a config value read (malformed templates contribute nothing). */
export function stepNamesInTemplates(value: unknown): Set<string> {
  const names = new Set<string>();
  for (const [, text] of templateStrings(value, '')) {
    let parts: TemplatePart[];
    try {
      parts = parseTemplate(text);
    } catch {
      continue;
    }
    for (const part of parts) {
      if (part.kind === 'expression') for (const name of referencedStepNames(part.source)) names.add(name);
    }
  }
  return names;
}

/** A config string that may hold `{{ }}` expressions; the web app edits these in a code editor. */
export const template = (description?: string) =>
  z
    .string()
    .max(100_000)
    .superRefine((value, ctx) => {
      try {
        parseTemplate(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .meta({ format: 'template', ...(description ? { description } : {}) });
