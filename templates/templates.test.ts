import { describe, expect, it } from 'vitest';
import { nodeSettingsOf } from '../server/core/graph/settings.ts';
import { templates } from './catalogue.ts';
import { TEMPLATE_CATEGORIES, type Template } from './define.ts';
import { templateProblems } from './testing/check.ts';

/*
 * Every bundled template is a graph a user gets as a new workflow's draft: it must be one that
 * "Save version" accepts as soon as the user picks the credentials it names, and nothing else
 * (templateProblems, testing/check.ts, says what is checked).
 */

describe('the bundled templates', () => {
  it.each(templates.map((template) => [template.slug, template] as const))(
    '%s: valid as a saved version, but for the credentials it leaves empty and names',
    (_, template) => {
      expect(templateProblems(template)).toEqual([]);
    },
  );

  it('are at least twelve, each with its own slug and title, filling every category of the gallery', () => {
    expect(templates.length).toBeGreaterThanOrEqual(12);
    expect(new Set(templates.map((template) => template.slug)).size).toBe(templates.length);
    expect(new Set(templates.map((template) => template.title)).size).toBe(templates.length);
    expect(new Set(templates.map((template) => template.category))).toEqual(new Set(TEMPLATE_CATEGORIES));
  });

  it('cover every trigger, loops, list nodes, error paths, approvals, HTTP, email and CSV', () => {
    const nodes = templates.flatMap((template) => template.graph.nodes);
    const types = new Set(nodes.map((node) => node.type));
    for (const type of [
      'trigger.manual',
      'trigger.schedule',
      'trigger.webhook',
      'trigger.error',
      'flow.loop',
      'transform.filter',
      'transform.sort',
      'transform.aggregate',
      'transform.dedupe',
      'flow.stop',
      'action.http',
      'action.email',
      'transform.csvParse',
    ]) {
      expect(types, type).toContain(type);
    }
    expect(nodes.some((node) => nodeSettingsOf(node).onError === 'error-port')).toBe(true);
    expect(nodes.some((node) => node.type === 'flow.wait' && node.config.mode === 'approval')).toBe(true);
    expect(nodes.some((node) => node.type === 'trigger.schedule' && node.config.timezone !== 'UTC')).toBe(true);
    // The acceptance journey's template: a CSV from a webhook, a loop over its rows, an email.
    const csv = templates.find((template) => template.slug === 'csv-upload-summary');
    expect(csv?.graph.nodes.map((node) => node.type)).toEqual(
      expect.arrayContaining(['trigger.webhook', 'transform.csvParse', 'flow.loop', 'action.email']),
    );
  });

  it('start at their trigger, drawn left to right, with names short enough for a canvas node', () => {
    for (const template of templates) {
      const [trigger] = template.graph.nodes;
      expect(trigger?.type.startsWith('trigger.'), template.slug).toBe(true);
      const topLevel = template.graph.nodes.filter((node) => node.parentId === undefined);
      expect(
        topLevel.every((node) => node.position.x >= (trigger?.position.x ?? 0)),
        template.slug,
      ).toBe(true);
      for (const node of template.graph.nodes) expect(node.name.length, node.name).toBeLessThanOrEqual(24);
    }
  });
});

describe('the template check', () => {
  const sync = templates.find((template) => template.slug === 'sync-new-orders') as Template;
  const csv = templates.find((template) => template.slug === 'csv-upload-summary') as Template;
  const withNode = (template: Template, id: string, change: (config: Record<string, unknown>) => object) => ({
    ...template,
    graph: {
      ...template.graph,
      nodes: template.graph.nodes.map((node) =>
        node.id === id ? { ...node, config: { ...change(node.config) } } : node,
      ),
    },
  });

  it('refuses a credential id baked in, and a required credential the template does not name', () => {
    const baked = withNode(sync, 'upsert', (config) => ({ ...config, credentialId: 'c0ffee' }));
    expect(templateProblems(baked)).toEqual([
      'Upsert in CRM: config.credentialId holds a credential; leave it for the user',
    ]);
    const unnamed = { ...csv, credentials: [] };
    expect(templateProblems(unnamed)).toContain(
      "Email summary: config.credentialId is required: name it in the template's credentials",
    );
  });

  it('reports what a saved version would refuse, naming the node and field', () => {
    const broken = withNode(sync, 'summary', () => ({ fields: [{ path: 'n', value: '{{ steps.Nope.output }}' }] }));
    expect(templateProblems(broken)).toEqual([
      'unknown_step_reference: Summary: config.fields.0.value: there is no node named "Nope" (config.fields.0.value)',
    ]);
    const email = withNode(csv, 'send', (config) => ({ ...config, subject: undefined, text: 'Hi {{ input. }}' }));
    expect(templateProblems(email)).toEqual([
      expect.stringMatching(/Email summary: .*config\.subject/),
      expect.stringMatching(/Email summary: .*config\.text/),
    ]);
  });
});
