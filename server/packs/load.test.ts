import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findNodeType, nodeTypes, packOfNodeType } from '../../nodes/catalogue.ts';
import { findCredentialType } from '../../nodes/credentials/catalogue.ts';
import { loadNodePacks, NodePackError } from './load.ts';
import { exportedEntry, packEntryFile } from './resolve.ts';

const repository = resolve(import.meta.dirname, '../..');

/**
 * A temp directory standing for the one Stepwise runs in, with packs written into it as files: a
 * folder, or an npm package under node_modules (as `npm install` leaves one; no network).
 */
const base = mkdtempSync(join(tmpdir(), 'stepwise-packs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(base, dir, name, '..'), { recursive: true });
    writeFileSync(join(base, dir, name), text);
  }
}

/** A pack module's source: a function of the SDK answering a pack with one transform `<kind>.<name>.upper`. */
const packSource = (name: string, extra = '') => `
export default (sdk) => ({
  name: ${JSON.stringify(name)},
  version: '2.1.0',
  nodes: [
    sdk.defineNode({
      type: 'transform.${name}.upper',
      kind: 'transform',
      title: 'Upper',
      description: 'Upper-cases the input text.',
      icon: 'pencil-line',
      config: sdk.z.strictObject({}),
      async execute({ input }) {
        return { output: String(input).toUpperCase() };
      },
      ${extra}
    }),
  ],
});
`;

/** Loads one entry from `base`; the NodePackError's message, or the loaded pack. */
const messageOf = async (entry: string) => {
  const error = await loadNodePacks([entry], base).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(NodePackError);
  return (error as Error).message;
};

/**
 * A folder pack whose factory answers what `body` builds, with `sdk`, `node(sdk, overrides)` (a
 * well-made transform) and `key(sdk)` (a well-made credential type) in scope.
 */
function brokenPack(dir: string, body: string): string {
  write(dir, {
    'index.js': `
const node = (sdk, overrides = {}) => sdk.defineNode({
  type: 'transform.broken.thing', kind: 'transform', title: 'Thing', description: 'Does a thing.',
  icon: 'box', config: sdk.z.strictObject({}), async execute() { return { output: 1 }; }, ...overrides,
});
const key = (sdk) => sdk.defineCredential({
  type: 'broken.key', title: 'Key', description: 'A key.', secret: sdk.z.object({ key: sdk.z.string() }),
  secretFields: ['key'], http: (secret) => sdk.httpAuth.bearerToken(secret.key),
});
export default (sdk) => (${body});
`,
  });
  return `./${dir}`;
}

describe('finding a pack', () => {
  it('takes a folder path from the base directory, by its package.json entry', async () => {
    const [loaded] = await loadNodePacks(['./examples/node-pack'], repository);
    expect(loaded?.file).toBe(join(repository, 'examples/node-pack/index.ts'));
    expect(loaded?.pack).toMatchObject({ name: 'example', version: '1.0.0' });
    expect(loaded?.pack.nodes.map((node) => node.type)).toEqual([
      'transform.example.textCase',
      'action.example.randomJoke',
    ]);
  });

  it('takes an npm package installed in the base directory’s node_modules, scoped or not, by its exports', async () => {
    write('node_modules/stepwise-pack-shout', {
      'package.json': JSON.stringify({
        name: 'stepwise-pack-shout',
        type: 'module',
        exports: { '.': { import: './dist/main.js' } },
      }),
      'dist/main.js': packSource('shout'),
    });
    write('node_modules/@acme/stepwise-crm', {
      'package.json': JSON.stringify({ name: '@acme/stepwise-crm', type: 'module', main: 'lib.js' }),
      'lib.js': packSource('crm').replace('export default', 'export const pack ='),
    });
    const loaded = await loadNodePacks(['stepwise-pack-shout', '@acme/stepwise-crm'], base);
    expect(loaded.map(({ entry, file, pack }) => [entry, file, `${pack.name}@${pack.version}`])).toEqual([
      ['stepwise-pack-shout', join(base, 'node_modules/stepwise-pack-shout/dist/main.js'), 'shout@2.1.0'],
      ['@acme/stepwise-crm', join(base, 'node_modules/@acme/stepwise-crm/lib.js'), 'crm@2.1.0'],
    ]);
    // Built with the SDK's defineNode: defaults filled, and it runs.
    const [upper] = loaded[0]?.pack.nodes ?? [];
    expect(upper).toMatchObject({ accent: '#0369a1', version: 1, outputs: ['main'], pure: true });
    expect(await upper?.execute({ config: {}, input: 'hey', ctx: undefined as never })).toEqual({ output: 'HEY' });
  });

  it('takes a folder with index.js and no package.json, and a plain pack object', async () => {
    write('packs/plain', {
      'index.mjs': `export default { name: 'plain', version: '0.1.0', nodes: [] };`,
      'index.js': `
import { z } from '${import.meta.resolve('zod')}';
export default { name: 'plain', version: '0.1.0', nodes: [{
  type: 'flow.plain.pass', kind: 'flow', title: 'Pass', description: 'Passes.', docs: '', icon: 'box',
  accent: '#334155', version: 1, affordances: [], config: z.object({}), outputs: ['main'], acceptsManyInputs: false,
  pure: false, retry: { maxAttempts: 1, initialDelayMs: 0, factor: 1, maxDelayMs: 0, jitter: 0 }, errorSettings: true,
  async execute({ input }) { return { output: input }; },
}] };`,
    });
    const [loaded] = await loadNodePacks(['./packs/plain'], base);
    expect(loaded?.file).toBe(join(base, 'packs/plain/index.js'));
    expect(loaded?.pack.nodes.map((node) => node.type)).toEqual(['flow.plain.pass']);
  });

  it('reads package.json exports in the forms npm packages use', () => {
    expect(exportedEntry('./a.js')).toBe('./a.js');
    expect(exportedEntry({ '.': './b.js', './extra': './c.js' })).toBe('./b.js');
    expect(exportedEntry({ require: './x.cjs', import: './d.mjs' })).toBe('./d.mjs');
    expect(exportedEntry({ '.': { types: './t.d.ts', node: { import: './e.js' }, default: './f.js' } })).toBe('./e.js');
    expect(exportedEntry([{ require: './x.cjs' }, './g.js'])).toBe('./g.js');
    expect(exportedEntry({ require: './x.cjs' })).toBeUndefined();
    expect(packEntryFile('./examples/node-pack', repository)).toBe(join(repository, 'examples/node-pack/index.ts'));
  });

  it('says which entry was not found, and where it looked', async () => {
    expect(await messageOf('stepwise-pack-absent')).toBe(
      `Node pack "stepwise-pack-absent" (NODE_PACKS) was not found: no npm package "stepwise-pack-absent" is installed in ${base} (run npm install stepwise-pack-absent there)`,
    );
    expect(await messageOf('./packs/none')).toBe(
      `Node pack "./packs/none" (NODE_PACKS) was not found: ${join(base, 'packs/none')} is not a folder`,
    );
    write('packs/no-entry', { 'package.json': JSON.stringify({ name: 'x', main: 'gone.js' }) });
    expect(await messageOf('./packs/no-entry')).toContain('its package.json names gone.js as its entry');
    write('packs/empty', { 'README.md': 'nothing' });
    expect(await messageOf('./packs/empty')).toContain(
      'has no package.json entry ("exports" or "main") and no index.js',
    );
  });
});

describe('refusing a pack', () => {
  it('that throws on import, exports nothing, or throws while building its types', async () => {
    write('packs/throws', { 'index.js': `throw new Error('missing API_TOKEN');` });
    expect(await messageOf('./packs/throws')).toBe(
      `Node pack "./packs/throws" (NODE_PACKS) could not be imported from ${join(base, 'packs/throws/index.js')}: missing API_TOKEN`,
    );
    write('packs/nothing', { 'index.js': 'export const other = 1;' });
    expect(await messageOf('./packs/nothing')).toContain('exports no pack: ');
    const failing = brokenPack('packs/factory-throws', `(() => { throw new Error('bad sdk version'); })()`);
    expect(await messageOf(failing)).toBe(
      `Node pack "${failing}" (NODE_PACKS) failed while building its types: bad sdk version`,
    );
  });

  it('whose own fields are wrong, naming each', async () => {
    const entry = brokenPack('packs/fields', `{ name: 'Broken Pack', version: 'one', nodes: [] }`);
    expect(await messageOf(entry)).toBe(
      [
        `Node pack "${entry}" (NODE_PACKS) is not a valid pack (Broken Pack@one):`,
        '  - name: must be lower-case words joined by "-", e.g. text-tools (it is part of every type name)',
        '  - version: must be a version such as 1.0.0 (shown as name@version)',
        '  - nodes: a pack adds at least one node type',
      ].join('\n'),
    );
  });

  it('whose node types are not namespaced by it, or would replace a built-in', async () => {
    const entry = brokenPack(
      'packs/names',
      `{ name: 'broken', version: '1.0.0', nodes: [
        node(sdk, { type: 'transform.thing' }),
        node(sdk, { type: 'action.http', kind: 'action' }),
        node(sdk, { type: 'action.broken.thing' }),
        node(sdk, { type: 'transform.broken.thing' }),
        node(sdk, { type: 'transform.broken.thing' }),
      ] }`,
    );
    const message = await messageOf(entry);
    expect(message).toContain(
      'node type "transform.thing": must be named transform.broken.<name>, <name> being letters and digits (e.g. transform.broken.textCase)',
    );
    expect(message).toContain(
      'node type "action.http": is a built-in node type; a pack cannot replace it (name it action.broken.<name>)',
    );
    // Its kind says transform, its name says action: the kind comes first in every type name.
    expect(message).toContain('node type "action.broken.thing": must be named transform.broken.<name>');
    expect(message).not.toContain('given twice'); // said once the names themselves are right
    const twice = brokenPack(
      'packs/twice',
      `{ name: 'broken', version: '1.0.0', nodes: [node(sdk), node(sdk)], credentials: [key(sdk), key(sdk)] }`,
    );
    expect((await messageOf(twice)).split('\n')).toEqual([
      `Node pack "${twice}" (NODE_PACKS) is not a valid pack (broken@1.0.0):`,
      '  - node type "transform.broken.thing" is given twice',
      '  - credential type "broken.key" is given twice',
    ]);
  });

  it('whose nodes could not be drawn, checked or run: ports, icon, kind, config, execute', async () => {
    const entry = brokenPack(
      'packs/shapes',
      `{ name: 'broken', version: '1.0.0', nodes: [
        node(sdk, { type: 'trigger.broken.start', kind: 'trigger' }),
        node(sdk, { type: 'transform.broken.ports', outputs: ['ok', 'error'] }),
        node(sdk, { type: 'transform.broken.noPorts', outputs: [] }),
        node(sdk, { type: 'transform.broken.icon', icon: 'unicorn' }),
        node(sdk, { type: 'transform.broken.svg', icon: { svg: '<img src=x onerror=alert(1)>' } }),
        node(sdk, { type: 'transform.broken.text', config: sdk.z.string() }),
        node(sdk, { type: 'transform.broken.frame', affordances: ['loop-frame'] }),
        node(sdk, { type: 'transform.broken.run', execute: 'return 1' }),
        node(sdk, { type: 'transform.broken.switch', outputsFrom: { list: 'cases', field: 'port' } }),
        node(sdk, { type: 'transform.broken.key', config: sdk.z.object({ c: sdk.credentialRef(['ssh'], 'A key') }) }),
        { type: 'transform.broken.raw', kind: 'transform', execute() {} },
      ] }`,
    );
    const problems = (await messageOf(entry)).split('\n').slice(1);
    expect(problems).toEqual([
      `  - node type "trigger.broken.start": kind "trigger": a pack cannot add triggers (runs start only from Stepwise's own)`,
      '  - node type "transform.broken.ports": outputs.1: "error" is the error port every node may get from its settings',
      '  - node type "transform.broken.noPorts": outputs: a node has at least one output port',
      '  - node type "transform.broken.icon": icon: "unicorn" is not one of NODE_ICONS',
      '  - node type "transform.broken.svg": icon: an SVG icon is one <svg xmlns="http://www.w3.org/2000/svg"> document',
      '  - node type "transform.broken.text": config: must be an object schema (z.object or z.strictObject): the settings form shows its fields',
      `  - node type "transform.broken.frame": affordances: only Stepwise's own nodes have affordances (a webhook's address, a loop frame)`,
      '  - node type "transform.broken.run": execute: must be a function',
      '  - node type "transform.broken.switch": outputsFrom: the config has no list "cases" whose items have a field "port"',
      '  - node type "transform.broken.key": config.c: credential type "ssh" is neither built in nor this pack\'s',
      '  - node type "transform.broken.raw": is not made with sdk.defineNode(...)',
    ]);
  });

  it('whose credential types are not namespaced, have no HTTP use, or name no real secret field', async () => {
    const entry = brokenPack(
      'packs/credentials',
      `{ name: 'broken', version: '1.0.0', nodes: [node(sdk)], credentials: [
        sdk.defineCredential({ type: 'apiKey', title: 'Key', description: 'A key.', secret: sdk.z.object({ key: sdk.z.string() }),
          secretFields: ['key'], http: (s) => sdk.httpAuth.bearerToken(s.key) }),
        sdk.defineCredential({ type: 'bearer', title: 'Key', description: 'A key.', secret: sdk.z.object({ key: sdk.z.string() }),
          secretFields: ['key'], http: (s) => sdk.httpAuth.bearerToken(s.key) }),
        sdk.defineCredential({ type: 'broken.smtp', title: 'Mail', description: 'A server.', secret: sdk.z.object({ password: sdk.z.string() }),
          secretFields: ['password'] }),
        sdk.defineCredential({ type: 'broken.token', title: 'Token', description: 'A token.', secret: sdk.z.object({ token: sdk.z.string() }),
          secretFields: ['secret'], http: (s) => sdk.httpAuth.bearerToken(s.token) }),
      ] }`,
    );
    expect((await messageOf(entry)).split('\n').slice(1)).toEqual([
      '  - credential type "apiKey": must be named broken.<name>, <name> being letters and digits (e.g. broken.apiKey)',
      '  - credential type "bearer": is a built-in credential type; a pack cannot replace it (name it broken.<name>)',
      `  - credential type "broken.smtp": http: a pack's credential type must say how it authenticates an HTTP request (protocol types need server code)`,
      '  - credential type "broken.token": secretFields: "secret" is not a field of its secret',
    ]);
  });

  it('whose name another pack has, naming both entries and the types it would replace', async () => {
    write('packs/shout-copy', { 'index.js': packSource('shout') });
    const error = await loadNodePacks(['stepwise-pack-shout', './packs/shout-copy'], base).catch((thrown) => thrown);
    expect((error as Error).message).toBe(
      [
        'Node pack "./packs/shout-copy" (NODE_PACKS) (shout@2.1.0) cannot be added:',
        '  - a pack named "shout" is already loaded from "stepwise-pack-shout"',
        '  - node type "transform.shout.upper" is already added by pack shout ("stepwise-pack-shout"); a pack cannot replace it',
      ].join('\n'),
    );
  });

  it('leaves the catalogues as they were: loading adds nothing until installed', async () => {
    await loadNodePacks(['./examples/node-pack'], repository);
    expect(findNodeType('transform.example.textCase')).toBeUndefined();
    expect(packOfNodeType('transform.example.textCase')).toBeUndefined();
    expect(findCredentialType('example.jokeApiKey')).toBeUndefined();
    expect(nodeTypes().every((definition) => definition.type.split('.').length === 2)).toBe(true);
  });
});
