import { hasExpressions, parseTemplate, type TemplatePart } from '../../nodes/template.ts';
import type { ExpressionResult, SandboxPool } from './pool.ts';

/** What expressions see: the step's input, the run's trigger payload, and earlier steps' outputs. */
export interface ExpressionScope {
  readonly input: unknown;
  readonly trigger: unknown;
  readonly steps: Readonly<Record<string, { output: unknown }>>;
}

interface Slot {
  readonly parts: TemplatePart[];
  /** Index of this template's first expression in the batch sent to the sandbox. */
  readonly first: number;
}

/**
 * Resolves every `{{ }}` template inside a config value (strings, arrays, objects) with one call
 * into the sandbox. A string that is exactly one expression keeps the expression's type
 * (`"{{ input.total }}"` gives a number); mixed text and expressions give a string.
 */
export function evaluateTemplates(value: unknown, scope: ExpressionScope, pool: SandboxPool): unknown {
  const sources: string[] = [];
  const slots = new Map<string, Slot>();
  collect(value, sources, slots);
  if (sources.length === 0) return value;
  const results = pool.evaluateExpressions(sources, scope);
  return rebuild(value, slots, results);
}

function collect(value: unknown, sources: string[], slots: Map<string, Slot>): void {
  if (typeof value === 'string') {
    if (!hasExpressions(value) || slots.has(value)) return;
    const parts = parseTemplate(value);
    slots.set(value, { parts, first: sources.length });
    for (const part of parts) if (part.kind === 'expression') sources.push(part.source);
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, sources, slots);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) collect(item, sources, slots);
  }
}

function rebuild(value: unknown, slots: ReadonlyMap<string, Slot>, results: readonly ExpressionResult[]): unknown {
  if (typeof value === 'string') {
    const slot = slots.get(value);
    return slot ? render(slot, results) : value;
  }
  if (Array.isArray(value)) return value.map((item) => rebuild(item, slots, results));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rebuild(item, slots, results)]));
  }
  return value;
}

function render(slot: Slot, results: readonly ExpressionResult[]): unknown {
  const [only] = slot.parts;
  if (slot.parts.length === 1 && only?.kind === 'expression') {
    const result = results[slot.first];
    return result?.defined ? result.value : null;
  }
  let text = '';
  let index = slot.first;
  for (const part of slot.parts) {
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    const result = results[index++];
    text += result?.defined ? asText(result.value) : '';
  }
  return text;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
