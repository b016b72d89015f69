import { parseTemplate, referencedStepNames, renameStepReferences, templateStrings } from '../../../nodes/template.ts';
import type { GraphEdge, GraphNode, Problem } from './model.ts';

/**
 * `steps.<name>` in a node's expressions: validation checks each names a step that runs before the
 * node, and renaming a node rewrites them, so a rename never silently breaks a mapping.
 */

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

/**
 * `steps.<name>.output` must name a node that runs before this one, or the value can never exist.
 * `edges` must not close a cycle.
 */
export function checkStepReferences(
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

/**
 * A config value with every `steps.<from>` (in expressions and scripts alike) reading `steps.<to>`;
 * the same object where nothing changed, so an untouched node keeps its identity.
 */
export function renameStepReferencesIn(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.includes('steps') ? renameStepReferences(value, from, to) : value;
  if (Array.isArray(value)) {
    const items = value.map((item) => renameStepReferencesIn(item, from, to));
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => [key, renameStepReferencesIn(item, from, to)] as const);
    const changed = entries.some(([key, item]) => item !== (value as Record<string, unknown>)[key]);
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}
