import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addPackNodeTypes, catalogue, findNodeType, nodeTypes, packOfNodeType } from './catalogue.ts';
import {
  addPackCredentialTypes,
  credentialCatalogue,
  credentialTypes,
  findCredentialType,
  packOfCredentialType,
} from './credentials/catalogue.ts';
import { defineCredential } from './credentials/define.ts';
import { defineNode } from './define.ts';

/*
 * The catalogues joined by a pack's types (server/packs/ checks and adds them at start): found by
 * the same lookups as the built-ins, after them, with their pack; never replacing a known type.
 */

const pack = { name: 'demo', version: '0.3.1' };
const shout = defineNode({
  type: 'transform.demo.shout',
  kind: 'transform',
  title: 'Shout',
  description: 'Upper-cases the input.',
  icon: 'pencil-line',
  config: z.strictObject({}),
  async execute({ input }) {
    return { output: String(input).toUpperCase() };
  },
});
const token = defineCredential({
  type: 'demo.token',
  title: 'Demo token',
  description: 'A token.',
  secret: z.strictObject({ token: z.string() }),
  secretFields: ['token'],
  http: (secret) => ({ headers: { authorization: `Demo ${secret.token}` } }),
});

describe('a pack joining the catalogues', () => {
  it('adds its node and credential types after the built-ins, behind the same lookups, with its pack', () => {
    addPackNodeTypes(pack, [shout]);
    addPackCredentialTypes(pack, [token]);
    expect(findNodeType('transform.demo.shout')).toBe(shout);
    expect(nodeTypes()).toEqual([...catalogue, shout]);
    expect(packOfNodeType('transform.demo.shout')).toEqual(pack);
    expect(packOfNodeType('action.http')).toBeUndefined();
    expect(findCredentialType('demo.token')).toBe(token);
    expect(credentialTypes()).toEqual([...credentialCatalogue, token]);
    expect(packOfCredentialType('demo.token')).toEqual(pack);
    expect(packOfCredentialType('bearer')).toBeUndefined();
  });

  it('refuses a type already known, a built-in or a pack’s, and adds none of that pack', () => {
    const other = { name: 'other', version: '1.0.0' };
    const fresh = { ...shout, type: 'transform.other.fresh' };
    expect(() => addPackNodeTypes(other, [fresh, { ...shout, type: 'action.http' }])).toThrow(
      'node type "action.http" of pack other is already known',
    );
    expect(() => addPackNodeTypes(other, [shout])).toThrow(
      'node type "transform.demo.shout" of pack other is already known',
    );
    expect(() => addPackNodeTypes(other, [fresh, fresh])).toThrow(
      '"transform.other.fresh" of pack other is already known',
    );
    expect(findNodeType('transform.other.fresh')).toBeUndefined();
    expect(findNodeType('action.http')?.title).toBe('HTTP request');
    expect(() => addPackCredentialTypes(other, [{ ...token, type: 'bearer' }])).toThrow(
      'credential type "bearer" of pack other is already known',
    );
    expect(findCredentialType('bearer')?.title).not.toBe('Demo token');
  });
});
