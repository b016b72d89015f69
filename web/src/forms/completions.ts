import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';

/**
 * What an expression can read, for autocompletion: `input`, `trigger`, `steps.<name>.output` and
 * `vars.<NAME>`, with the paths inside them taken from real data (the editor session's last test
 * run; the workspace variables as the API lists them now).
 */
export interface ExpressionScope {
  /** The selected step's input in the last run, when it ran. */
  readonly input?: unknown;
  readonly trigger?: unknown;
  /** Output of each step of the last run, by node name. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Names of the nodes that run before this one (offered even without run data). */
  readonly upstream: readonly string[];
  /**
   * Inside a loop's frame: `item` and `index` exist, with a sample item (the first of the list
   * the loop ran over in the last run) when there is one.
   */
  readonly loop?: { readonly item?: unknown };
  /** The workspace variables, name → value (a run reads them when it starts). */
  readonly vars?: Readonly<Record<string, string>>;
}

export const emptyScope: ExpressionScope = { outputs: {}, upstream: [] };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `steps.Lookup` or `steps["HTTP request 2"]`, as the expression language reads them. */
export function stepReference(name: string): string {
  return IDENTIFIER.test(name) ? `steps.${name}` : `steps[${JSON.stringify(name)}]`;
}

function member(prefix: string, key: string): string {
  return IDENTIFIER.test(key) ? `${prefix}.${key}` : `${prefix}[${JSON.stringify(key)}]`;
}

const MAX_DEPTH = 6;
const MAX_KEYS = 40;

/** Every path into a value down to a few levels: `input`, `input.customer`, `input.customer.email`, … */
function collect(prefix: string, value: unknown, depth: number, into: Map<string, unknown>): void {
  into.set(prefix, value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (value.length > 0) collect(`${prefix}[0]`, value[0], depth + 1, into);
    return;
  }
  for (const key of Object.keys(value).slice(0, MAX_KEYS)) {
    collect(member(prefix, key), (value as Record<string, unknown>)[key], depth + 1, into);
  }
}

/** Path → sample value, in a stable order (scope roots first). */
export function expressionPaths(scope: ExpressionScope): Map<string, unknown> {
  const paths = new Map<string, unknown>();
  collect('input', scope.input, 0, paths);
  collect('trigger', scope.trigger, 0, paths);
  for (const [name, value] of Object.entries(scope.vars ?? {})) paths.set(member('vars', name), value);
  if (scope.loop) {
    collect('item', scope.loop.item, 0, paths);
    paths.set('index', scope.loop.item === undefined ? undefined : 0);
  }
  const names = new Set([...scope.upstream, ...Object.keys(scope.outputs)]);
  for (const name of names) {
    const reference = `${stepReference(name)}.output`;
    if (name in scope.outputs) collect(reference, scope.outputs[name], 1, paths);
    else paths.set(reference, undefined);
  }
  return paths;
}

/**
 * Do two scopes offer the same completions? Scopes are rebuilt on every edit of the graph; the run
 * data inside them keeps its identity until another run (or the stored one) arrives.
 */
export function sameCompletions(a: ExpressionScope, b: ExpressionScope): boolean {
  if (a.input !== b.input || a.trigger !== b.trigger || a.vars !== b.vars) return false;
  if (Boolean(a.loop) !== Boolean(b.loop) || a.loop?.item !== b.loop?.item) return false;
  if (a.upstream.length !== b.upstream.length || a.upstream.some((name, index) => b.upstream[index] !== name))
    return false;
  const names = Object.keys(a.outputs);
  return (
    names.length === Object.keys(b.outputs).length &&
    names.every((name) => name in b.outputs && a.outputs[name] === b.outputs[name])
  );
}

export function describeValue(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') return value.length > 24 ? `"${value.slice(0, 22)}…"` : JSON.stringify(value);
  return String(value);
}

/** Is the cursor inside an unclosed `{{`? Answers where the expression starts, or -1. */
export function expressionStart(textBefore: string): number {
  const open = textBefore.lastIndexOf('{{');
  return open === -1 || textBefore.lastIndexOf('}}') > open ? -1 : open + 2;
}

/** A CodeMirror completion source over a scope read at call time (the scope changes after runs). */
export function expressionCompletions(getScope: () => ExpressionScope) {
  return (context: CompletionContext): CompletionResult | null => {
    const before = context.state.sliceDoc(Math.max(0, context.pos - 2000), context.pos);
    if (expressionStart(before) === -1) return null;
    const word = context.matchBefore(/[\w$.[\]"]*$/);
    if (!word || (word.from === word.to && !context.explicit && !before.endsWith('{{ ') && !before.endsWith('{{')))
      return null;
    const options: Completion[] = [...expressionPaths(getScope())].map(([path, value], index) => ({
      label: path,
      type: value !== null && typeof value === 'object' ? 'namespace' : 'variable',
      detail: describeValue(value),
      boost: -index / 1000,
    }));
    return { from: word.from, options, validFor: /^[\w$.[\]"]*$/ };
  };
}
