import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableTemplates } from '../../server/api/routes/templates.ts';
import type { Template } from '../../templates/define.ts';
import { templateProblems } from '../../templates/testing/check.ts';

/*
 * The guide's example is built from the guide itself: its code block is written to a file (its
 * import pointed at templates/define.ts), imported, and checked as the bundled templates are.
 */

const guide = readFileSync(new URL('add-a-template.md', import.meta.url), 'utf8');
const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));

function codeBlock(firstLine: string): string {
  const block = [...guide.matchAll(/^```ts\n([\s\S]*?)^```/gm)]
    .map((match) => match[1] as string)
    .find((code) => code.startsWith(firstLine));
  if (!block) throw new Error(`the guide has no code block starting with ${firstLine}`);
  return block;
}

let dir: string;
let template: Template;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stepwise-guide-'));
  const source = codeBlock('// templates/flag-big-orders.template.ts').replace(
    /from '\.\/([^']+)'/g,
    (_, file: string) => `from '${pathToFileURL(join(templatesDir, file)).href}'`,
  );
  const file = join(dir, 'flag-big-orders.template.ts');
  writeFileSync(file, source);
  template = ((await import(file)) as { default: Template }).default;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the add-a-template guide', () => {
  it('builds a template that passes the check every bundled template passes', () => {
    expect(template.slug).toBe('flag-big-orders');
    expect(templateProblems(template)).toEqual([]);
    expect(availableTemplates([template])).toEqual([template]);
  });

  it('shows a check that names the node and field of a credential baked in', () => {
    const baked = {
      ...template,
      graph: {
        ...template.graph,
        nodes: template.graph.nodes.map((node) =>
          node.id === 'flag' ? { ...node, config: { ...node.config, credentialId: 'c0ffee' } } : node,
        ),
      },
    };
    expect(templateProblems(baked)).toEqual([
      'Flag for review: config.credentialId holds a credential; leave it for the user',
    ]);
  });
});
