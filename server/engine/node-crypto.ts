import { createHash, randomUUID } from 'node:crypto';
import type { NodeCrypto } from '../../nodes/define.ts';

/** A step's `ctx.crypto`: digests and random ids with Node's crypto module, which nodes/ cannot import. */
export const nodeCrypto: NodeCrypto = {
  hash: (algorithm, text, encoding) => createHash(algorithm).update(text, 'utf8').digest(encoding),
  randomUUID: () => randomUUID(),
};
