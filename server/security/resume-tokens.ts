import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StepRef } from '../../nodes/step.ts';
import type { MasterKey } from './master-key.ts';

/*
 * Resume URLs of `flow.wait` callback steps: `<public URL>/hooks/resume/<token>`. The token names
 * its step (execution, node, scope) and carries an HMAC-SHA256 of that under a key derived from
 * the master key, so it exists before the step runs (an earlier step can send it out), cannot be
 * guessed or altered, and nothing about it is stored. It works once and not after its expiry: the
 * step it names must still be `waiting` for a callback, which it is only once.
 */

const PURPOSE = 'stepwise resume urls v1';

/** The key resume tokens are signed with, derived from the master key for this one purpose. */
export function resumeKey(master: MasterKey): Buffer {
  return createHmac('sha256', master.key).update(PURPOSE).digest();
}

const named = (step: StepRef) => `${step.executionId}\n${step.nodeId}\n${step.scope}`;
const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(`resume\n${text}`).digest();

/** The token of a step's resume URL: the same every time for the same step. */
export function resumeToken(key: Buffer, step: StepRef): string {
  const text = named(step);
  return `${Buffer.from(text).toString('base64url')}.${mac(key, text).toString('base64url')}`;
}

/** The step a token names, when its signature holds; undefined for anything else. */
export function readResumeToken(key: Buffer, token: string): StepRef | undefined {
  const [body, signature, ...rest] = token.split('.');
  if (!body || !signature || rest.length > 0 || token.length > 1000) return undefined;
  const text = Buffer.from(body, 'base64url').toString('utf8');
  const expected = mac(key, text);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const [executionId, nodeId, scope, ...extra] = text.split('\n');
  if (!executionId || !nodeId || scope === undefined || extra.length > 0) return undefined;
  return { executionId, nodeId, scope };
}

/** A step's resume URL on `publicUrl` (no trailing slash). */
export const resumeUrl = (key: Buffer, publicUrl: string, step: StepRef) =>
  `${publicUrl}/hooks/resume/${resumeToken(key, step)}`;
