// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../server/api/routes/node-types.ts';
import { validateGraph } from '../../../server/core/validate.ts';
import type { GraphNode } from '../api/types.ts';
import { NodeTypes } from '../canvas/node-types.ts';
import { createEditorStore, type EditorStore, EditorStoreContext, useEditor } from './store.ts';
import { TriggerTypePicker } from './trigger-type-picker.tsx';

afterEach(cleanup);

const types = new NodeTypes(JSON.parse(JSON.stringify(catalogue.map(describeNodeType))));

function Picker({ nodeId }: { nodeId: string }) {
  const node = useEditor((state) => state.graph.nodes.find((candidate) => candidate.id === nodeId)) as GraphNode;
  return <TriggerTypePicker node={node} />;
}

function twoSteps(): { store: EditorStore; trigger: string; step: string } {
  const store = createEditorStore({ nodes: [], edges: [] }, { types });
  const trigger = store.getState().addNode('trigger.manual');
  const step = store.getState().addNode('transform.set');
  store.getState().rename(trigger, 'Start here');
  return { store, trigger, step };
}

describe('changing a trigger’s type in place', () => {
  it('keeps the node’s id, name, place and edges; its settings start as the new type’s; Undo goes back', () => {
    const { store, trigger } = twoSteps();
    const before = store.getState().graph;
    render(
      <EditorStoreContext.Provider value={store}>
        <Picker nodeId={trigger} />
      </EditorStoreContext.Provider>,
    );
    expect((screen.getByRole('radio', { name: 'Manual' }) as HTMLInputElement).checked).toBe(true);

    fireEvent.click(screen.getByRole('radio', { name: 'Webhook' }));
    let after = store.getState().graph;
    const webhook = after.nodes.find((node) => node.id === trigger);
    expect(webhook).toMatchObject({ id: trigger, type: 'trigger.webhook', name: 'Start here' });
    expect(webhook?.position).toEqual(before.nodes[0]?.position);
    expect(webhook?.config).toEqual({ method: 'POST', path: '', respond: 'immediately', timeoutMs: 30000 });
    expect(after.edges).toEqual(before.edges);
    expect((screen.getByRole('radio', { name: 'Webhook' }) as HTMLInputElement).checked).toBe(true);

    fireEvent.click(screen.getByRole('radio', { name: 'Schedule' }));
    after = store.getState().graph;
    expect(after.nodes.find((node) => node.id === trigger)).toMatchObject({
      type: 'trigger.schedule',
      config: { cron: '0 9 * * *', timezone: 'UTC' },
    });
    // A schedule as it starts is a valid trigger for the same edges: the graph still passes.
    expect(validateGraph(after).filter((problem) => problem.nodeId === trigger)).toEqual([]);
    expect(after.edges).toEqual(before.edges);

    store.getState().undo();
    store.getState().undo();
    expect(store.getState().graph).toBe(before);
  });
});
