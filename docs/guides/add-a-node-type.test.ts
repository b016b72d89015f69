import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_AFFORDANCES, NODE_ICONS } from '../../nodes/appearance.ts';
import { catalogue, findNodeType } from '../../nodes/catalogue.ts';
import { testContext } from '../../nodes/testing/context.ts';
import formatDateNode from '../../nodes/transforms/format-date.node.ts';
import { validateGraph } from '../../server/core/validate.ts';
import { testApi } from '../../server/testing/api.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const guide = read('docs/guides/add-a-node-type.md');

/** The guide's example, built and run as the guide shows it. */
describe('guide: add a node type', () => {
  const api = testApi();
  afterAll(() => api.cleanup());

  it('shows the example file exactly as it is, and the catalogue line it takes', () => {
    const file = 'nodes/transforms/format-date.node.ts';
    expect(guide).toContain(`\`\`\`ts\n${read(file)}\`\`\``);
    const catalogueFile = read('nodes/catalogue.ts');
    expect(catalogueFile).toContain("import formatDateNode from './transforms/format-date.node.ts';");
    expect(catalogueFile).toContain('  formatDateNode,\n');
    expect(guide).toContain("```ts\nimport formatDateNode from './transforms/format-date.node.ts';\n```");
    expect(findNodeType('transform.formatDate')).toBe(formatDateNode);
  });

  it('lists every icon name and affordance the editor knows', () => {
    for (const name of NODE_ICONS) expect(guide, name).toContain(`\`${name}\``);
    for (const affordance of NODE_AFFORDANCES) expect(guide, affordance).toContain(`\`${affordance}\``);
  });

  it('validates a graph that uses it, naming a bad field', () => {
    /*  start ──→ Placed on   (its value reads steps.start's payload) */
    const graph = (config: Record<string, unknown>) => ({
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'start', position: { x: 0, y: 0 }, config: {} },
        { id: 'placed', type: 'transform.formatDate', name: 'Placed on', position: { x: 300, y: 0 }, config },
      ],
      edges: [{ id: 'e1', source: 'start', sourcePort: 'main', target: 'placed' }],
    });
    expect(validateGraph(graph({ value: '{{ steps.start.output.createdAt }}' }))).toEqual([]);
    const problems = validateGraph(graph({ value: '{{ input.createdAt }}', timeZone: 'Europe/Pariss' }));
    expect(problems.map((problem) => [problem.code, problem.field])).toEqual([['invalid_config', 'config.timeZone']]);
  });

  it('runs through the node testing context', async () => {
    const config = formatDateNode.config.parse({ value: '2026-03-01T08:30:00Z', format: 'date', locale: 'de-DE' });
    const result = await formatDateNode.execute({ config, input: { id: 7 }, ctx: testContext() });
    expect(result.output).toEqual({ id: 7, formattedDate: '1. März 2026' });
  });

  it('is served by GET /node-types with what the editor draws it by', async () => {
    const answer = await api.call('GET', '/api/v1/node-types');
    expect(answer.status).toBe(200);
    const served = answer.body.items.find((item: { type: string }) => item.type === 'transform.formatDate');
    expect(served).toMatchObject({
      kind: 'transform',
      title: 'Format date',
      icon: { name: 'calendar' },
      accent: formatDateNode.accent,
      version: 1,
      outputs: ['main'],
      docs: formatDateNode.docs,
    });
    expect(served.configSchema.required).toEqual(['value']);
    expect(served.configSchema.properties.format.enum).toEqual(['dateTime', 'date', 'time', 'iso', 'unixSeconds']);
    // In palette order, where the catalogue line put it.
    const types = answer.body.items.map((item: { type: string }) => item.type);
    expect(types).toEqual(catalogue.map((definition) => definition.type));
  });
});
