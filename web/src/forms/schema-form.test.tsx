// @vitest-environment jsdom

import { EditorView } from '@codemirror/view';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { catalogue, findNodeType } from '../../../nodes/catalogue.ts';
import { httpCredentialTypes } from '../../../nodes/credentials/catalogue.ts';
import { validateGraph } from '../../../server/core/validate.ts';
import { type TestApi, testApi } from '../../../server/testing/api.ts';
import { problemsByField } from '../editor/config-panel.tsx';
import { expressionPaths, stepReference } from './completions.ts';
import {
  credentialTypes,
  fieldKind,
  initialValue,
  type JsonSchema,
  labelFor,
  unionVariants,
  variantIndex,
} from './schema.ts';
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

/**
 * Credential fields ask the real API in process (`app.request`, a real SQLite file): the browser's
 * `fetch` is the one thing stood in for, forwarding as whoever `signedInAs` names and counting the
 * credential listings asked for. `gate`, while set, holds those answers back.
 */
let server: TestApi;
let signedInAs: 'analyst' | 'operator' | 'admin';
let listings: number;
let gate: Promise<void> | undefined;
let queries: QueryClient;
beforeEach(() => {
  server = testApi();
  signedInAs = 'analyst';
  listings = 0;
  gate = undefined;
  queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    if (url.startsWith('/api/v1/credential-choices')) {
      listings++;
      await gate;
    }
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${server.keys[signedInAs]}`);
    return server.app.request(url, { ...init, headers });
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  server.cleanup();
});

async function createCredential(name: string, type: string, secret: Record<string, string>): Promise<string> {
  const created = await server.call('POST', '/api/v1/credentials', { name, type, secret });
  expect(created.status).toBe(201);
  return created.body.id;
}

/** A form holding its own value, like the config panel does; `changes` records every config it produced. */
function Harness({
  type,
  schema: given,
  initial,
  changes,
  problems,
}: {
  type?: string;
  schema?: JsonSchema;
  initial?: Record<string, unknown>;
  changes: Record<string, unknown>[];
  problems?: ProblemsByField;
}) {
  const schema = given ?? schemaOf(type ?? '');
  const [value, setValue] = useState(() => initial ?? (initialValue(schema, schema) as Record<string, unknown>));
  return (
    <QueryClientProvider client={queries}>
      <SchemaForm
        schema={schema}
        value={value}
        problems={problems}
        onChange={(next) => {
          changes.push(next);
          setValue(next);
        }}
      />
    </QueryClientProvider>
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
    expect(fieldKind(props.credentialId as JsonSchema, http)).toBe('credential');
    expect(credentialTypes(props.credentialId as JsonSchema)).toEqual([...httpCredentialTypes]);
    expect(httpCredentialTypes).toEqual(expect.arrayContaining(['bearer', 'oauth2']));
    const webhook = schemaOf('trigger.webhook');
    const secret = (webhook.properties as Record<string, JsonSchema>).secretCredentialId as JsonSchema;
    expect(fieldKind(secret, webhook)).toBe('credential');
    expect(credentialTypes(secret)).toEqual(['hmac']);
    const script = schemaOf('transform.script');
    expect(fieldKind((script.properties as Record<string, JsonSchema>).code as JsonSchema, script)).toBe('code');
    const postgres = schemaOf('action.postgres');
    const postgresProps = postgres.properties as Record<string, JsonSchema>;
    expect(fieldKind(postgresProps.query as JsonSchema, postgres)).toBe('code');
    expect(fieldKind(postgresProps.parameters as JsonSchema, postgres)).toBe('list');
    expect(credentialTypes(postgresProps.credentialId as JsonSchema)).toEqual(['postgres']);
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
    await user.type(screen.getByRole('textbox', { name: /^Path/ }), 'customer.email');
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
    // JSON body (a code editor, json-template-field.tsx): passed on once it parses.
    const body = EditorView.findFromDOM(screen.getByLabelText('Body')) as EditorView;
    act(() => body.dispatch({ changes: { from: 0, to: body.state.doc.length, insert: '{"id": 1}' } }));
    expect(changes.at(-1)).toMatchObject({ body: { id: 1 } });
  });

  it('picks a credential by name among the types the field takes; None takes it off', async () => {
    const user = userEvent.setup();
    const billing = await createCredential('Billing API', 'bearer', { token: 'tok-billing' });
    await createCredential('Orders hook', 'hmac', { secret: 'a shared secret of 32 characters' });
    await createCredential('Partner key', 'header', { header: 'X-Key', value: 'v' });
    let release = () => {};
    gate = new Promise((resolve) => {
      release = resolve;
    });
    const changes: Record<string, unknown>[] = [];
    render(<Harness type="action.http" initial={{ url: 'https://example.com' }} changes={changes} />);
    const loading = screen.getByLabelText('Credential') as HTMLSelectElement;
    expect(loading.disabled).toBe(true);
    expect(loading.textContent).toBe('Loading credentials…');

    release();
    await screen.findByRole('option', { name: 'Billing API (bearer)' });
    const picker = screen.getByLabelText('Credential') as HTMLSelectElement;
    expect(picker.disabled).toBe(false);
    // The hmac credential signs webhooks: an HTTP node is not offered it.
    expect([...picker.options].map((option) => option.text)).toEqual([
      'None',
      'Billing API (bearer)',
      'Partner key (header)',
    ]);
    await user.selectOptions(picker, 'Billing API (bearer)');
    expect(changes.at(-1)).toEqual({ url: 'https://example.com', credentialId: billing });
    await user.selectOptions(picker, 'None');
    expect(changes.at(-1)).toEqual({ url: 'https://example.com' });
  });

  it('asks for the credentials once for every field and node', async () => {
    await createCredential('Orders hook', 'hmac', { secret: 'a shared secret of 32 characters' });
    render(
      <>
        <Harness type="action.http" initial={{ url: 'https://example.com' }} changes={[]} />
        <Harness type="trigger.webhook" initial={{ path: 'orders' }} changes={[]} />
      </>,
    );
    await screen.findByRole('option', { name: 'Orders hook (hmac)' });
    expect(screen.getByLabelText('Secret credential').textContent).toBe('NoneOrders hook (hmac)');
    expect(screen.getByText(`No ${httpCredentialTypes.join(', ')} credentials yet`, { exact: false })).toBeTruthy();
    expect(listings).toBe(1);
  });

  it('keeps a stored id whose credential is gone, and says so', async () => {
    const user = userEvent.setup();
    await createCredential('Billing API', 'bearer', { token: 'tok-billing' });
    const hook = await createCredential('Orders hook', 'hmac', { secret: 'a shared secret of 32 characters' });
    const gone = '01936f7e-0000-7000-8000-00000000abcd';
    const changes: Record<string, unknown>[] = [];
    const { unmount } = render(
      <Harness type="action.http" initial={{ url: 'https://example.com', credentialId: gone }} changes={changes} />,
    );
    const picker = (await screen.findByRole('option', { name: 'Billing API (bearer)' }))
      .parentElement as HTMLSelectElement;
    expect(picker.value).toBe(gone);
    expect(picker.selectedOptions[0]?.text).toBe('Unknown credential (0000abcd)');
    await user.selectOptions(screen.getByLabelText('Method'), 'POST');
    expect(changes.at(-1)).toEqual({ url: 'https://example.com', credentialId: gone, method: 'POST' });
    unmount();

    // One of another type is named, and marked as not fitting.
    render(<Harness type="action.http" initial={{ url: 'https://example.com', credentialId: hook }} changes={[]} />);
    await screen.findByRole('option', { name: 'Billing API (bearer)' });
    const other = screen.getByLabelText('Credential') as HTMLSelectElement;
    expect(other.selectedOptions[0]?.text).toBe('Orders hook (hmac: not a type this field takes)');
  });

  it('falls back to the id as text when the listing is refused or fails', async () => {
    const user = userEvent.setup();
    signedInAs = 'operator'; // may view, not edit: the listing answers 403
    const changes: Record<string, unknown>[] = [];
    const { unmount } = render(
      <Harness
        type="trigger.webhook"
        initial={{ path: 'orders', secretCredentialId: 'hook-secret' }}
        changes={changes}
      />,
    );
    const text = (await screen.findByRole('textbox', { name: 'Secret credential' })) as HTMLInputElement;
    expect(text.value).toBe('hook-secret');
    expect(screen.getByText(/Your role may not list credentials/)).toBeTruthy();
    await user.clear(text);
    expect(changes.at(-1)).toEqual({ path: 'orders' });
    unmount();

    signedInAs = 'analyst';
    queries.clear();
    vi.stubGlobal('fetch', async () => new Response('bad gateway', { status: 502 }));
    render(<Harness type="action.http" initial={{ url: 'https://example.com', credentialId: 'kept' }} changes={[]} />);
    expect(((await screen.findByRole('textbox', { name: 'Credential' })) as HTMLInputElement).value).toBe('kept');
    expect(screen.getByRole('button', { name: 'try again' })).toBeTruthy();
  });

  it('keeps the list it has when a refresh fails', async () => {
    await createCredential('Billing API', 'bearer', { token: 'tok-billing' });
    render(<Harness type="action.http" initial={{ url: 'https://example.com' }} changes={[]} />);
    await screen.findByRole('option', { name: 'Billing API (bearer)' });
    vi.stubGlobal('fetch', async () => new Response('bad gateway', { status: 502 }));
    await act(async () => {
      await queries.refetchQueries();
      // TanStack Query tells its observers on the next tick.
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    expect(queries.getQueryState(['credentials', 'choices'])?.status).toBe('error');
    expect(screen.getByRole('combobox', { name: 'Credential' })).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Credential' })).toBeNull();
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
      <Harness
        type="condition.if"
        initial={config}
        changes={changes}
        problems={problemsByField(problems, 'check', 'Check')}
      />,
    );
    const field = container.querySelector('[data-field="config.rules.0.right"]') as HTMLElement;
    // Under the field, without the node's name (the panel shows it) and in plain words.
    expect(within(field).getByRole('alert').textContent).toBe(
      'Right of rule 1 is needed with the operator "greater than"',
    );
    expect(container.querySelectorAll('[role="alert"]')).toHaveLength(1);
  });
});

/** A config with every kind of union a node may declare, as the server would publish it. */
const Auth = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('token'),
    token: z.string().min(1).describe('The token to send'),
    header: z.string().default('Authorization'),
  }),
  z.strictObject({ kind: z.literal('basic'), user: z.string().min(1), header: z.string().default('Authorization') }),
]);
const UnionConfig = z.strictObject({
  auth: Auth.default({ kind: 'none' }),
  target: z.union([
    z.strictObject({ url: z.string() }),
    z.strictObject({ path: z.string(), host: z.string().optional() }),
  ]),
  limit: z.union([z.number(), z.string()]).optional(),
  mode: z.union([z.literal('fast'), z.literal('careful')]).default('fast'),
});
const unionSchema = z.toJSONSchema(UnionConfig, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
const unionProperty = (key: string) => (unionSchema.properties as Record<string, JsonSchema>)[key] as JsonSchema;

describe('schema form: unions', () => {
  it('reads discriminated unions, plain unions and unions of constants; free JSON stays JSON', () => {
    expect(fieldKind(unionProperty('auth'), unionSchema)).toBe('union');
    expect(fieldKind(unionProperty('target'), unionSchema)).toBe('union');
    expect(fieldKind(unionProperty('limit'), unionSchema)).toBe('union');
    expect(fieldKind(unionProperty('mode'), unionSchema)).toBe('enum');
    expect(unionVariants(unionProperty('auth'), unionSchema).map((variant) => variant.label)).toEqual([
      'None',
      'Token',
      'Basic',
    ]);
    expect(unionVariants(unionProperty('target'), unionSchema).map((variant) => variant.label)).toEqual([
      'URL',
      'Path, host',
    ]);
    const target = unionVariants(unionProperty('target'), unionSchema);
    expect(variantIndex({ path: '/x' }, target, unionSchema)).toBe(1);
    expect(variantIndex({ url: 'u' }, target, unionSchema)).toBe(0);
    const http = schemaOf('action.http');
    expect(fieldKind((http.properties as Record<string, JsonSchema>).body as JsonSchema, http)).toBe('json');
  });

  it('picks the variant of a discriminated union, then shows only its fields; switching keeps shared ones', async () => {
    const user = userEvent.setup();
    const changes: Record<string, unknown>[] = [];
    render(<Harness schema={unionSchema} initial={{ target: { url: 'https://a.example' } }} changes={changes} />);
    const kinds = screen.getByRole('group', { name: 'Auth: kind' });
    expect(
      within(kinds)
        .getAllByRole('radio')
        .map((radio) => (radio as HTMLInputElement).labels?.[0]?.textContent),
    ).toEqual(['None', 'Token', 'Basic']);
    // No value yet: the default variant is the one shown chosen, and nothing of the others.
    expect(within(kinds).getByRole('radio', { name: 'None' })).toHaveProperty('checked', true);
    expect(screen.queryByRole('textbox', { name: /^Token/ })).toBeNull();

    await user.click(within(kinds).getByRole('radio', { name: 'Token' }));
    expect(changes.at(-1)).toEqual({
      target: { url: 'https://a.example' },
      auth: { kind: 'token', token: '', header: 'Authorization' },
    });
    expect(screen.queryByRole('textbox', { name: 'Kind' })).toBeNull(); // the tag is the picker, not a field
    await user.type(screen.getByRole('textbox', { name: /^Token/ }), 's3cret');
    fireEvent.change(screen.getByLabelText('Header'), { target: { value: 'X-Key' } });
    expect(UnionConfig.safeParse(changes.at(-1)).success).toBe(true);

    await user.click(within(kinds).getByRole('radio', { name: 'Basic' }));
    // The header both variants have is kept; the token, which Basic has not, is dropped.
    expect(changes.at(-1)).toEqual({
      target: { url: 'https://a.example' },
      auth: { kind: 'basic', user: '', header: 'X-Key' },
    });
    expect(screen.queryByRole('textbox', { name: /^Token/ })).toBeNull();
    await user.type(screen.getByRole('textbox', { name: /^User/ }), 'ada');
    expect(UnionConfig.parse(changes.at(-1))).toMatchObject({ auth: { kind: 'basic', user: 'ada', header: 'X-Key' } });
  });

  it('picks among unions without a tag by the value’s shape, and converts a scalar that fits', async () => {
    const user = userEvent.setup();
    const changes: Record<string, unknown>[] = [];
    render(<Harness schema={unionSchema} initial={{ target: { path: '/inbox' }, limit: 5 }} changes={changes} />);
    const target = screen.getByRole('group', { name: 'Target: kind' });
    expect(within(target).getByRole('radio', { name: 'Path, host' })).toHaveProperty('checked', true);
    expect((screen.getByRole('textbox', { name: /^Path/ }) as HTMLInputElement).value).toBe('/inbox');
    await user.click(within(target).getByRole('radio', { name: 'URL' }));
    expect(changes.at(-1)).toEqual({ target: { url: '' }, limit: 5 });

    const limit = screen.getByRole('group', { name: 'Limit: kind' });
    expect(within(limit).getByRole('radio', { name: 'Number' })).toHaveProperty('checked', true);
    await user.click(within(limit).getByRole('radio', { name: 'Text' }));
    expect(changes.at(-1)).toMatchObject({ limit: '' });
    await user.type(screen.getByRole('textbox', { name: '' }), '10 per minute');
    expect(changes.at(-1)).toMatchObject({ limit: '10 per minute' });
    // A union of constants is a plain menu.
    await user.selectOptions(screen.getByLabelText('Mode'), 'careful');
    expect(changes.at(-1)).toMatchObject({ mode: 'careful' });
  });

  it('shows a problem of a variant’s field under that field', () => {
    const problems: ProblemsByField = new Map([
      ['config.auth.token', ['Too small: expected string to have >=1 characters']],
    ]);
    const { container } = render(
      <Harness
        schema={unionSchema}
        initial={{ auth: { kind: 'token', token: '' }, target: { url: 'u' } }}
        changes={[]}
        problems={problems}
      />,
    );
    const field = container.querySelector('[data-field="config.auth.token"]') as HTMLElement;
    expect(within(field).getByRole('alert').textContent).toMatch(/Too small/);
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

describe('schema form: fields shown by a sibling’s value (showWhen)', () => {
  const shown = (container: HTMLElement) =>
    [...container.querySelectorAll('[data-field]')].map((field) => field.getAttribute('data-field'));

  it('shows a Wait’s fields for its mode only, and follows a change of mode', async () => {
    const changes: Record<string, unknown>[] = [];
    const { container } = render(
      <Harness type="flow.wait" initial={{ mode: 'approval', title: 'Refund?' }} changes={changes} />,
    );
    expect(shown(container)).toEqual([
      'config.mode',
      'config.timeout',
      'config.timeoutUnit',
      'config.role',
      'config.title',
      'config.message',
    ]);
    await userEvent.selectOptions(
      within(container.querySelector('[data-field="config.mode"]') as HTMLElement).getByRole('combobox'),
      'duration',
    );
    expect(shown(container)).toEqual(['config.mode', 'config.amount', 'config.unit']);
    // Hidden fields keep what they held: switching back finds the title again.
    expect(changes.at(-1)).toMatchObject({ mode: 'duration', title: 'Refund?' });
  });

  it('reads an unset sibling as its default: a new Wait (duration) shows the duration fields', () => {
    const { container } = render(<Harness type="flow.wait" initial={{}} changes={[]} />);
    expect(shown(container)).toEqual(['config.mode', 'config.amount', 'config.unit']);
  });

  it('shows a Date & time node’s fields for its operation, and a pattern only when writing by one', async () => {
    const { container } = render(
      <Harness type="transform.dateTime" initial={{ operation: 'add', value: 'now' }} changes={[]} />,
    );
    const common = ['config.operation', 'config.value', 'config.inputFormat', 'config.zone'];
    const tail = ['config.locale', 'config.field'];
    expect(shown(container)).toEqual([...common, 'config.amount', 'config.unit', 'config.outputFormat', ...tail]);
    const select = (field: string) =>
      within(container.querySelector(`[data-field="config.${field}"]`) as HTMLElement).getByRole('combobox');
    await userEvent.selectOptions(select('outputFormat'), 'pattern');
    expect(shown(container)).toContain('config.outputPattern');
    await userEvent.selectOptions(select('operation'), 'difference');
    expect(shown(container)).toEqual([...common, 'config.other', 'config.units', 'config.units.0', ...tail]);
  });

  it('shows an unset list as its default in effect: a difference in days', () => {
    const { container } = render(
      <Harness type="transform.dateTime" initial={{ operation: 'difference', value: 'now' }} changes={[]} />,
    );
    const units = container.querySelector('[data-field="config.units"]') as HTMLElement;
    expect(within(units).queryByText('No units yet.')).toBeNull();
    // The item is named by the list ("Unit 1"), not by its index.
    expect(within(units).getByRole('combobox', { name: 'Unit 1' })).toHaveProperty('value', 'days');
  });
});
