import type { Graph } from '../core/graph/model.ts';

/** Small valid graphs for API tests. */

export const loneTrigger = (): Graph => ({
  nodes: [{ id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} }],
  edges: [],
});

/**
 *   Start ──▶ Call
 */
export const triggerThenHttp = (url = 'https://example.test/orders'): Graph => ({
  nodes: [
    { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
    { id: 'call', type: 'action.http', name: 'Call', position: { x: 0, y: 120 }, config: { method: 'POST', url } },
  ],
  edges: [{ id: 'e1', source: 'start', sourcePort: 'main', target: 'call' }],
});
