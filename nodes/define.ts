import type { z } from 'zod';
import { type Accent, KIND_ACCENTS, type NodeAffordance, type NodeIcon } from './appearance.ts';
import type { CredentialCall, CredentialOperationName, OperationResponse } from './credentials/operations.ts';
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
   * A stored credential of an HTTP-style type (nodes/credentials/) the worker authenticates the
   * request with. The node never sees the secret; the worker adds it and masks it out of the answer.
   */
  readonly credentialId?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A run of another workflow that a step starts as its child (`flow.subworkflow`). */
export interface WorkflowRunRequest {
  readonly workflowId: string;
  /** `published`: the version the workflow has published now; a number: that version. */
  readonly version: 'published' | number;
  /** The child's trigger payload. */
  readonly input: unknown;
}

/** The child run a step started. */
export interface StartedWorkflowRun {
  readonly executionId: string;
  readonly workflowName: string;
}

/** Digests the worker computes for a node (its `ctx.crypto`). */
export const HASH_ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];
export type DigestEncoding = 'hex' | 'base64';

/**
 * Hashes and random ids, done by the worker with Node's crypto module, which nodes/ may not import.
 * Keyed signatures are not here: they need a stored key, so they are a credential's operation
 * (`ctx.useCredential`, e.g. `signing-key.hmac`).
 */
export interface NodeCrypto {
  /** The digest of the text's UTF-8 bytes, as lower-case hex or as base64. */
  hash(algorithm: HashAlgorithm, text: string, encoding: DigestEncoding): string;
  /** A random version 4 UUID, from a cryptographically secure source. */
  randomUUID(): string;
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
  readonly crypto: NodeCrypto;
  /** Resolves `{{ }}` templates inside a config value (string, array or object), in the sandbox. */
  evaluate(value: unknown): Promise<unknown>;
  /** Runs a script node's function body in the sandbox with `input` in scope; returns its result. */
  runScript(code: string, limits: { timeoutMs: number; memoryMb: number }): Promise<unknown>;
  /** The only network access a node gets. */
  http(request: HttpRequest): Promise<HttpResponse>;
  /**
   * Starts a run of another workflow as this step attempt's child: at most one per attempt (asked
   * again, it answers the run it started). Throws a `NonRetryableError` naming the problem when the
   * workflow or version does not exist or the calls nest deeper than the server allows.
   */
  startWorkflow(request: WorkflowRunRequest): Promise<StartedWorkflowRun>;
  /**
   * Protocol work done in the worker with a stored credential (nodes/credentials/operations.ts):
   * send an email, run a query, sign. The secret never reaches the node, and every form of it is
   * masked out of the answer and of errors. Throws a `NonRetryableError` when the credential is
   * missing, of a type without this operation, or not for this run's user.
   */
  useCredential<Name extends CredentialOperationName>(call: CredentialCall<Name>): Promise<OperationResponse<Name>>;
}

export interface NodeResult {
  readonly output: unknown;
  /** Which output port the output leaves by; defaults to the node's first output. */
  readonly port?: string;
  /** Successors start no earlier than this (a delay is a job scheduled in the future, not a sleep). */
  readonly continueAt?: Date;
  /**
   * The step suspends instead of finishing: it is stored `waiting` with this description (`kind`
   * names who resumes it), holds no worker, and its successors wait until the engine resumes it.
   */
  readonly wait?: { readonly kind: string; readonly [detail: string]: unknown };
}

export interface ExecuteArgs<Config> {
  readonly config: Config;
  readonly input: unknown;
  readonly ctx: NodeContext;
}

/**
 * Output ports read from the config, as data rather than code, so the editor draws them from what
 * the server serves and the engine checks them by the same rule: each item of the config's list
 * `list` names a port in its field `field`. They come before the static `outputs` (a Switch: its
 * cases' ports, then `default`). Evaluated by `portsOf` in server/core/graph/ports.ts.
 */
export interface PortsFromConfig {
  readonly list: string;
  readonly field: string;
}

/**
 * Output ports chosen by the value of one config field (a Wait's `mode`), as data like
 * `PortsFromConfig`: `ports[value]` when the field holds one of its keys, else the type's `outputs`.
 * Evaluated by `portsOf` in server/core/graph/ports.ts, for the editor and the engine alike.
 */
export interface PortsByConfigValue {
  readonly field: string;
  readonly ports: Readonly<Record<string, readonly string[]>>;
}

/**
 * A node that only makes sense under a certain trigger (a Respond to webhook node under a webhook
 * set to answer from it): the graph rules report any other trigger as a problem on the node, in
 * these words. `config` lists top-level trigger config values that must be set exactly so.
 */
export interface TriggerRequirement {
  readonly type: string;
  readonly config?: Readonly<Record<string, string | number | boolean>>;
  /** Why, said after the node's name: "Respond" <why>. */
  readonly why: string;
}

/** A top-level key of a config type: `outputsFrom.list` must name one (checked, not just a string). */
type ConfigKey<Config> = Config extends object ? keyof Config & string : string;

/** What a node file declares; `defineNode` fills the defaults. */
export interface NodeSpec<Schema extends z.ZodType, Type extends string = string> {
  /**
   * `<kind>.<name>` (a node pack's: `<kind>.<pack>.<name>`, nodes/packs.ts), stored in every graph
   * that uses the node: never renamed.
   */
  readonly type: Type;
  readonly kind: NodeKind;
  readonly title: string;
  /** One sentence: the palette and the settings panel show it. */
  readonly description: string;
  /**
   * Longer help shown in the settings panel: plain text, paragraphs separated by a blank line,
   * `code` in backticks.
   */
  readonly docs?: string;
  /** A name from NODE_ICONS (nodes/appearance.ts), or `{ svg }`: an SVG document of the node's own. */
  readonly icon: NodeIcon;
  /** The icon chip's colour; default: the kind's (KIND_ACCENTS). */
  readonly accent?: Accent;
  /**
   * Bumped when the node changes what it does with a config that still parses, so a reader of an
   * old version's graph can tell. Default 1.
   */
  readonly version?: number;
  /** Panels the editor shows beside the form (NODE_AFFORDANCES), e.g. a webhook's address. */
  readonly affordances?: readonly NodeAffordance[];
  readonly config: Schema;
  /** Output ports. Default `['main']`. */
  readonly outputs?: readonly string[];
  /** More output ports named by the config (a Switch's cases), before `outputs`. */
  readonly outputsFrom?: PortsFromConfig & { readonly list: ConfigKey<z.output<Schema>> };
  /** Ports chosen by a config field's value instead of `outputs` (a Wait: by its mode). */
  readonly outputsBy?: PortsByConfigValue & { readonly field: ConfigKey<z.output<Schema>> };
  /** Only nodes that join branches accept more than one inbound edge. */
  readonly acceptsManyInputs?: boolean;
  /** The trigger the workflow must start with for this node to make sense (checked by the graph rules). */
  readonly needsTrigger?: TriggerRequirement;
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
  /**
   * Whether a node's settings may handle its error (`onError`: continue, or route to the error
   * port). Default true; false for a node whose failure is its purpose (Stop and error).
   */
  readonly errorSettings?: boolean;
  execute(args: ExecuteArgs<z.output<Schema>>): Promise<NodeResult>;
}

export interface NodeDefinition<Schema extends z.ZodType = z.ZodType, Type extends string = string>
  extends NodeSpec<Schema, Type> {
  readonly docs: string;
  readonly accent: Accent;
  readonly version: number;
  readonly affordances: readonly NodeAffordance[];
  readonly outputs: readonly string[];
  readonly acceptsManyInputs: boolean;
  readonly pure: boolean;
  readonly retry: RetryPolicy;
  readonly errorSettings: boolean;
}

/** The config a node's `execute` receives: its schema's output, defaults filled. */
export type ConfigOf<Definition extends NodeDefinition> = z.output<Definition['config']>;

/**
 * Fills defaults and infers the config type from the zod schema, so it is never written twice; the
 * type name stays a literal, so the catalogue can be looked up by it with the config type kept.
 */
export function defineNode<const Type extends string, Schema extends z.ZodType>(
  spec: NodeSpec<Schema, Type>,
): NodeDefinition<Schema, Type> {
  return {
    ...spec,
    docs: spec.docs ?? '',
    accent: spec.accent ?? KIND_ACCENTS[spec.kind],
    version: spec.version ?? 1,
    affordances: spec.affordances ?? [],
    outputs: spec.outputs ?? ['main'],
    acceptsManyInputs: spec.acceptsManyInputs ?? false,
    pure: spec.pure ?? (spec.kind === 'condition' || spec.kind === 'transform'),
    retry: { ...NO_RETRY, ...spec.retry },
    errorSettings: spec.errorSettings ?? true,
  };
}
