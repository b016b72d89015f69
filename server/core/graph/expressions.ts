import { parseExpressionAt } from 'acorn';
import { expressionSpans, TemplateSyntaxError } from '../../../nodes/template.ts';

/**
 * Whether each `{{ }}` of a field is one JavaScript expression, checked by parsing it (acorn), never
 * by running it: the API process stays free of isolates, and the editor runs the same check as the
 * user types. Without it `{{ input.}}` would be saved as a version and fail only at run time, with
 * V8's words about a character the user never typed.
 */
export interface ExpressionIssue {
  /** Where in the field's text the problem is (0-based). */
  readonly position: number;
  /** In plain words, quoting the user's own text, e.g. `"{{ input.}}": the expression stops after "input." — …`. */
  readonly message: string;
}

/** The first thing wrong with the expressions of one template string, or undefined when each parses. */
export function expressionIssue(template: string): ExpressionIssue | undefined {
  let spans: ReturnType<typeof expressionSpans>;
  try {
    spans = expressionSpans(template);
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    return { position: error.position, message: error.message };
  }
  for (const span of spans) {
    const fault = syntaxFault(span.source);
    if (!fault) continue;
    const text = template.slice(span.start, span.end);
    return { position: span.sourceStart + fault.at, message: `"${text}": ${fault.words}` };
  }
  return undefined;
}

interface Fault {
  readonly at: number;
  readonly words: string;
}

/** Why `source` is not exactly one expression, in plain words; undefined when it is. */
export function syntaxFault(source: string): Fault | undefined {
  let end: number;
  try {
    end = parseExpressionAt(source, 0, { ecmaVersion: 'latest', preserveParens: true }).end;
  } catch (error) {
    const at = typeof (error as { pos?: unknown }).pos === 'number' ? (error as { pos: number }).pos : 0;
    return { at, words: whyNot(source, at, (error as Error).message) };
  }
  const rest = source.slice(end).trim();
  if (rest === '') return undefined;
  const at = end + (source.slice(end).length - source.slice(end).trimStart().length);
  return {
    at,
    words: `the expression "${source.slice(0, end).trim()}" is complete, so "${rest}" after it does not belong there`,
  };
}

function whyNot(source: string, at: number, parserMessage: string): string {
  if (/Unterminated string/.test(parserMessage))
    return `the text in quotes starting at "${source.slice(at, at + 12)}" is never closed`;
  if (/Unterminated template/.test(parserMessage)) return 'a `…` text is never closed with a backquote';
  const before = source.slice(0, at).trimEnd();
  if (at >= source.trimEnd().length) {
    if (/(\?\.|\.)$/.test(before)) return `the expression stops after "${before}" — a name should follow the dot`;
    const open = unclosed(before);
    if (open) return `the expression stops after "${before}" — "${open}" is never closed`;
    return `the expression stops after "${before}" — something should follow "${before.slice(-1)}"`;
  }
  const found = source.slice(at).match(/^(\S+?)(?=\s|$|[()[\]{},;])|^\S/)?.[0] ?? source.charAt(at);
  return before === '' ? `an expression cannot start with "${found}"` : `"${found}" cannot come after "${before}"`;
}

/** The innermost bracket `text` opens and does not close (strings are not told apart: a hint only). */
function unclosed(text: string): string | undefined {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const char of text) {
    if (char === '(' || char === '[' || char === '{') stack.push(char);
    else if (pairs[char] && stack[stack.length - 1] === pairs[char]) stack.pop();
  }
  return stack[stack.length - 1];
}

/** The names a loop body adds to expressions: the current element and its 0-based position. */
export const LOOP_VARIABLES = ['item', 'index'] as const;

/**
 * Which of `item` and `index` an expression reads as variables: not as property names
 * (`input.item`), object keys, or parameters of its own functions (`list.map((item) => item.id)`).
 * An expression that does not parse reads none (its syntax is reported by `expressionIssue`).
 */
export function loopVariablesIn(source: string): string[] {
  if (!/\b(?:item|index)\b/.test(source)) return [];
  let tree: AstNode;
  try {
    tree = parseExpressionAt(source, 0, { ecmaVersion: 'latest' }) as unknown as AstNode;
  } catch {
    return [];
  }
  const found = new Set<string>();
  visit(tree, new Set(), found);
  return LOOP_VARIABLES.filter((name) => found.has(name));
}

interface AstNode {
  readonly type: string;
  readonly [key: string]: unknown;
}

const isAstNode = (value: unknown): value is AstNode =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

/** Walks an expression's tree, collecting free loop variables; `bound` holds the names its functions declare. */
function visit(node: AstNode, bound: ReadonlySet<string>, found: Set<string>): void {
  switch (node.type) {
    case 'Identifier':
      if (!bound.has(node.name as string)) found.add(node.name as string);
      return;
    case 'MemberExpression':
      visitValue(node.object, bound, found);
      if (node.computed) visitValue(node.property, bound, found);
      return;
    case 'Property':
      if (node.computed) visitValue(node.key, bound, found);
      visitValue(node.value, bound, found);
      return;
    case 'ArrowFunctionExpression':
    case 'FunctionExpression': {
      const inner = new Set(bound);
      for (const param of node.params as unknown[]) declared(param, inner);
      if (isAstNode(node.id)) inner.add(node.id.name as string);
      visitValue(node.body, inner, found);
      return;
    }
    default:
      for (const [key, value] of Object.entries(node)) {
        if (key !== 'type' && key !== 'start' && key !== 'end') visitValue(value, bound, found);
      }
  }
}

function visitValue(value: unknown, bound: ReadonlySet<string>, found: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) visitValue(item, bound, found);
  else if (isAstNode(value)) visit(value, bound, found);
}

/** Adds the names a parameter pattern declares (`item`, `{ id, index }`, `[first, ...rest]`, `x = 1`). */
function declared(pattern: unknown, into: Set<string>): void {
  if (!isAstNode(pattern)) return;
  if (pattern.type === 'Identifier') into.add(pattern.name as string);
  else if (pattern.type === 'ObjectPattern')
    for (const property of pattern.properties as AstNode[])
      declared(property.type === 'RestElement' ? property.argument : property.value, into);
  else if (pattern.type === 'ArrayPattern')
    for (const element of pattern.elements as unknown[]) declared(element, into);
  else if (pattern.type === 'RestElement') declared(pattern.argument, into);
  else if (pattern.type === 'AssignmentPattern') declared(pattern.left, into);
}
