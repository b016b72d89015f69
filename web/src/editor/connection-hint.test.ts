import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../server/api/routes/node-types.ts';
import { NodeTypes } from '../canvas/node-types.ts';
import { refusal } from './connection-hint.tsx';
import { createEditorStore } from './store.ts';

/** The node types as the editor gets them: GET /node-types's answer, through JSON. */
const types = new NodeTypes(JSON.parse(JSON.stringify(catalogue.map(describeNodeType))));
const identity = [0, 0, 1];

/**
 * Start ──▶ Check ──true──▶ Note        Join (a Merge, already fed by Note)
 * at x = 0, 300, 600, 900; every node 54 high at y = 0.
 */
function workflow() {
  const store = createEditorStore({ nodes: [], edges: [] }, { types });
  const at = (x: number) => ({ position: { x, y: 0 }, connectFrom: null });
  const start = store.getState().addNode('trigger.manual', at(0));
  const check = store.getState().addNode('condition.if', at(300));
  const note = store.getState().addNode('transform.set', at(600));
  const join = store.getState().addNode('flow.merge', at(900));
  store.getState().connect({ source: start, sourcePort: 'main', target: check });
  store.getState().connect({ source: check, sourcePort: 'true', target: note });
  store.getState().connect({ source: note, sourcePort: 'main', target: join });
  return { store, start, check, note, join };
}

/** A drag from a node's output port (or input, `from: 'target'`) onto another node's handle or body. */
const ends = (
  fromId: string,
  port: string | null,
  toId: string | null,
  {
    from = 'source',
    pointer = { x: 0, y: 0 },
  }: { from?: 'source' | 'target'; pointer?: { x: number; y: number } } = {},
) =>
  ({
    fromNode: { id: fromId },
    fromHandle: { type: from, id: port },
    toNode: toId ? { id: toId } : null,
    toHandle: toId ? { id: from === 'source' ? null : port } : null,
    pointer,
  }) as never;

describe('refusal: why the edge being drawn would be refused', () => {
  it('names the loop an edge back upstream would make', () => {
    const { store, check, note } = workflow();
    expect(refusal(store, ends(note, 'main', check), identity)).toBe(
      'Connecting "Set fields" back to "If" makes a loop; workflows must not loop',
    );
  });

  it('refuses a node joined to itself, a second input, and a duplicate, each in words', () => {
    const { store, start, check, note } = workflow();
    expect(refusal(store, ends(note, 'main', note), identity)).toBe('"Set fields" cannot be connected to itself');
    expect(refusal(store, ends(start, 'main', note), identity)).toBe(
      '"Set fields" cannot have several inbound connections; only a Merge node joins branches',
    );
    expect(refusal(store, ends(check, 'true', note), identity)).toBe('"If" → "Set fields" is already connected');
  });

  it('finds a trigger under the pointer, though it has no input handle to snap to', () => {
    const { store, note } = workflow();
    // The pointer in container pixels over the trigger's body, with the canvas panned by (100, 50).
    const over = ends(note, 'main', null, { pointer: { x: 150, y: 70 } });
    expect(refusal(store, over, [100, 50, 1])).toBe(
      '"Manual trigger" is a trigger and cannot have inbound connections',
    );
    expect(refusal(store, ends(note, 'main', null, { pointer: { x: 150, y: 400 } }), [100, 50, 1])).toBeUndefined();
  });

  it('reads a drag that starts at an input the other way round, and says nothing of an allowed edge', () => {
    const { store, check, note, join } = workflow();
    // From If's input back onto Set fields' output: Set fields → If, a loop.
    expect(refusal(store, ends(check, 'main', note, { from: 'target' }), identity)).toMatch(/makes a loop/);
    // A Merge takes several inputs.
    expect(refusal(store, ends(check, 'false', join), identity)).toBeUndefined();
  });
});
