import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { iconProblem, NODE_AFFORDANCES } from './appearance.ts';
import { catalogue, findNodeType } from './catalogue.ts';

// One small valid config per node type; a new node type without one fails the first test here.
const examples: Record<string, unknown> = {
  'trigger.manual': {},
  'trigger.schedule': { cron: '0 9 * * 1-5' },
  'trigger.webhook': { path: 'orders/new' },
  'trigger.error': {},
  'condition.if': { rules: [{ left: 'a', right: 'a' }] },
  'condition.switch': { value: 'a', cases: [{ port: 'a', value: 'a' }] },
  'transform.set': {},
  'transform.formatDate': { value: '{{ input.createdAt }}' },
  'transform.dateTime': { value: '{{ input.createdAt }}' },
  'transform.script': { code: 'return input' },
  'transform.filter': { rules: [{ field: 'status', value: 'paid' }] },
  'transform.sort': { keys: [{ field: 'total' }] },
  'transform.dedupe': {},
  'transform.aggregate': {},
  'transform.splitOut': {},
  'transform.limit': {},
  'transform.mergeByKey': { right: '{{ steps.Customers.output }}' },
  'transform.csvParse': {},
  'transform.csvBuild': {},
  'transform.xmlToJson': {},
  'transform.jsonToXml': {},
  'transform.crypto': { value: '{{ input.email }}' },
  'action.http': { url: 'https://example.com' },
  'action.email': { credentialId: 'cred-1', to: 'ada@example.com', subject: 'Hi', text: 'Hello' },
  'action.postgres': {
    credentialId: 'cred-1',
    query: 'select * from orders where id = $1',
    parameters: ['{{ input.id }}'],
  },
  'action.respond': {},
  'flow.delay': { amount: 1 },
  'flow.loop': { items: '{{ input.orders }}' },
  'flow.wait': { mode: 'duration', amount: 5, unit: 'seconds' },
  'flow.merge': {},
  'flow.subworkflow': { workflowId: 'wf-1' },
  'flow.stop': { message: 'Order {{ input.id }} has no customer' },
};

describe('catalogue', () => {
  it('lists each type once', () => {
    const types = catalogue.map((definition) => definition.type);
    expect(new Set(types).size).toBe(types.length);
    expect([...types].sort()).toEqual(Object.keys(examples).sort());
  });

  it('findNodeType finds every type, and nothing else', () => {
    for (const definition of catalogue) expect(findNodeType(definition.type)).toBe(definition);
    expect(findNodeType('action.ftp')).toBeUndefined();
    expect(findNodeType('toString')).toBeUndefined();
  });

  it('names each type after its kind, so the triggers are exactly the `trigger.*` types', () => {
    for (const definition of catalogue) expect(definition.type.split('.')[0], definition.type).toBe(definition.kind);
  });

  it('has the triggers the server starts runs from by name', () => {
    const triggers = catalogue
      .filter((definition) => definition.kind === 'trigger')
      .map((definition) => definition.type);
    // The starter graph, the scheduler and the webhook route each look for one of these.
    expect(triggers).toEqual(expect.arrayContaining(['trigger.manual', 'trigger.schedule', 'trigger.webhook']));
  });

  it.each(catalogue.map((definition) => [definition.type, definition] as const))(
    '%s converts its config to a JSON Schema object for the form',
    (_type, definition) => {
      const schema = z.toJSONSchema(definition.config, { io: 'input', unrepresentable: 'any' });
      expect(schema.type).toBe('object');
      expect(schema.properties).toBeTypeOf('object');
    },
  );

  it.each(catalogue.map((definition) => [definition.type, definition] as const))(
    '%s accepts a small valid config and refuses unknown keys',
    (type, definition) => {
      expect(definition.config.safeParse(examples[type]).success).toBe(true);
      const withExtra = definition.config.safeParse({ ...(examples[type] as object), unexpected: 1 });
      expect(withExtra.error?.issues.map((issue) => issue.code)).toEqual(['unrecognized_keys']);
    },
  );

  it('describes every type for the palette and gives it at least one output', () => {
    for (const definition of catalogue) {
      expect(definition.title, definition.type).not.toBe('');
      expect(definition.description, definition.type).not.toBe('');
      expect(definition.icon, definition.type).toMatch(/^[a-z0-9-]+$/);
      expect(definition.outputs.length, definition.type).toBeGreaterThan(0);
      expect(definition.retry.maxAttempts, definition.type).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives every type what the editor draws it by: an icon it can show, an accent, a version, docs', () => {
    for (const definition of catalogue) {
      expect(iconProblem(definition.icon), definition.type).toBeUndefined();
      expect(definition.accent, definition.type).toMatch(/^#[0-9a-f]{6}$/i);
      expect(Number.isInteger(definition.version) && definition.version >= 1, definition.type).toBe(true);
      expect(definition.docs.length, definition.type).toBeGreaterThan(definition.description.length);
      for (const affordance of definition.affordances) expect(NODE_AFFORDANCES).toContain(affordance);
    }
  });

  it('names, in outputsFrom, a list of its config whose items hold that field', () => {
    const declaring = catalogue.filter((definition) => definition.outputsFrom);
    expect(declaring.map((definition) => definition.type)).toContain('condition.switch');
    for (const definition of declaring) {
      const { list, field } = definition.outputsFrom as { list: string; field: string };
      const schema = z.toJSONSchema(definition.config, { io: 'input', unrepresentable: 'any' });
      const items = (schema.properties?.[list] as { type?: string; items?: { properties?: object } } | undefined)
        ?.items;
      expect(items?.properties, `${definition.type}: config.${list}[].${field}`).toHaveProperty(field);
    }
  });

  it('offers the webhook address only on the webhook trigger, whose config has the fields it reads', () => {
    const offering = catalogue.filter((definition) => definition.affordances.includes('webhook-url'));
    expect(offering.map((definition) => definition.type)).toEqual(['trigger.webhook']);
    const parsed = findNodeType('trigger.webhook').config.parse({ path: 'orders' });
    expect(Object.keys(parsed).sort()).toEqual(['method', 'path', 'respond', 'timeoutMs']);
  });

  it('lets only merge accept many inputs', () => {
    expect(catalogue.filter((definition) => definition.acceptsManyInputs).map((definition) => definition.type)).toEqual(
      ['flow.merge'],
    );
  });

  it('asks the form only for the fields without defaults', () => {
    const http = findNodeType('action.http');
    const schema = http && z.toJSONSchema(http.config, { io: 'input', unrepresentable: 'any' });
    expect(schema?.required).toEqual(['url']);
    expect(schema?.properties?.method).toMatchObject({ default: 'GET' });
  });
});
