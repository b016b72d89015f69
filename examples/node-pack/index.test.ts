import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPack, packSdk } from '../../server/testing/node-packs.ts';
import examplePack from './index.ts';

describe('the example pack', () => {
  it('passes the checks Stepwise runs when it loads a pack', () => {
    const pack = checkPack(examplePack(packSdk));
    expect(pack.nodes.map((node) => node.type)).toEqual(['transform.example.textCase', 'action.example.randomJoke']);
    expect(pack.credentials?.map((credential) => credential.type)).toEqual(['example.jokeApiKey']);
  });

  it('is the package its package.json describes: same version, its entry this file', () => {
    const manifest = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8'));
    expect(examplePack(packSdk).version).toBe(manifest.version);
    expect(manifest.exports).toBe('./index.ts');
  });
});
