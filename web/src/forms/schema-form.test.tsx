// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalogue, findNodeType } from '../../../nodes/catalogue.ts';
import { validateGraph } from '../../../server/core/validate.ts';
import { problemsByField } from '../editor/config-panel.tsx';
import { expressionPaths, stepReference } from './completions.ts';
import { fieldKind, initialValue, type JsonSchema, labelFor } from './schema.ts';
import { type ProblemsByField, SchemaForm } from './schema-form.tsx';

/** The form renderer on the real catalogue's schemas, as the server publishes them. */
const schemaOf = (type: string) =>
  z.toJSONSchema(findNodeType(type)?.config ?? z.object({}), { io: 'input', unrepresentable: 'any' }) as JsonSchema;

beforeAll(() => {
  // jsdom has no layout; CodeMirror only needs these to exist.
  const rect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) };
  Range.prototype.getClientRects = () =>
    ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as never;
  Range.prototype.getBoundingClientRect = () => rect as DOMRect;
});
afterEach(cleanup);

/** A form holding its own value, like the config panel does; `changes` records every config it produced. */
function Harness({
  type,
  initial,
  changes,
  problems,
}: {
  type: string;
  initial?: Record<string, unknown>;
  changes: Record<string, unknown>[];
  problems?: ProblemsByField;
}) {
  const schema = schemaOf(type);
  const [value, setValue] = useState(() => initial ?? (initialValue(schema, schema) as Record<string, unknown>));
  return (
    <SchemaForm
      schema={schema}
      value={value}
      problems={problems}
      onChange={(next) => {
        changes.push(next);
        setValue(next);
      }}
    />
  );
}

describe('schema form', () => {
  it('renders every node type of the catalogue', () => {
    for (const definition of catalogue) {
      const changes: Record<string, unknown>[] = [];
      const { container, unmount } = render(<Harness type={definition.type} changes={changes} />);
      expect(container.textContent, definition.type).not.toBe('');
      unmount();
    }
  });

  it('reads the shapes the catalogue uses', () => {
    const http = schemaOf('action.http');
    const props = http.properties as Record<string, JsonSchema>;
    expect(fieldKind(props.url as JsonSchema, http)).toBe('template');
    expect(fieldKind(props.method as JsonSchema, http)).toBe('enum');
    expect(fieldKind(props.headers as JsonSchema, http)).toBe('map');
    expect(fieldKind(props.body as JsonSchema, http)).toBe('json');
    expect(fieldKind(props.timeoutMs as JsonSchema, http)).toBe('integer');
    expect(fieldKind(props.failOnNon2xx as JsonSchema, http)).toBe('boolean');
    const script = schemaOf('transform.script');
    expect(fieldKind((script.properties as Record<string, JsonSchema>).code as JsonSchema, script)).toBe('code');
    expect(labelFor('timeoutMs')).toBe('Timeout (ms)');
    expect(labelFor('credentialId')).toBe('Credential ID');
  });

  it('starts configs that only miss what the user must type', () => {
    const initial = (type: string) => initialValue(schemaOf(type), schemaOf(type));
    expect(initial('transform.set')).toEqual({ fields: [], keepInput: true });
    expect(initial('condition.if')).toEqual({ combine: 'all', rules: [{ left: '', operator: 'equals' }] });
    expect(initial('flow.delay')).toEqual({ amount: 1, unit: 'minutes' });
    // A set node with defaults is valid as it is.
    expect(findNodeType('transform.set')?.config.safeParse(initial('transform.set')).success).toBe(true);
  });

  it('edits a list of objects: add a field, type its path, remove it', async () => {
    const user = userEvent.setup();
    const changes: Record<string, unknown>[] = [];
    render(<Harness type="transform.set" changes={changes} />);
    await user.click(screen.getByRole('button', { name: 'Add field' }));
    expect(changes.at(-1)).toEqual({ fields: [{ path: '', value: '' }], keepInput: true });
    await user.type(screen.getByLabelText(/^Path/), 'customer.email');
    expect(changes.at(-1)).toEqual({ fields: [{ path: 'customer.email', value: '' }], keepInput: true });
    expect(screen.getByRole('textbox', { name: 'Value' })).toBeTruthy(); // the expression editor
    await user.click(screen.getByRole('checkbox', { name: /Keep input/ }));
    expect(changes.at(-1)).toMatchObject({ keepInput: false });
    await user.click(screen.getByRole('button', { name: 'Remove field 1' }));
    expect(changes.at(-1)).toEqual({ fields: [], keepInput: false });
  });

  it('edits enums, numbers and key/value maps', async () => {
    const user = userEvent.setup();
    const changes: Record<string, unknown>[] = [];
    render(<Harness type="action.http" initial={{ url: 'https://example.com' }} changes={changes} />);
    await user.selectOptions(screen.getByLabelText('Method'), 'POST');
    expect(changes.at(-1)).toEqual({ url: 'https://example.com', method: 'POST' });
    const timeout = screen.getByLabelText('Timeout (ms)');
    fireEvent.change(timeout, { target: { value: '5000' } });
    expect(changes.at(-1)).toMatchObject({ timeoutMs: 5000 });
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByRole('textbox', { name: 'Headers name 1' }), 'x-token');
    expect(changes.at(-1)).toMatchObject({ headers: { 'x-token': '' } });
    // JSON body: passed on once it parses.
    fireEvent.change(screen.getByLabelText('Body'), { target: { value: '{"id": 1}' } });
    expect(changes.at(-1)).toMatchObject({ body: { id: 1 } });
  });

  it('shows each server problem next to the field it names', () => {
    const config = { rules: [{ left: '{{ input.total }}', operator: 'greaterThan' }] };
    const graph = {
      nodes: [
        { id: 't', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
        { id: 'check', type: 'condition.if', name: 'Check', position: { x: 0, y: 0 }, config },
      ],
      edges: [{ id: 'e', source: 't', sourcePort: 'main', target: 'check' }],
    };
    const problems = validateGraph(graph);
    expect(problems.map((problem) => problem.field)).toEqual(['config.rules.0.right']);
    const changes: Record<string, unknown>[] = [];
    const { container } = render(
      <Harness type="condition.if" initial={config} changes={changes} problems={problemsByField(problems, 'check')} />,
    );
    const field = container.querySelector('[data-field="config.rules.0.right"]') as HTMLElement;
    expect(within(field).getByRole('alert').textContent).toMatch(/needs a right-hand value/);
    expect(container.querySelectorAll('[role="alert"]')).toHaveLength(1);
  });
});

describe('expression completions', () => {
  it('offers input, trigger and step outputs with the paths of real data', () => {
    const paths = [
      ...expressionPaths({
        input: { customer: { email: 'a@b.c' } },
        trigger: { id: 7 },
        outputs: { Lookup: { status: 200, body: { items: [{ sku: 'x' }] } }, 'HTTP request 2': { ok: true } },
        upstream: ['Lookup', 'HTTP request 2', 'Never ran'],
      }).keys(),
    ];
    expect(paths).toEqual(
      expect.arrayContaining([
        'input',
        'input.customer.email',
        'trigger.id',
        'steps.Lookup.output.status',
        'steps.Lookup.output.body.items[0].sku',
        'steps["HTTP request 2"].output.ok',
        'steps["Never ran"].output',
      ]),
    );
    expect(stepReference('Lookup')).toBe('steps.Lookup');
  });
});
