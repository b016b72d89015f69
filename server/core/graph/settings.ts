import { z } from 'zod';
import type { GraphNode, Problem } from './model.ts';
import type { GraphNodeType } from './node-type.ts';

/*
 * Node-level settings (beside `config`, the same for every node type) and workflow-level settings
 * (beside `nodes` and `edges`, versioned with the graph). A graph's shape takes a node's settings
 * as any object, so a draft with an unfinished setting still saves; `settingsProblems` reports
 * what is wrong, naming the node and the field, as config problems are reported.
 */

/** What a node does when its last attempt fails. */
export const ON_ERROR = ['stop', 'continue', 'error-port'] as const;
export type OnError = (typeof ON_ERROR)[number];

/** The port a node with `onError: 'error-port'` gains, after its own ports. */
export const ERROR_PORT = 'error';

/** Server-wide bounds on a user's retry policy: enough for flaky APIs, never a queue full of retries. */
export const RETRY_BOUNDS = { maxAttempts: 10, maxDelayMs: 60 * 60 * 1000 } as const;

export const RetrySettings = z.strictObject({
  /** Total attempts including the first; 1 means never retry. */
  attempts: z.int().min(1).max(RETRY_BOUNDS.maxAttempts),
  /** `fixed`: every retry waits `delayMs`; `exponential`: `delayMs`, then twice as long each time. */
  backoff: z.enum(['fixed', 'exponential']).default('exponential'),
  /** The wait before the first retry. */
  delayMs: z.int().min(0).max(RETRY_BOUNDS.maxDelayMs).default(1000),
  /** No wait is longer than this. */
  maxDelayMs: z.int().min(0).max(RETRY_BOUNDS.maxDelayMs).default(60_000),
});
export type RetrySettings = z.output<typeof RetrySettings>;

export const NodeSettings = z.strictObject({
  /**
   * `stop` (default): the run fails. `continue`: the node's error becomes its output (`{ error }`)
   * by its first port. `error-port`: it leaves by its `error` port with `{ error, input }`.
   */
  onError: z.enum(ON_ERROR).default('stop'),
  /** Overrides the node type's retry policy (actions only), within `RETRY_BOUNDS`. */
  retry: RetrySettings.optional(),
});
export type NodeSettings = z.output<typeof NodeSettings>;

export const DEFAULT_NODE_SETTINGS: NodeSettings = { onError: 'stop' };

/** A node's settings with defaults filled; settings that do not parse count as the defaults (a draft). */
export function nodeSettingsOf(node: Pick<GraphNode, 'settings'>): NodeSettings {
  if (node.settings === undefined) return DEFAULT_NODE_SETTINGS;
  const parsed = NodeSettings.safeParse(node.settings);
  return parsed.success ? parsed.data : DEFAULT_NODE_SETTINGS;
}

/** The longest a run may be capped at: a week (a longer cap is no cap). */
export const MAX_TIMEOUT_SECONDS = 7 * 24 * 60 * 60;

export const WorkflowSettings = z.strictObject({
  /** A run still going this long after it started is failed ("the run exceeded its … time limit"). */
  timeoutSeconds: z.int().min(1).max(MAX_TIMEOUT_SECONDS).optional(),
  /** A workflow starting with an Error trigger, run when a production run of this one fails. */
  errorWorkflowId: z.string().min(1).max(64).optional(),
});
export type WorkflowSettings = z.output<typeof WorkflowSettings>;

/**
 * What is wrong with a node's settings: a value out of its bounds, retry settings on a node that
 * is not an action, error handling on a node type that allows none (Stop and error), or an error
 * port whose name the node's own ports already use.
 */
export function settingsProblems(
  node: GraphNode,
  type: Pick<GraphNodeType, 'kind' | 'errorSettings'>,
  ownPorts: readonly string[] | undefined,
): Problem[] {
  if (node.settings === undefined) return [];
  const problem = (field: string, message: string): Problem => ({
    code: 'invalid_settings',
    nodeId: node.id,
    field,
    message: `${node.name}: ${message}`,
  });
  const parsed = NodeSettings.safeParse(node.settings);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) =>
      problem(['settings', ...issue.path.map(String)].join('.'), settingWords(issue)),
    );
  }
  const problems: Problem[] = [];
  const { onError, retry } = parsed.data;
  if (retry && type.kind !== 'action') {
    problems.push(problem('settings.retry', `retry settings apply only to actions; this is a ${type.kind} node`));
  }
  if (onError !== 'stop' && type.errorSettings === false) {
    problems.push(problem('settings.onError', 'this node always fails the run; its error cannot be handled'));
  }
  if (onError === 'error-port' && ownPorts?.includes(ERROR_PORT)) {
    problems.push(
      problem('settings.onError', `it already has an output named "${ERROR_PORT}"; rename it to route errors`),
    );
  }
  return problems;
}

/** A settings issue in plain words. */
function settingWords(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.') || 'settings';
  if (issue.code === 'invalid_value') return `${field} must be one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_small') return `${field} must be at least ${String(issue.minimum)}`;
  if (issue.code === 'too_big') return `${field} must be at most ${String(issue.maximum)}`;
  if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys.join(', ')}`;
  return `${field}: ${issue.message}`;
}
