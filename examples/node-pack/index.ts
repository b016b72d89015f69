import type { PackSdk } from '../../nodes/pack-sdk.ts';
import type { NodePack } from '../../nodes/packs.ts';
import jokeApiKey from './joke-api-key.credential.ts';
import randomJoke from './random-joke.node.ts';
import textCase from './text-case.node.ts';

/**
 * The example node pack (README.md): Stepwise calls this with its SDK at start and adds the types
 * it answers. Its imports from Stepwise's files are types only, erased when it runs.
 */
export default function examplePack(sdk: PackSdk): NodePack {
  return {
    name: 'example',
    version: '1.0.0',
    nodes: [textCase(sdk), randomJoke(sdk)],
    credentials: [jokeApiKey(sdk)],
  };
}
