import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../nodes/catalogue.ts';
import { apiRoutes } from './api/app.ts';
import { ConfigSchema } from './config.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README is the first thing people read; these keep it from drifting away from the code. */
describe('README', () => {
  it('documents every environment variable', () => {
    for (const name of Object.keys(ConfigSchema.shape)) expect(readme, name).toContain(`\`${name}\``);
  });

  it('lists every node type', () => {
    for (const definition of catalogue) expect(readme, definition.type).toContain(`\`${definition.type}\``);
  });

  it('mentions every API path', () => {
    for (const route of apiRoutes) expect(readme, route.path).toContain(`/api/v1${route.path}`);
  });
});
