import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode } from '../../../nodes/define.ts';
import { portsOf, readConfig } from './ports.ts';

const base = {
  type: 'test.echo',
  kind: 'transform',
  title: 'Echo',
  description: 'Passes its input on.',
  icon: 'repeat',
  config: z.strictObject({ label: z.string().default('x') }),
  async execute({ input }: { input: unknown }) {
    return { output: input };
  },
} as const;

const routed = defineNode({
  ...base,
  config: z.strictObject({ routes: z.array(z.strictObject({ to: z.string().min(1) })).min(1) }),
  outputsFrom: { list: 'routes', field: 'to' },
  outputs: ['other'],
});

describe('portsOf', () => {
  it('gives the declared outputs when the ports do not depend on config', () => {
    expect(portsOf(defineNode({ ...base, outputs: ['yes', 'no'] }), { label: 'x' })).toEqual(['yes', 'no']);
  });

  it('reads the ports the config names (outputsFrom), then the declared ones', () => {
    expect(portsOf(routed, { routes: [{ to: 'p' }, { to: 'q' }] })).toEqual(['p', 'q', 'other']);
  });

  it('reads a draft as it stands: no list, items without a name, a name given twice', () => {
    expect(portsOf(routed, {})).toEqual(['other']);
    expect(portsOf(routed, null)).toEqual(['other']);
    expect(portsOf(routed, { routes: 'p' })).toEqual(['other']);
    expect(portsOf(routed, { routes: [{ to: '' }, {}, 'x', { to: 3 }, { to: 'p' }] })).toEqual(['p', 'other']);
    expect(portsOf(routed, { routes: [{ to: 'p' }, { to: 'p' }, { to: 'other' }] })).toEqual(['p', 'other']);
  });

  it('works on the data GET /node-types serves, without the node’s code', () => {
    const served = JSON.parse(JSON.stringify({ outputs: routed.outputs, outputsFrom: routed.outputsFrom }));
    expect(portsOf(served, { routes: [{ to: 'p' }] })).toEqual(['p', 'other']);
  });
});

describe('readConfig', () => {
  it('with a schema (the server): reports its issues, and takes ports from the parsed config', () => {
    expect(readConfig(routed, { routes: [{ to: 'p' }] })).toEqual({
      issues: [],
      ports: ['p', 'other'],
      ownPorts: ['p', 'other'],
    });
    const invalid = readConfig(routed, { routes: [{ to: '' }] });
    expect(invalid.issues.map((issue) => issue.path)).toEqual([['routes', 0, 'to']]);
    // The config names the ports but does not parse: they are not guessed.
    expect(invalid.ports).toBeUndefined();
    const fixed = defineNode({ ...base, outputs: ['a', 'b'] });
    expect(readConfig(fixed, { label: 3 })).toMatchObject({ ports: ['a', 'b'] });
  });

  it('without one (the editor): no issues, ports from the config as it stands', () => {
    const { config: _schema, ...data } = routed;
    expect(readConfig(data, { routes: [{ to: '' }, { to: 'q' }] })).toEqual({
      issues: [],
      ports: ['q', 'other'],
      ownPorts: ['q', 'other'],
    });
  });

  it('adds the error port after the others when the node routes its errors there', () => {
    const settings = { onError: 'error-port' };
    expect(readConfig(routed, { routes: [{ to: 'p' }] }, settings)).toMatchObject({
      ports: ['p', 'other', 'error'],
      ownPorts: ['p', 'other'],
    });
    expect(readConfig(routed, { routes: [{ to: 'p' }] }, { onError: 'continue' }).ports).toEqual(['p', 'other']);
  });
});

describe('portsOf with node settings', () => {
  it('gains `error` only with onError "error-port", never twice, and not for settings that do not parse', () => {
    expect(portsOf(routed, { routes: [{ to: 'p' }] }, { onError: 'error-port' })).toEqual(['p', 'other', 'error']);
    expect(portsOf(routed, { routes: [{ to: 'error' }] }, { onError: 'error-port' })).toEqual(['error', 'other']);
    expect(portsOf(routed, {}, { onError: 'stop' })).toEqual(['other']);
    expect(portsOf(routed, {}, { onError: 'sometimes' })).toEqual(['other']);
    expect(portsOf(routed, {}, undefined)).toEqual(['other']);
  });
});
