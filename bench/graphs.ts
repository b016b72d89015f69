import type { Graph } from '../server/core/graph/model.ts';

/**
 * A realistic big workflow: a trigger, then `size - 1` steps cycling through set, if, script and
 * http nodes, each reading the previous step's output through an expression.
 */
export function bigGraph(size: number): Graph {
  const nodes: Graph['nodes'] = [
    { id: 'n0', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
  ];
  const edges: Graph['edges'] = [];
  for (let index = 1; index < size; index++) {
    const previous = nodes[index - 1] as Graph['nodes'][number];
    const name = `Step ${index}`;
    const ref = `steps["${previous.name}"].output`;
    const kind = index % 4;
    const position = { x: (index % 10) * 220, y: Math.floor(index / 10) * 140 };
    if (kind === 0) {
      nodes.push({
        id: `n${index}`,
        type: 'transform.set',
        name,
        position,
        config: { fields: [{ path: 'value', value: `{{ ${ref}.value }}` }] },
      });
    } else if (kind === 1) {
      nodes.push({
        id: `n${index}`,
        type: 'condition.if',
        name,
        position,
        config: { rules: [{ left: `{{ ${ref}.value }}`, operator: 'greaterThan', right: '3' }] },
      });
    } else if (kind === 2) {
      nodes.push({
        id: `n${index}`,
        type: 'transform.script',
        name,
        position,
        config: { code: 'return { value: 1 };' },
      });
    } else {
      nodes.push({
        id: `n${index}`,
        type: 'action.http',
        name,
        position,
        config: { url: 'http://127.0.0.1:9/x', body: { v: `{{ ${ref} }}` } },
      });
    }
    edges.push({
      id: `e${index}`,
      source: previous.id,
      sourcePort: previous.type === 'condition.if' ? 'true' : 'main',
      target: `n${index}`,
    });
  }
  return { nodes, edges };
}
