import type { z } from 'zod';
import { findNodeType } from '../../nodes/catalogue.ts';
import { type NodeDefinition, outputsOf } from '../../nodes/define.ts';
import { parseTemplate, referencedStepNames, templateStrings } from '../../nodes/template.ts';
import type { Graph, GraphEdge, GraphNode, Problem } from './graph.ts';

export type NodeTypeLookup = (type: string) => NodeDefinition | undefined;

/** Dot path of a zod issue below a prefix, e.g. `config.rules.0.right`. */
export function issuePath(prefix: string, issue: z.core.$ZodIssue): string {
  return [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
}

/**
 * Every reason a (well-shaped) graph cannot run, each naming its node or edge and field.
 * An empty list means the graph may become a version. Pure: no I/O, deterministic order.
 */
export function validateGraph(graph: Graph, lookup: NodeTypeLookup = findNodeType): Problem[] {
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
    const definition = lookup(node.type);
    if (!definition) {
      problems.push({
        code: 'unknown_node_type',
        nodeId: node.id,
        field: 'type',
        message: `unknown node type "${node.type}"`,
      });
      ports.set(node.id, undefined);
      continue;
    }
    const parsed = definition.config.safeParse(node.config);
    if (parsed.success) {
      ports.set(node.id, outputsOf(definition, parsed.data));
    } else {
      ports.set(node.id, definition.outputsFor ? undefined : definition.outputs);
      for (const issue of parsed.error.issues) {
        const field = issuePath('config', issue);
        problems.push({
          code: 'invalid_config',
          nodeId: node.id,
          field,
          message: `${node.name}: ${field}: ${issue.message}`,
        });
      }
    }
  }

  const triggers = graph.nodes.filter((node) => lookup(node.type)?.kind === 'trigger');
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

  const liveEdges = checkEdges(graph.edges, nodesById, ports, lookup, problems);
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
  checkStepReferences(nodesById, names, acyclicEdges, problems);
  return problems;
}

function checkEdges(
  edges: readonly GraphEdge[],
  nodesById: ReadonlyMap<string, GraphNode>,
  ports: ReadonlyMap<string, readonly string[] | undefined>,
  lookup: NodeTypeLookup,
  problems: Problem[],
): GraphEdge[] {
  const live: GraphEdge[] = [];
  const edgeIds = new Set<string>();
  const links = new Set<string>();
  const inbound = new Map<string, number>();
  for (const edge of edges) {
    const problem = (code: Problem['code'], message: string, field?: string) =>
      problems.push({ code, edgeId: edge.id, ...(field ? { field } : {}), message });
    if (edgeIds.has(edge.id)) {
      problem('duplicate_id', `edge id "${edge.id}" is used twice`, 'id');
      continue;
    }
    edgeIds.add(edge.id);
    const source = nodesById.get(edge.source);
    const target = nodesById.get(edge.target);
    if (!source)
      problem('dangling_edge', `edge "${edge.id}" starts at node "${edge.source}", which does not exist`, 'source');
    if (!target)
      problem('dangling_edge', `edge "${edge.id}" ends at node "${edge.target}", which does not exist`, 'target');
    if (!source || !target) continue;
    if (source.id === target.id) {
      problem('self_loop', `"${source.name}" is connected to itself`);
      continue;
    }
    const sourcePorts = ports.get(source.id);
    if (sourcePorts && !sourcePorts.includes(edge.sourcePort)) {
      problem(
        'unknown_port',
        `"${source.name}" has no output "${edge.sourcePort}" (it has ${sourcePorts.map((port) => `"${port}"`).join(', ')})`,
        'sourcePort',
      );
      continue;
    }
    if (lookup(target.type)?.kind === 'trigger') {
      problem('trigger_has_input', `"${target.name}" is a trigger and cannot have inbound connections`, 'target');
      continue;
    }
    const link = `${edge.source}\u0000${edge.sourcePort}\u0000${edge.target}`;
    if (links.has(link)) {
      problem('duplicate_edge', `"${source.name}" → "${target.name}" is connected twice`);
      continue;
    }
    links.add(link);
    inbound.set(target.id, (inbound.get(target.id) ?? 0) + 1);
    live.push(edge);
  }
  for (const [nodeId, count] of inbound) {
    const node = nodesById.get(nodeId);
    if (count > 1 && node && !lookup(node.type)?.acceptsManyInputs) {
      problems.push({
        code: 'too_many_inputs',
        nodeId,
        message: `"${node.name}" has ${count} inbound connections; only a Merge node may join branches`,
      });
    }
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
  for (const edge of closing) {
    const source = nodesById.get(edge.source);
    const target = nodesById.get(edge.target);
    problems.push({
      code: 'cycle',
      edgeId: edge.id,
      nodeId: edge.target,
      message: `connecting "${source?.name}" back to "${target?.name}" makes a loop; workflows must not loop`,
    });
  }
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

/**
 * Answers "does `ancestor` run before `node`?" for an acyclic graph in O(1), after one pass in
 * topological order that ORs each node's parents into a bitset (a 2000-node graph costs ~0.5 MB).
 */
function ancestry(
  nodeIds: readonly string[],
  edges: readonly GraphEdge[],
): (ancestor: string, node: string) => boolean {
  const index = new Map(nodeIds.map((id, position) => [id, position]));
  const words = Math.ceil(nodeIds.length / 32);
  const bits = nodeIds.map(() => new Uint32Array(words));
  const parents = nodeIds.map((): number[] => []);
  const pending = nodeIds.map(() => 0);
  const children = nodeIds.map((): number[] => []);
  for (const edge of edges) {
    const source = index.get(edge.source) as number;
    const target = index.get(edge.target) as number;
    parents[target]?.push(source);
    children[source]?.push(target);
    pending[target] = (pending[target] ?? 0) + 1;
  }
  const ready = nodeIds.map((_, position) => position).filter((position) => pending[position] === 0);
  for (let current = ready.pop(); current !== undefined; current = ready.pop()) {
    const own = bits[current] as Uint32Array;
    for (const parent of parents[current] ?? []) {
      const inherited = bits[parent] as Uint32Array;
      for (let word = 0; word < words; word++) own[word] = (own[word] as number) | (inherited[word] as number);
      own[parent >>> 5] = (own[parent >>> 5] as number) | (1 << (parent & 31));
    }
    for (const child of children[current] ?? []) {
      pending[child] = (pending[child] as number) - 1;
      if (pending[child] === 0) ready.push(child);
    }
  }
  return (ancestor, node) => {
    const a = index.get(ancestor);
    const n = index.get(node);
    if (a === undefined || n === undefined) return false;
    return (((bits[n] as Uint32Array)[a >>> 5] as number) & (1 << (a & 31))) !== 0;
  };
}

/** `steps.<name>.output` must name a node that runs before this one, or the value can never exist. */
function checkStepReferences(
  nodesById: ReadonlyMap<string, GraphNode>,
  names: ReadonlyMap<string, string>,
  edges: readonly GraphEdge[],
  problems: Problem[],
): void {
  let runsBefore: ReturnType<typeof ancestry> | undefined;
  for (const node of nodesById.values()) {
    for (const [field, text] of templateStrings(node.config, 'config')) {
      let parts: ReturnType<typeof parseTemplate>;
      try {
        parts = parseTemplate(text);
      } catch {
        continue; // reported by the node's config schema (or a plain string that merely contains "{{")
      }
      for (const part of parts) {
        if (part.kind !== 'expression') continue;
        for (const name of referencedStepNames(part.source)) {
          const referenced = names.get(name);
          if (referenced === undefined) {
            problems.push({
              code: 'unknown_step_reference',
              nodeId: node.id,
              field,
              message: `${node.name}: ${field}: there is no node named "${name}"`,
            });
            continue;
          }
          runsBefore ??= ancestry([...nodesById.keys()], edges);
          if (!runsBefore(referenced, node.id)) {
            problems.push({
              code: 'unknown_step_reference',
              nodeId: node.id,
              field,
              message: `${node.name}: ${field}: "${name}" does not run before "${node.name}", so its output is not available here`,
            });
          }
        }
      }
    }
  }
}
