import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { byNode, edge, node, testEngine } from '../testing/engine.ts';

/*
 * The Crypto node in real runs: digests and UUIDs from the worker's ctx.crypto, HMACs signed by the
 * signing-key capability through ctx.useCredential with a key stored encrypted, which neither the
 * node, its output nor the step's record ever hold.
 *
 *   Start ──▶ Digest (hash) ──▶ Signed (hmac) ──▶ Id (uuid)
 */

const KEY = 'partner-signing-key-0123456789';
let engine: Awaited<ReturnType<typeof testEngine>>;
let signingKeyId: string;
let webhookSecretId: string;

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  signingKeyId = (
    await engine.repos.credentials.insert(engine.masterKey, {
      name: 'Partner signing key',
      type: 'signing-key',
      secret: { secret: KEY },
    })
  ).id;
  webhookSecretId = (
    await engine.repos.credentials.insert(engine.masterKey, {
      name: 'Orders webhook secret',
      type: 'hmac',
      secret: { secret: 'the-webhook-secret-0123456789' },
    })
  ).id;
});
afterAll(async () => {
  await engine?.close();
});

const graph = (credentialId: string): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('digest', 'transform.crypto', 'Digest', { value: '{{ input.email.toLowerCase() }}', algorithm: 'md5' }),
    node('signed', 'transform.crypto', 'Signed', {
      operation: 'hmac',
      value: '{{ steps.Start.output }}',
      credentialId,
      encoding: 'base64',
    }),
    node('id', 'transform.crypto', 'Id', { operation: 'uuid', field: 'requestId' }),
  ],
  edges: [edge('start', 'digest'), edge('digest', 'signed'), edge('signed', 'id')],
});

describe('the Crypto node in a run', () => {
  it('hashes, signs with the stored key in the worker, and makes a UUID, the key never stored anywhere', async () => {
    const payload = { email: 'Ada@Example.com', total: 12 };
    const started = await engine.run(graph(signingKeyId), payload);
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('succeeded');
    const nodes = byNode(steps);
    const md5 = createHash('md5').update('ada@example.com').digest('hex');
    // The trigger's output as an HTTP body would send it: its JSON.
    const signature = createHmac('sha256', KEY).update(JSON.stringify(payload)).digest('base64');
    expect(nodes.digest?.output).toEqual({ ...payload, hash: md5 });
    expect(nodes.signed?.output).toEqual({ ...payload, hash: md5, signature });
    expect(nodes.id?.output).toEqual({
      ...payload,
      hash: md5,
      signature,
      requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    });
    // The step shows what was done, not with what.
    expect(nodes.signed?.request).toEqual({
      operation: 'signing-key.hmac',
      title: `HMAC-SHA256 of ${JSON.stringify(payload).length} bytes`,
      details: { algorithm: 'sha256', encoding: 'base64' },
    });
    expect(JSON.stringify(steps)).not.toContain(KEY);
  });

  it('refuses to sign with a webhook’s hmac secret, failing the step at once and naming the credential', async () => {
    const started = await engine.run(graph(webhookSecretId), { email: 'grace@example.com' });
    const { execution, steps } = await engine.finished(started.id);
    expect(execution.status).toBe('failed');
    expect(execution.error).toEqual({
      nodeId: 'signed',
      nodeName: 'Signed',
      message: 'credential "Orders webhook secret" is a hmac credential, which cannot do "signing-key.hmac"',
    });
    const signed = steps.filter((step) => step.nodeId === 'signed');
    expect(signed).toHaveLength(1);
    expect(signed[0]?.error).toMatchObject({ name: 'NonRetryableError', retryable: false });
  });
});
