import { parseExpressionAt } from 'acorn';
import type { ExpressionResult } from './pool.ts';

/*
 * Most `{{ }}` expressions only read a value: `input.total`, `steps.Lookup.output.email`, `index`,
 * `item.tags[0]`. Entering the isolate costs ~20–110 µs a call however small the expression, and a
 * loop over 10,000 items makes tens of thousands of such calls. An expression that is nothing but a
 * path into the scope is read here instead: no user code runs (there is none in a path), only own
 * data properties of the scope, which is plain JSON (docs/architecture.md, "capped outputs"), are
 * read. Whatever a path would do differently from the isolate (read through a prototype, such as
 * `input.length` of a string or `input.toString`, or step into null, which throws there) is left
 * to the isolate, so an answer is the same either way.
 */

/** The names a path may start from: the scope's own (realm.ts gives these to every expression). */
const ROOTS = new Set(['input', 'trigger', 'steps', 'execution', 'item', 'index', 'vars']);

/** One step of a path: a property name or an array index, and whether it was read with `?.`. */
interface Segment {
  readonly key: string | number;
  readonly optional: boolean;
}

interface Path {
  readonly root: string;
  readonly segments: readonly Segment[];
}

/** Parsed sources, by text: `null` for one that is not a plain path. Bounded: cleared when full. */
const parsed = new Map<string, Path | null>();
const PARSED_LIMIT = 5000;

/** Why a path cannot be read here; the isolate then evaluates the expression. */
const NOT_HERE = Symbol('not here');

/**
 * The answers of `sources` read without the isolate, or undefined when any of them is not a plain
 * path or would not read the same way here (the caller then sends them all to the isolate).
 */
export function readPaths(sources: readonly string[], scope: unknown): ExpressionResult[] | undefined {
  if (scope === null || typeof scope !== 'object') return undefined;
  const answers: ExpressionResult[] = [];
  for (const source of sources) {
    const path = pathOf(source);
    if (!path || !Object.hasOwn(scope, path.root)) return undefined;
    const value = walk((scope as Record<string, unknown>)[path.root], path.segments);
    if (value === NOT_HERE) return undefined;
    // A copy, as the isolate's answer is: a node may change what it gets without touching the scope.
    answers.push(value === undefined ? { defined: false } : { defined: true, value: copied(value) });
  }
  return answers;
}

function walk(start: unknown, segments: readonly Segment[]): unknown {
  let value = start;
  for (const { key, optional } of segments) {
    if (value === null || value === undefined) {
      if (optional) return undefined;
      return NOT_HERE; // the isolate throws "Cannot read properties of …", in its words
    }
    if (typeof value !== 'object') return NOT_HERE; // a string's length, a number's methods: the isolate's
    if (Object.hasOwn(value, key)) {
      value = (value as Record<string | number, unknown>)[key];
    } else if (key in value) {
      return NOT_HERE; // inherited (toString, constructor, an array's map): the isolate's
    } else {
      value = undefined;
    }
  }
  return value;
}

const copied = (value: unknown): unknown =>
  value !== null && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value;

/** The path an expression is, or null when it is anything else (an operator, a call, a literal…). */
function pathOf(source: string): Path | null {
  let path = parsed.get(source);
  if (path !== undefined) return path;
  path = parsePath(source);
  if (parsed.size >= PARSED_LIMIT) parsed.clear();
  parsed.set(source, path);
  return path;
}

interface AcornNode {
  readonly type: string;
  readonly end: number;
  readonly [field: string]: unknown;
}

function parsePath(source: string): Path | null {
  let node: AcornNode;
  try {
    node = parseExpressionAt(source, 0, { ecmaVersion: 'latest' }) as unknown as AcornNode;
  } catch {
    return null; // the isolate reports the syntax error in its words
  }
  if (source.slice(node.end).trim() !== '') return null;
  if (node.type === 'ChainExpression') node = node.expression as AcornNode;
  const segments: Segment[] = [];
  while (node.type === 'MemberExpression') {
    const property = node.property as AcornNode;
    let key: string | number;
    if (!node.computed && property.type === 'Identifier') key = property.name as string;
    else if (node.computed && property.type === 'Literal' && typeof property.value === 'string') key = property.value;
    else if (node.computed && property.type === 'Literal' && Number.isInteger(property.value)) {
      key = property.value as number;
    } else return null;
    segments.unshift({ key, optional: node.optional === true });
    node = node.object as AcornNode;
  }
  if (node.type !== 'Identifier' || !ROOTS.has(node.name as string)) return null;
  return { root: node.name as string, segments };
}
