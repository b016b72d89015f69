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
