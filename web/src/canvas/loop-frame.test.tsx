// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import type { ComponentProps } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../server/api/routes/node-types.ts';
import type { Graph } from '../api/types.ts';
import { IterationTally } from '../pages/executions/iteration-picker.tsx';
import { LoopFrame, LoopFrameSlotContext, loopSummary } from './loop-frame.tsx';
import { NodeTypes, NodeTypesContext } from './node-types.ts';
import { toFlow } from './to-flow.ts';

afterEach(cleanup);

const types = new NodeTypes(catalogue.map(describeNodeType));

function drawFrame(
  config: Record<string, unknown>,
  slot?: ComponentProps<typeof LoopFrameSlotContext.Provider>['value'],
) {
  // The frame view reads only id, data and selected; React Flow passes the rest.
  const props = {
    id: 'each',
    data: { type: 'flow.loop', name: 'Each order', config },
    selected: false,
  } as unknown as ComponentProps<typeof LoopFrame>;
  return render(
    <ReactFlowProvider>
      <NodeTypesContext.Provider value={types}>
        <LoopFrameSlotContext.Provider value={slot ?? null}>
          <LoopFrame {...props} />
        </LoopFrameSlotContext.Provider>
      </NodeTypesContext.Provider>
    </ReactFlowProvider>,
  );
}

describe('a loop frame', () => {
  it('says in its header what it loops over and how', () => {
    expect(loopSummary({ items: '{{ input.orders }}', concurrency: 5, onItemError: 'skip' })).toEqual({
      list: 'input.orders',
      pace: '5 at once · skips failed items',
    });
    expect(loopSummary({})).toEqual({ list: 'input', pace: 'one at a time' });
    drawFrame({ items: '{{ steps.Fetch.output.lines }}', onItemError: 'collect' });
    expect(screen.getByTestId('loop-Each order').textContent).toContain(
      'Each orderEach ofsteps.Fetch.output.lines· one at a time · collects errors',
    );
  });

  it('has its inbound and done handles outside, and the body and result handles inside', () => {
    const { container } = drawFrame({});
    const handles = [...container.querySelectorAll('.react-flow__handle')].map(
      (handle) =>
        `${handle.classList.contains('source') ? 'source' : 'target'}:${handle.getAttribute('data-handleid')}`,
    );
    expect(handles.sort()).toEqual(['source:body', 'source:done', 'target:in', 'target:return']);
  });

  it('shows what the page adds: how the items went, in place of the summary', () => {
    drawFrame({}, () => ({
      line: <IterationTally counts={{ total: 120, succeeded: 117, failed: 1, skipped: 2, running: 0 }} />,
    }));
    expect(screen.getByTestId('iteration-counts').textContent).toBe('120 items117 succeeded1 failed2 skipped');
    expect(screen.getByTestId('loop-Each order').textContent).not.toContain('Each of');
  });
});

describe('toFlow with loops', () => {
  const graph: Graph = {
    nodes: [
      { id: 'inside', type: 'transform.set', name: 'Inside', position: { x: 10, y: 90 }, parentId: 'each', config: {} },
      {
        id: 'each',
        type: 'flow.loop',
        name: 'Each',
        position: { x: 0, y: 0 },
        size: { width: 500, height: 300 },
        config: {},
      },
      { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: -300, y: 0 }, config: {} },
      { id: 'stray', type: 'transform.set', name: 'Stray', position: { x: 0, y: 0 }, parentId: 'start', config: {} },
    ],
    edges: [
      { id: 'a', source: 'start', sourcePort: 'main', target: 'each' },
      { id: 'b', source: 'each', sourcePort: 'body', target: 'inside' },
      { id: 'c', source: 'inside', sourcePort: 'main', target: 'each' },
    ],
  };

  it('draws frames before the nodes inside them, sized as saved, with edges at the right handles', () => {
    const { nodes, edges } = toFlow(graph, types);
    expect(nodes.map((node) => [node.id, node.type, node.parentId])).toEqual([
      ['each', 'loop', undefined],
      ['start', 'workflow', undefined],
      ['inside', 'workflow', 'each'],
      // A parent that is no loop is not drawn as one (validation reports it).
      ['stray', 'workflow', undefined],
    ]);
    expect(nodes[0]).toMatchObject({ width: 500, height: 300 });
    expect(edges.map((edge) => [edge.id, edge.sourceHandle, edge.targetHandle, edge.label])).toEqual([
      ['a', 'main', 'in', undefined],
      ['b', 'body', undefined, undefined],
      ['c', 'main', 'return', undefined],
    ]);
  });
});
