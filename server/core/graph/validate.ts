import { configProblems } from './config-problems.ts';
import { acceptsInputs, closesCycle, duplicateEdge, endProblems, linkOf, tooManyInputs } from './edges.ts';
import {
  crossingProblem,
  edgeRole,
  type Frames,
  openBody,
  readFrames,
  secondBodyEnd,
  secondBodyStart,
} from './loops.ts';
import type { Graph, GraphEdge, GraphNode, Problem } from './model.ts';
import type { GraphNodeType, NodeTypeLookup } from './node-type.ts';
import { readConfig } from './ports.ts';
import { settingsProblems } from './settings.ts';
import { checkStepReferences } from './step-references.ts';

/**
 * Every reason a (well-shaped) graph cannot run, each naming its node or edge and field, by the
 * node types `types` describes. An empty list means the graph may become a version. Configs are
 * checked by the type's `config` check (zod on the server, the JSON Schema in the editor) and
 * their `{{ }}` expressions parsed (config-problems.ts). Pure: no I/O, deterministic order.
 */
export function graphProblems<Type extends GraphNodeType>(graph: Graph, types: NodeTypeLookup<Type>): Problem[] {
  const problems: Problem[] = [];
  const nodesById = new Map<string, GraphNode>();
  const names = new Map<string, string>();
  const ports = new Map<string, readonly string[] | undefined>(); // undefined: unknown because config is invalid

  for (const node of graph.nodes) {
    if (nodesById.has(node.id)) {
      problems.push({
        code: 'duplicate_id',
        nodeId: node.id,
        field: 'id',
        message: `node id "${node.id}" is used twice`,
      });
      continue;
    }
    nodesById.set(node.id, node);
    const holder = names.get(node.name);
    if (holder !== undefined) {
      problems.push({
        code: 'duplicate_name',
        nodeId: node.id,
        field: 'name',
        message: `name "${node.name}" is already used by node "${holder}"; names must be unique so expressions can refer to steps.<name>`,
      });
    } else {
      names.set(node.name, node.id);
    }
    const type = types(node.type);
    if (!type) {
      problems.push({
        code: 'unknown_node_type',
        nodeId: node.id,
        field: 'type',
        message: `unknown node type "${node.type}"`,
      });
      ports.set(node.id, undefined);
      continue;
    }
    const reading = readConfig(type, node.config, node.settings);
    ports.set(node.id, reading.ports);
    problems.push(...configProblems(node, type, reading.issues));
    problems.push(...settingsProblems(node, type, reading.ownPorts));
  }

  const triggers = graph.nodes.filter((node) => types(node.type)?.kind === 'trigger');
  if (triggers.length === 0) {
    problems.push({ code: 'trigger_count', message: 'a workflow needs exactly one trigger node; add one' });
  }
  for (const extra of triggers.slice(1)) {
    problems.push({
      code: 'trigger_count',
      nodeId: extra.id,
      message: `a workflow has exactly one trigger; "${extra.name}" is a second one besides "${triggers[0]?.name}"`,
    });
  }

  const frames = readFrames(nodesById, types, problems);
  // Return edges (a body's end back to its loop) close no cycle and are no input of the loop.
  const liveEdges = checkEdges(graph.edges, nodesById, ports, types, frames, problems);
  const successors = adjacency(nodesById, liveEdges);
  const closing = new Set(findCycles(nodesById, successors, liveEdges, problems));
  const acyclicEdges = closing.size === 0 ? liveEdges : liveEdges.filter((edge) => !closing.has(edge));

  const trigger = triggers.length === 1 ? triggers[0] : undefined;
  if (trigger) {
    const reachable = reachableFrom(trigger.id, successors);
    for (const node of nodesById.values()) {
      if (!reachable.has(node.id)) {
        problems.push({
          code: 'unreachable',
          nodeId: node.id,
          message: `"${node.name}" is not connected to the trigger, so it would never run`,
        });
      }
    }
  }
  if (trigger) problems.push(...triggerRequirementProblems(nodesById.values(), trigger, types));
  checkStepReferences(nodesById, names, acyclicEdges, frames, problems);
  return problems;
}

/** Nodes whose type needs another trigger, or the same trigger set otherwise (a Respond to webhook node). */
function triggerRequirementProblems(nodes: Iterable<GraphNode>, trigger: GraphNode, types: NodeTypeLookup): Problem[] {
  const problems: Problem[] = [];
  const triggerConfig = trigger.config as Record<string, unknown>;
  for (const node of nodes) {
    const needs = types(node.type)?.needsTrigger;
    if (!needs) continue;
    const fits =
      trigger.type === needs.type &&
      Object.entries(needs.config ?? {}).every(([key, value]) => triggerConfig[key] === value);
    if (!fits) problems.push({ code: 'needs_trigger', nodeId: node.id, message: `"${node.name}" ${needs.why}` });
  }
  return problems;
}

/**
 * Reports every edge that breaks an edge rule (edges.ts, loops.ts); answers the others, the edges
 * that count, without the return edges of loop bodies (kept per loop, they run no step).
 */
function checkEdges(
  edges: readonly GraphEdge[],
  nodesById: ReadonlyMap<string, GraphNode>,
  ports: ReadonlyMap<string, readonly string[] | undefined>,
  types: NodeTypeLookup,
  frames: Frames,
  problems: Problem[],
): GraphEdge[] {
  const live: GraphEdge[] = [];
  const bodyStart = new Map<string, GraphNode>();
  const bodyEnd = new Map<string, GraphNode>();
  const nameOf = (id: string) => nodesById.get(id)?.name ?? id;
  const edgeIds = new Set<string>();
  const links = new Set<string>();
  const inbound = new Map<string, number>();
  for (const edge of edges) {
    if (edgeIds.has(edge.id)) {
      problems.push({
        code: 'duplicate_id',
        edgeId: edge.id,
        field: 'id',
        message: `edge id "${edge.id}" is used twice`,
      });
      continue;
    }
    edgeIds.add(edge.id);
    const source = nodesById.get(edge.source);
    const target = nodesById.get(edge.target);
    const targetType = target && types(target.type);
    const ends = endProblems(edge, source, target, source && ports.get(source.id), targetType);
    if (ends.length > 0 || !source || !target) {
      problems.push(...ends);
      continue;
    }
    const crossing = crossingProblem(edge, source, target, frames, nameOf);
    if (crossing) {
      problems.push(crossing);
      continue;
    }
    const link = linkOf(edge);
    if (links.has(link)) {
      problems.push(duplicateEdge(edge, source, target));
      continue;
    }
    links.add(link);
    const role = edgeRole(edge, frames);
    if (role === 'body') {
      const start = bodyStart.get(source.id);
      if (start) {
        problems.push(secondBodyStart(edge, source, start));
        continue;
      }
      bodyStart.set(source.id, target);
    } else if (role === 'return') {
      const end = bodyEnd.get(target.id);
      if (end) problems.push(secondBodyEnd(edge, target, end));
      else bodyEnd.set(target.id, source);
      continue;
    }
    inbound.set(target.id, (inbound.get(target.id) ?? 0) + 1);
    live.push(edge);
  }
  for (const [nodeId, count] of inbound) {
    const node = nodesById.get(nodeId);
    if (node && !acceptsInputs(types(node.type), count)) problems.push(tooManyInputs(node));
  }
  for (const node of nodesById.values()) {
    if (!frames.isLoop(node.id)) continue;
    if (!bodyStart.has(node.id)) problems.push(openBody(node, 'start'));
    else if (!bodyEnd.has(node.id)) problems.push(openBody(node, 'end'));
  }
  return live;
}

function adjacency(nodesById: ReadonlyMap<string, GraphNode>, edges: readonly GraphEdge[]): Map<string, string[]> {
  const successors = new Map<string, string[]>([...nodesById.keys()].map((id) => [id, []]));
  for (const edge of edges) successors.get(edge.source)?.push(edge.target);
  return successors;
}

/**
 * Reports every edge that closes a cycle and returns them. Without those edges the graph is
 * acyclic, so later checks can go on and report everything else too. Iterative, so big graphs
 * cannot overflow the stack.
 */
function findCycles(
  nodesById: ReadonlyMap<string, GraphNode>,
  successors: ReadonlyMap<string, string[]>,
  edges: readonly GraphEdge[],
  problems: Problem[],
): GraphEdge[] {
  const state = new Map<string, 'open' | 'done'>();
  const backEdges = new Set<string>();
  for (const start of nodesById.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { id: string; next: number };
      const children = successors.get(frame.id) ?? [];
      if (frame.next >= children.length) {
        state.set(frame.id, 'done');
        stack.pop();
        continue;
      }
      const child = children[frame.next++] as string;
      const seen = state.get(child);
      if (seen === 'open') backEdges.add(`${frame.id}\u0000${child}`);
      else if (seen === undefined) {
        state.set(child, 'open');
        stack.push({ id: child, next: 0 });
      }
    }
  }
  const closing = edges.filter((edge) => backEdges.has(`${edge.source}\u0000${edge.target}`));
  for (const edge of closing) problems.push(closesCycle(edge, nodesById.get(edge.source), nodesById.get(edge.target)));
  return closing;
}

function reachableFrom(start: string, successors: ReadonlyMap<string, string[]>): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const next of successors.get(id) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}
