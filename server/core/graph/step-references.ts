import { parseTemplate, referencedStepNames, templateStrings } from '../../../nodes/template.ts';
import { loopVariablesIn } from './expressions.ts';
import type { Frames } from './loops.ts';
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
 * `steps.<name>.output` must name a node that runs before this one, or the value can never exist,
 * and that the node can see: one of its own frame or of a frame around it (inside a loop body,
 * `steps.X` of the same body is this iteration's X). A node inside a loop that does not hold the
 * reader runs once per item, so it is read through its loop's output. `item` and `index` exist only
 * inside a loop body. `edges` must not close a cycle (and hold no return edge of a loop).
 */
export function checkStepReferences(
  nodesById: ReadonlyMap<string, GraphNode>,
  names: ReadonlyMap<string, string>,
  edges: readonly GraphEdge[],
  frames: Frames,
  problems: Problem[],
): void {
  let runsBefore: ReturnType<typeof ancestry> | undefined;
  for (const node of nodesById.values()) {
    const inLoop = frames.parentOf(node.id) !== undefined;
    for (const [field, text] of templateStrings(node.config, 'config')) {
      let parts: ReturnType<typeof parseTemplate>;
      try {
        parts = parseTemplate(text);
      } catch {
        continue; // reported by the node's config schema (or a plain string that merely contains "{{")
      }
      const outsideLoop = new Set<string>();
      for (const part of parts) {
        if (part.kind !== 'expression') continue;
        if (!inLoop) for (const variable of loopVariablesIn(part.source)) outsideLoop.add(variable);
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
          const hiddenBy = enclosingLoopHiding(referenced, node.id, frames);
          if (hiddenBy !== undefined) {
            const loop = nodesById.get(hiddenBy)?.name ?? hiddenBy;
            problems.push({
              code: 'unknown_step_reference',
              nodeId: node.id,
              field,
              message: `${node.name}: ${field}: "${name}" runs inside the loop "${loop}", once per item: use ${stepsOf(loop)}.output`,
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
      for (const variable of outsideLoop) {
        problems.push({
          code: 'loop_variable',
          nodeId: node.id,
          field,
          message: `${node.name}: ${field}: "${variable}" exists only inside a loop's frame; "${node.name}" is not in one`,
        });
      }
    }
  }
}

/**
 * The outermost loop holding `referenced` that does not hold `reader` (its output is what the
 * reader can see instead), or undefined when the reader sees `referenced` itself.
 */
function enclosingLoopHiding(referenced: string, reader: string, frames: Frames): string | undefined {
  const around = frames.parentOf(referenced);
  if (around === undefined) return undefined;
  const readerLoops = new Set(frames.loopsAround(reader));
  if (readerLoops.has(around)) return undefined;
  // Walk out from the referenced node until a frame the reader is in (or the top): the loop just inside it.
  let hiding = around;
  for (const loop of frames.loopsAround(referenced)) {
    if (readerLoops.has(loop)) break;
    hiding = loop;
  }
  return hiding;
}

const stepsOf = (name: string) =>
  /^[A-Za-z_$][\w$]*$/.test(name) ? `steps.${name}` : `steps[${JSON.stringify(name)}]`;
