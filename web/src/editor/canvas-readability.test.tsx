// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { type ComponentProps, useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../server/api/routes/node-types.ts';
import type { Graph } from '../api/types.ts';
import { nodeSubtitle } from '../canvas/node-subtitle.ts';
import { NodeTypes, NodeTypesContext } from '../canvas/node-types.ts';
import { WorkflowNode } from '../canvas/workflow-node.tsx';
import { CodeField } from '../forms/expression-field.tsx';
import { openingViewport } from './canvas.tsx';
import { MIN_FIT_ZOOM } from './fit.ts';
import { ShortcutsHelp } from './shortcuts-help.tsx';
import { panelStorageKey, SidePanel } from './side-panel.tsx';

/** Issue 15 item 5 and the script editor of item 6: a canvas a new user can read and make room on. */

afterEach(() => {
  cleanup();
  localStorage.clear();
});

beforeAll(() => {
  // jsdom has no layout; CodeMirror only needs these to exist.
  const rect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) };
  Range.prototype.getClientRects = () =>
    ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as never;
  Range.prototype.getBoundingClientRect = () => rect as DOMRect;
});

const types = new NodeTypes(catalogue.map(describeNodeType));

function drawNode(name: string, type: string) {
  // The node view reads only id, data and selected; React Flow passes the rest.
  const props = { id: 'n', data: { type, name, config: {} }, selected: false } as unknown as ComponentProps<
    typeof WorkflowNode
  >;
  return render(
    <ReactFlowProvider>
      <NodeTypesContext.Provider value={types}>
        <WorkflowNode {...props} />
      </NodeTypesContext.Provider>
    </ReactFlowProvider>,
  );
}

describe('a node’s subtitle', () => {
  it('is left out while the node has its type’s own name, shown once it is renamed', () => {
    expect(nodeSubtitle('HTTP request', 'HTTP request')).toBeUndefined();
    expect(nodeSubtitle('HTTP request 2', 'HTTP request')).toBeUndefined();
    expect(nodeSubtitle('Notify sales', 'HTTP request')).toBe('HTTP request');

    drawNode('HTTP request 2', 'action.http');
    expect(screen.getByTestId('node-HTTP request 2').textContent).toBe('HTTP request 2');
    cleanup();
    drawNode('Notify sales', 'action.http');
    expect(screen.getByTestId('node-Notify sales').textContent).toBe('Notify salesHTTP request');
  });
});

describe('where the canvas opens', () => {
  const chain = (count: number): Graph => ({
    nodes: Array.from({ length: count }, (_, index) => ({
      id: `n${index}`,
      type: index === 0 ? 'trigger.manual' : 'transform.set',
      name: `N${index}`,
      position: { x: index * 320, y: 0 },
      config: {},
    })),
    edges: [],
  });

  it('fits a graph that stays readable, else opens at the readable zoom on the trigger', () => {
    expect(openingViewport(chain(2), { width: 1000, height: 700 }, types)).toBe('fit');
    // Five nodes in a row on a laptop's canvas would fit only at about half size: not readable.
    const opened = openingViewport(chain(5), { width: 1000, height: 700 }, types);
    expect(opened).not.toBe('fit');
    expect(opened !== 'fit' && opened.zoom).toBe(MIN_FIT_ZOOM);
    expect(MIN_FIT_ZOOM).toBeGreaterThanOrEqual(0.8);
  });
});

function Help() {
  const [open, setOpen] = useState(false);
  return (
    <div>
      <ShortcutsHelp open={open} onToggle={() => setOpen((was) => !was)} />
      <button type="button">A node</button>
    </div>
  );
}

describe('the shortcuts popover', () => {
  it('opens from its button, closes on Escape and on a click outside, not on a click inside', () => {
    render(<Help />);
    const toggle = screen.getByRole('button', { name: 'Keyboard shortcuts' });
    fireEvent.click(toggle);
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    fireEvent.pointerDown(dialog);
    expect(screen.queryByRole('dialog')).not.toBeNull();

    let reachedPage = false;
    const listener = () => {
      reachedPage = true;
    };
    window.addEventListener('keydown', listener);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    window.removeEventListener('keydown', listener);
    expect(screen.queryByRole('dialog')).toBeNull();
    // Escape only closed the popover: the editor's own Escape (clear the selection) did not run.
    expect(reachedPage).toBe(false);

    fireEvent.click(toggle);
    expect(screen.queryByRole('dialog')).not.toBeNull();
    fireEvent.pointerDown(screen.getByRole('button', { name: 'A node' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('a collapsible side panel', () => {
  it('folds into a rail, unfolds, and is remembered in this browser', () => {
    const { unmount } = render(
      <SidePanel name="palette" side="left" title="node palette">
        <p>Palette body</p>
      </SidePanel>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Hide the node palette' }));
    expect(screen.queryByText('Palette body')).toBeNull();
    expect(localStorage.getItem(panelStorageKey('palette'))).toBe('1');
    unmount();

    // A later visit starts folded.
    render(
      <SidePanel name="palette" side="left" title="node palette">
        <p>Palette body</p>
      </SidePanel>,
    );
    expect(screen.queryByText('Palette body')).toBeNull();
    act(() => screen.getByRole('button', { name: 'Show the node palette' }).click());
    expect(screen.getByText('Palette body')).not.toBeNull();
    expect(localStorage.getItem(panelStorageKey('palette'))).toBeNull();
  });
});

describe('the script editor', () => {
  it('wraps long lines instead of scrolling sideways', () => {
    const { container } = render(<CodeField label="Code" value={`return "${'x'.repeat(300)}";`} onChange={() => {}} />);
    const content = container.querySelector('.cm-content');
    expect(content?.getAttribute('aria-label')).toBe('Code');
    expect(content?.classList.contains('cm-lineWrapping')).toBe(true);
  });
});
