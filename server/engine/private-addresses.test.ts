import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { edge, node, testEngine, testHttpServer } from '../testing/engine.ts';
import { isPrivateAddress, refusePrivateAddresses, refusingPrivateAddresses, sendHttp } from './http.ts';

describe('private and loopback addresses', () => {
  it('are told apart from public ones, IPv4 and IPv6, also IPv4 inside IPv6', () => {
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fd12:3456::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::7f00:1',
      'not-an-address',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700:4700::1111']) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });

  it('are refused by name too, after resolving it', async () => {
    await expect(refusePrivateAddresses(new URL('http://localhost:9/'))).rejects.toThrow(/private or loopback/);
    await expect(refusePrivateAddresses(new URL('http://[::1]:9/'))).rejects.toThrow(/\(::1\)/);
    await expect(refusePrivateAddresses(new URL('http://8.8.8.8/'))).resolves.toBeUndefined();
  });
});

describe('HTTP_REFUSE_PRIVATE_ADDRESSES in a worker', () => {
  let engine: Awaited<ReturnType<typeof testEngine>>;
  let local: Awaited<ReturnType<typeof testHttpServer>>;
  beforeAll(async () => {
    engine = await testEngine();
    await engine.startWorker({ sendHttp: refusingPrivateAddresses(sendHttp) });
    local = await testHttpServer();
  });
  afterAll(async () => {
    await local?.close();
    await engine?.close();
  });

  /**
   *   Start ──▶ Call (http to a service on 127.0.0.1)
   */
  it('fails a call to a loopback service at once, and nothing reaches it', async () => {
    const graph: Graph = {
      nodes: [node('start', 'trigger.manual', 'Start'), node('call', 'action.http', 'Call', { url: `${local.url}/x` })],
      edges: [edge('start', 'call')],
    };
    const { execution, steps } = await engine.finished((await engine.run(graph)).id);
    expect(execution.status).toBe('failed');
    expect(steps.filter((step) => step.nodeId === 'call')).toHaveLength(1);
    expect(JSON.stringify(execution.error)).toContain(
      `${local.url} is a private or loopback address (127.0.0.1), which HTTP_REFUSE_PRIVATE_ADDRESSES refuses`,
    );
    expect(local.requests).toHaveLength(0);
  });
});
