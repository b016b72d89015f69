import type { z } from 'zod';
import { NO_RETRY, type RetryPolicy } from './retry.ts';
import type { StepId } from './step.ts';

export type NodeKind = 'trigger' | 'condition' | 'transform' | 'action' | 'flow';

/** An outbound HTTP request, as a node asks for it; the worker decides how it is sent. */
export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  /**
   * A stored credential (bearer, basic or header) the worker authenticates the request with. The
   * node never sees the secret; the worker adds it and masks it out of the answer.
   */
  readonly credentialId?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Everything a node may do beyond pure computation reaches it through this argument
 * (never `this`, never an import), so a node can be run with a small real context in tests.
 */
export interface NodeContext extends StepId {
  /**
   * What an action tells the outside world so a repeated call is recognised (an HTTP
   * `Idempotency-Key`): stable across attempts and across retries of the run, distinct per node
   * and per loop iteration (scope).
   */
  readonly idempotencyKey: string;
  /** The payload that started the run. */
  readonly trigger: unknown;
  readonly signal: AbortSignal;
  now(): Date;
  /** Resolves `{{ }}` templates inside a config value (string, array or object), in the sandbox. */
  evaluate(value: unknown): Promise<unknown>;
  /** Runs a script node's function body in the sandbox with `input` in scope; returns its result. */
  runScript(code: string, limits: { timeoutMs: number; memoryMb: number }): Promise<unknown>;
  /** The only network access a node gets. */
  http(request: HttpRequest): Promise<HttpResponse>;
}

export interface NodeResult {
  readonly output: unknown;
  /** Which output port the output leaves by; defaults to the node's first output. */
  readonly port?: string;
  /** Successors start no earlier than this (a delay is a job scheduled in the future, not a sleep). */
  readonly continueAt?: Date;
}

export interface ExecuteArgs<Config> {
  readonly config: Config;
  readonly input: unknown;
  readonly ctx: NodeContext;
}

/** What a node file declares; `defineNode` fills the defaults. */
export interface NodeSpec<Schema extends z.ZodType> {
  readonly type: string;
  readonly kind: NodeKind;
  readonly title: string;
  readonly description: string;
  /** A lucide icon name, rendered by the web app. */
  readonly icon: string;
  readonly config: Schema;
  /** Output ports; a node whose ports depend on its config also defines `outputsFor`. Default `['main']`. */
  readonly outputs?: readonly string[];
  outputsFor?(config: z.output<Schema>): readonly string[];
  /** Only nodes that join branches accept more than one inbound edge. */
  readonly acceptsManyInputs?: boolean;
  /**
   * The node has no effect beyond its result and never suspends, so the engine may run it inline
   * in the job that reached it. Default: true for conditions and transforms, false otherwise.
   */
  readonly pure?: boolean;
  /**
   * Names of steps the node reads as `steps.<name>` outside `{{ }}` templates (a script's code):
   * their outputs are copied into its sandbox. Templates in the config are found by the engine.
   */
  stepReferences?(config: z.output<Schema>): Iterable<string>;
  readonly retry?: Partial<RetryPolicy>;
  execute(args: ExecuteArgs<z.output<Schema>>): Promise<NodeResult>;
}

export interface NodeDefinition<Schema extends z.ZodType = z.ZodType> extends NodeSpec<Schema> {
  readonly outputs: readonly string[];
  readonly acceptsManyInputs: boolean;
  readonly pure: boolean;
  readonly retry: RetryPolicy;
}

/** Fills defaults and infers the config type from the zod schema, so it is never written twice. */
export function defineNode<Schema extends z.ZodType>(spec: NodeSpec<Schema>): NodeDefinition<Schema> {
  return {
    ...spec,
    outputs: spec.outputs ?? ['main'],
    acceptsManyInputs: spec.acceptsManyInputs ?? false,
    pure: spec.pure ?? (spec.kind === 'condition' || spec.kind === 'transform'),
    retry: { ...NO_RETRY, ...spec.retry },
  };
}

/** The ports a node with this (already parsed) config can send its output through. */
export function outputsOf(definition: NodeDefinition, config: unknown): readonly string[] {
  return definition.outputsFor ? definition.outputsFor(config) : definition.outputs;
}
