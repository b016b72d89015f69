// @vitest-environment jsdom
import { currentCompletions, startCompletion } from '@codemirror/autocomplete';
import { EditorView } from '@codemirror/view';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExpressionScopeContext } from './expression-field.tsx';
import { JsonTemplateField } from './json-template-field.tsx';

afterEach(cleanup);

beforeAll(() => {
  // jsdom has no layout; CodeMirror only needs these to exist.
  const rect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) };
  Range.prototype.getClientRects = () =>
    ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as never;
  Range.prototype.getBoundingClientRect = () => rect as DOMRect;
});

function Body({ changes }: { changes: unknown[] }) {
  const [value, setValue] = useState<unknown>({ id: 1 });
  return (
    <ExpressionScopeContext.Provider
      value={{ input: { email: 'a@b.c' }, outputs: { Lookup: { total: 3 } }, upstream: ['Lookup'] }}
    >
      <JsonTemplateField
        label="Body"
        value={value}
        onChange={(next) => {
          changes.push(next);
          setValue(next);
        }}
      />
    </ExpressionScopeContext.Provider>
  );
}

const editorOf = (label: string) => EditorView.findFromDOM(screen.getByLabelText(label)) as EditorView;
const replace = (view: EditorView, text: string) =>
  act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }));

describe('the HTTP body editor (JSON with expressions)', () => {
  it('shows the value as pretty JSON, passes on what parses and says when it does not yet', () => {
    const changes: unknown[] = [];
    render(<Body changes={changes} />);
    const view = editorOf('Body');
    expect(view.state.doc.toString()).toBe('{\n  "id": 1\n}');
    replace(view, '{ "email": ');
    expect(screen.getByText('Not valid JSON yet')).toBeTruthy();
    expect(changes).toEqual([]);
    replace(view, '{ "email": "{{ input.email }}" }');
    expect(changes).toEqual([{ email: '{{ input.email }}' }]);
    expect(screen.queryByText('Not valid JSON yet')).toBeNull();
    // The text is kept as typed, not reformatted under the cursor.
    expect(view.state.doc.toString()).toBe('{ "email": "{{ input.email }}" }');
  });

  it('marks {{ }} inside strings, colours the JSON and completes paths inside an expression', async () => {
    render(<Body changes={[]} />);
    const view = editorOf('Body');
    replace(view, '{ "email": "{{ input.email }}", "total": "{{ ');
    const marked = [...document.querySelectorAll('.cm-expression')].map((element) => element.textContent);
    expect(marked).toEqual(['{{ input.email }}']);
    // JSON is highlighted as code (a string token), not shown as plain text.
    expect(document.querySelector('.cm-content span[class^="ͼ"]')).not.toBeNull();
    act(() => view.dispatch({ selection: { anchor: view.state.doc.length } }));
    act(() => {
      startCompletion(view);
    });
    await waitFor(() => expect(currentCompletions(view.state).length).toBeGreaterThan(0));
    const labels = currentCompletions(view.state).map((option) => option.label);
    expect(labels).toEqual(expect.arrayContaining(['input.email', 'steps.Lookup.output.total']));
  });
});
