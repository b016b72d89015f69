import { hasExpressions, parseTemplate, type TemplatePart } from '../../nodes/template.ts';
import { type ExpressionResult, SandboxError, type SandboxPool, SandboxTimeoutError } from './pool.ts';

/**
 * What expressions see: the step's input, the run's trigger payload, earlier steps' outputs, the
 * run itself (its id and the resume URLs of its callback waits) and the workspace variables it
 * recorded when it started.
 */
export interface ExpressionScope {
  readonly input: unknown;
  readonly trigger: unknown;
  readonly steps: Readonly<Record<string, { output: unknown }>>;
  readonly execution?: ExecutionScope;
  /** `vars`: the workspace variables the run recorded, name → value (absent: the step names none). */
  readonly vars?: Readonly<Record<string, string>>;
  /** Inside a loop's body: the iteration's element of the innermost loop, and its 0-based position. */
  readonly item?: unknown;
  readonly index?: number;
}

/** `execution` in expressions. */
export interface ExecutionScope {
  readonly id: string;
  /** The resume URL of the callback wait this step prepares (server/core/engine/callback-waits.ts). */
  readonly resumeUrl?: string;
  /** Every callback wait's resume URL, by node name. */
  readonly resumeUrls: Readonly<Record<string, string>>;
}

interface Slot {
  readonly parts: TemplatePart[];
  /** Index of this template's first expression in the batch sent to the sandbox. */
  readonly first: number;
}

/** A step's expressions produced more than their budget allows. */
export class ExpressionSizeError extends SandboxError {}

/** A step's expressions ran longer, all together, than their time budget. */
export class ExpressionTimeError extends SandboxError {}

/**
 * What all the expressions of one step may still produce, in UTF-8 bytes (a value counts as its
 * text: a string as itself, anything else as its JSON), counted each time a value lands in the
 * config, so a template repeated in many fields counts every time. Many fields of a few MB each
 * would otherwise pile up in the worker's memory although each call is within the sandbox's cap.
 *
 * With `timeMs`, also how long they may still run, all calls together: a per-call limit let a
 * Set node of 70 fields, each just under it, hold its step for 14 s.
 */
export class ExpressionBudget {
  readonly limitBytes: number;
  readonly timeMs: number | undefined;
  private used = 0;
  private ranMs = 0;
  constructor(limitBytes: number, timeMs?: number) {
    this.limitBytes = limitBytes;
    this.timeMs = timeMs;
  }
  /** Time left for the step's next call; undefined without a time budget. */
  remainingMs(): number | undefined {
    if (this.timeMs === undefined) return undefined;
    const left = this.timeMs - this.ranMs;
    if (left < 1) throw this.overTime();
    return left;
  }
  ran(ms: number): void {
    this.ranMs += ms;
  }
  overTime(): ExpressionTimeError {
    return new ExpressionTimeError(
      `expressions ran longer than ${this.timeMs} ms, the time budget for all the expressions of a step`,
    );
  }
  spend(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limitBytes) {
      throw new ExpressionSizeError(
        `expressions produce more than ${this.limitBytes} bytes, the limit for all the expressions of a step`,
      );
    }
  }
}

/**
 * Resolves every `{{ }}` template inside a config value (strings, arrays, objects) with one call
 * into the sandbox. A string that is exactly one expression keeps the expression's type
 * (`"{{ input.total }}"` gives a number); mixed text and expressions give a string.
 */
export async function evaluateTemplates(
  value: unknown,
  scope: ExpressionScope,
  pool: SandboxPool,
  budget?: ExpressionBudget,
): Promise<unknown> {
  const sources: string[] = [];
  const slots = new Map<string, Slot>();
  collect(value, sources, slots);
  if (sources.length === 0) return value;
  const timeoutMs = budget?.remainingMs();
  let answers: ExpressionResult[];
  try {
    answers = await pool.evaluateExpressions(sources, scope, {
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(budget ? { ran: (ms: number) => budget.ran(ms) } : {}),
    });
  } catch (error) {
    // Over the time left of the step's budget: say so, not the few ms this one call had left.
    if (error instanceof SandboxTimeoutError && budget?.timeMs !== undefined) throw budget.overTime();
    throw error;
  }
  return rebuild(value, slots, new Results(answers, budget));
}

/** The answers of one call, with their text and size worked out once each, spent from the budget per use. */
class Results {
  private readonly texts = new Map<number, { text: string; bytes: number }>();
  private readonly answers: readonly ExpressionResult[];
  private readonly budget: ExpressionBudget | undefined;
  constructor(answers: readonly ExpressionResult[], budget: ExpressionBudget | undefined) {
    this.answers = answers;
    this.budget = budget;
  }
  /** The value of expression `index`, as a whole field. */
  value(index: number): unknown {
    const result = this.answers[index];
    if (!result?.defined) return null;
    if (this.budget) this.budget.spend(this.measure(index).bytes);
    return result.value;
  }
  /** The text of expression `index`, inside a template with text around it. */
  text(index: number): string {
    const result = this.answers[index];
    if (!result?.defined) return '';
    const { text, bytes } = this.measure(index);
    this.budget?.spend(bytes);
    return text;
  }
  /** Counts template text around expressions. */
  spendText(text: string): void {
    this.budget?.spend(Buffer.byteLength(text));
  }
  private measure(index: number): { text: string; bytes: number } {
    let known = this.texts.get(index);
    if (!known) {
      const result = this.answers[index];
      const text = result?.defined ? asText(result.value) : '';
      known = { text, bytes: Buffer.byteLength(text) };
      this.texts.set(index, known);
    }
    return known;
  }
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

function rebuild(value: unknown, slots: ReadonlyMap<string, Slot>, results: Results): unknown {
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

function render(slot: Slot, results: Results): unknown {
  const [only] = slot.parts;
  if (slot.parts.length === 1 && only?.kind === 'expression') return results.value(slot.first);
  let text = '';
  let index = slot.first;
  for (const part of slot.parts) {
    if (part.kind === 'text') {
      results.spendText(part.text);
      text += part.text;
      continue;
    }
    text += results.text(index++);
  }
  return text;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
