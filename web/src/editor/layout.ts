import type { Graph } from '../api/types.ts';
import type { NodeTypes } from '../canvas/node-types.ts';
import { NODE_WIDTH } from './graph-ops.ts';

/**
 * Auto-layout: left to right in layers (ELK's layered algorithm), ports kept in their drawn order
 * so an If's "true" branch stays above its "false" one. Answers new positions only; the store
 * applies them as one undoable step.
 */
type ElkClass = typeof import('elkjs/lib/elk.bundled.js')['default'];
type Elk = InstanceType<ElkClass>;
let elk: Promise<Elk> | undefined;

/** ELK is big (1.5 MB): loaded on the first layout, not with the editor. */
function loadElk(): Promise<Elk> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((module) => {
    // elkjs is CommonJS: bundlers hand over `module.exports` (the class); the typings describe a namespace.
    const namespace = module.default as unknown as { default?: unknown };
    const ELK = (namespace.default ?? namespace) as ElkClass;
    return new ELK();
  });
  return elk;
}

export async function layoutGraph(
  graph: Graph,
  types: NodeTypes,
  measured: Readonly<Record<string, { width: number; height: number }>> = {},
): Promise<Map<string, { x: number; y: number }>> {
  // ELK refuses edges to unknown ports; a draft may hold stale ones (a Switch case renamed).
  const known = new Set(
    graph.nodes.flatMap((node) => [
      node.id,
      ...types.portsOf(node.type, node.config, node.settings).map((port) => `${node.id}::${port}`),
    ]),
  );
  const edges = graph.edges.filter((edge) => known.has(`${edge.source}::${edge.sourcePort}`) && known.has(edge.target));
  const result = await (await loadElk()).layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: graph.nodes.map((node) => {
      const ports = types.portsOf(node.type, node.config, node.settings);
      return {
        id: node.id,
        width: measured[node.id]?.width ?? NODE_WIDTH,
        height: measured[node.id]?.height ?? (ports.length > 1 ? 58 + ports.length * 20 : 58),
        layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
        ports: ports.map((port, index) => ({
          id: `${node.id}::${port}`,
          layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(index) },
        })),
      };
    }),
    edges: edges.map((edge) => ({
      id: edge.id,
      sources: [`${edge.source}::${edge.sourcePort}`],
      targets: [edge.target],
    })),
  });
  const positions = new Map<string, { x: number; y: number }>();
  for (const child of result.children ?? []) {
    positions.set(child.id, { x: Math.round(child.x ?? 0), y: Math.round(child.y ?? 0) });
  }
  return positions;
}
