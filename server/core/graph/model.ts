/**
 * Glossary — these words mean exactly this everywhere in Stepwise.
 *
 * - Workflow: a named automation. It owns one mutable draft and a list of immutable versions.
 * - Graph: nodes joined by edges, `{ nodes, edges }`. A node is one step: a trigger, condition,
 *   transform, action or flow node, typed by an entry of the node catalogue (`nodes/`).
 * - Port: a named exit of a node (`main`, or `true`/`false` for an If). An edge leaves a source
 *   node by one port and enters its target node.
 * - Trigger: the single node a run starts from; its output is the run's trigger payload.
 * - Draft: the editor's working copy of a workflow's graph. It is saved as often as the editor
 *   likes and may be invalid; its problems are reported, never refused.
 * - Version: an immutable, numbered (1..n per workflow) graph that passed validation, so it can run.
 * - Publication: the act of making a version the one that schedules, webhooks and manual runs use.
 *   Rolling back is publishing an earlier version; both are kept in the publications history.
 * - Execution: one run of one version (or of a copy of the draft, for a test run).
 * - Step run: one attempt of one node within an execution, with its input, output and error.
 * - Problem: one reason a graph is not valid, naming the node or edge and the field.
 */
import { z } from 'zod';
import { WorkflowSettings } from './settings.ts';

export const NodeId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only');

export const GraphNode = z.strictObject({
  id: NodeId,
  type: z.string().min(1).max(100),
  name: z.string().trim().min(1).max(100),
  position: z.strictObject({ x: z.number().finite(), y: z.number().finite() }),
  /**
   * The `flow.loop` whose body frame holds this node (its loop-body parent). The node then runs
   * once per item of that loop, and its `position` is relative to the frame's top-left corner.
   */
  parentId: NodeId.optional(),
  /** The size of a node drawn as a frame (a loop's body); other nodes have their natural size. */
  size: z.strictObject({ width: z.number().finite().positive(), height: z.number().finite().positive() }).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
  /**
   * Node-level settings, the same for every node type (`NodeSettings`, settings.ts: `onError`,
   * `retry`). Any object here, like `config`: what does not parse is a problem, not a shape error.
   */
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type GraphNode = z.output<typeof GraphNode>;

export const GraphEdge = z.strictObject({
  id: NodeId,
  source: NodeId,
  sourcePort: z.string().min(1).max(60).default('main'),
  target: NodeId,
});
export type GraphEdge = z.output<typeof GraphEdge>;

export const MAX_NODES = 2000;
export const MAX_EDGES = 5000;

/**
 * The shape of every graph, draft or version. Node configs are only checked to be objects here;
 * whether they parse with their node type's schema is a validation problem, not a shape error,
 * so that an unfinished draft can still be saved.
 */
export const Graph = z.strictObject({
  nodes: z.array(GraphNode).max(MAX_NODES),
  edges: z.array(GraphEdge).max(MAX_EDGES),
  /** Workflow settings (a run's time cap, the error workflow), versioned with the graph they run with. */
  settings: WorkflowSettings.optional(),
});
export type Graph = z.output<typeof Graph>;

export const Problem = z.object({
  code: z.enum([
    'unknown_node_type',
    'invalid_config',
    'invalid_settings',
    'duplicate_id',
    'duplicate_name',
    'trigger_count',
    'trigger_has_input',
    'dangling_edge',
    'unknown_port',
    'self_loop',
    'duplicate_edge',
    'too_many_inputs',
    'cycle',
    'unreachable',
    'unknown_step_reference',
    'invalid_expression',
    /** A loop's frame broken: a body without start or end, an edge crossing the frame, a bad parent. */
    'loop_body',
    /** `item` or `index` read outside every loop body, where they do not exist. */
    'loop_variable',
    'needs_trigger',
  ]),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  /** Dot path of the offending field inside the node or edge, e.g. `config.rules.0.right`. */
  field: z.string().optional(),
  /** Where in the field's text the problem is (0-based character offset), for `invalid_expression`. */
  position: z.number().int().nonnegative().optional(),
});
export type Problem = z.output<typeof Problem>;
