import { describe, expect, it } from 'vitest';
import { issuePaths, testContext } from '../testing/context.ts';
import webhookTrigger from './webhook.node.ts';

describe('webhook trigger config', () => {
  it('fills POST, an immediate answer and a 30 s wait', () => {
    expect(webhookTrigger.config.parse({ path: 'orders/new' })).toEqual({
      path: 'orders/new',
      method: 'POST',
      respond: 'immediately',
      timeoutMs: 30_000,
    });
  });

  it('accepts URL paths', () => {
    for (const path of ['orders', 'orders/new', 'v1/orders.created', 'a-b_c~d/e']) {
      expect(issuePaths(webhookTrigger.config, { path }), path).toEqual([]);
    }
  });

  it('refuses paths with spaces, leading or trailing slashes, empty segments or odd characters', () => {
    for (const path of ['with space', '/orders', 'orders/', 'a//b', 'orders?x=1', '../up']) {
      expect(issuePaths(webhookTrigger.config, { path }), path).toEqual([['path']]);
    }
    // Empty is both too short and not a path; both issues point at path.
    expect(issuePaths(webhookTrigger.config, { path: '' })).toEqual([['path'], ['path']]);
  });

  it('refuses unknown methods, answer modes and waits out of range', () => {
    expect(issuePaths(webhookTrigger.config, { path: 'a', method: 'HEAD' })).toEqual([['method']]);
    expect(issuePaths(webhookTrigger.config, { path: 'a', respond: 'later' })).toEqual([['respond']]);
    expect(issuePaths(webhookTrigger.config, { path: 'a', timeoutMs: 120_001 })).toEqual([['timeoutMs']]);
    expect(issuePaths(webhookTrigger.config, { path: 'a', secretCredentialId: '' })).toEqual([['secretCredentialId']]);
  });
});

describe('webhook trigger execute', () => {
  it('passes the request on', async () => {
    const request = { method: 'POST', headers: {}, query: {}, body: { id: 1 } };
    const config = webhookTrigger.config.parse({ path: 'orders' });
    expect((await webhookTrigger.execute({ config, input: request, ctx: testContext() })).output).toBe(request);
  });
});
