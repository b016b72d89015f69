import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../../nodes/catalogue.ts';
import { describeNodeType } from '../../../../server/api/routes/node-types.ts';
import type { Graph } from '../../api/types.ts';
import { NodeTypes } from '../../canvas/node-types.ts';
import { webhookOf, webhookSnippets } from './webhook-snippets.ts';

/** The node types as GET /node-types serves them. */
const types = new NodeTypes(catalogue.map(describeNodeType));

const graph = (config: Record<string, unknown>): Graph => ({
  nodes: [{ id: 'hook', type: 'trigger.webhook', name: 'Hook', position: { x: 0, y: 0 }, config }],
  edges: [],
});

describe('webhook of a version', () => {
  it('is /hooks/<workflow id>/<path> on this origin, POST unless the trigger says otherwise', () => {
    expect(webhookOf(graph({ path: 'orders/new' }), 'wf-1', 'https://stepwise.example', types)).toEqual({
      url: 'https://stepwise.example/hooks/wf-1/orders/new',
      method: 'POST',
      signed: false,
      respond: 'immediately',
    });
    expect(
      webhookOf(graph({ path: 'x', method: 'PUT', secretCredentialId: 'c1' }), 'w', 'http://h', types)?.signed,
    ).toBe(true);
  });

  it('is absent for other triggers', () => {
    const manual: Graph = {
      nodes: [{ id: 's', type: 'trigger.manual', name: 'S', position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    };
    expect(webhookOf(manual, 'w', 'http://h', types)).toBeUndefined();
  });

  it('is found by the webhook-url affordance the node type offers, not by its type name', () => {
    const served = catalogue.map(describeNodeType);
    const hook = graph({ path: 'orders' });
    const withoutAffordance = new NodeTypes(served.map((type) => ({ ...type, affordances: [] })));
    expect(webhookOf(hook, 'w', 'http://h', withoutAffordance)).toBeUndefined();
    const elsewhere: Graph = { ...hook, nodes: hook.nodes.map((node) => ({ ...node, type: 'acme.inbox' })) };
    const webhook = served.find((type) => type.type === 'trigger.webhook') as (typeof served)[number];
    const acme = new NodeTypes([...served, { ...webhook, type: 'acme.inbox' }]);
    expect(webhookOf(elsewhere, 'w', 'http://h', acme)?.url).toBe('http://h/hooks/w/orders');
  });
});

describe('request snippets', () => {
  const hook = { url: 'http://h/hooks/w/orders', method: 'POST', signed: true, respond: 'immediately' };

  it('sign "<t>.<raw body>" with HMAC-SHA256 into X-Stepwise-Signature: t=…,v1=…', () => {
    const { curl, node } = webhookSnippets(hook);
    expect(curl).toContain(`printf '%s.%s' "$T" "$BODY" | openssl dgst -sha256 -hmac "$SECRET"`);
    expect(curl).toContain('X-Stepwise-Signature: t=$T,v1=$SIG');
    expect(node).toContain("createHmac('sha256', process.env.SECRET)");
    expect(node).toContain("'x-stepwise-signature'");
  });

  it('the Node snippet computes what the server checks', async () => {
    // Run the snippet's signing lines with a fake fetch and compare with the server's formula.
    const { node } = webhookSnippets(hook);
    const calls: Array<{ url: string; init: { headers: Record<string, string>; body: string } }> = [];
    const body = node.replace("import { createHmac } from 'node:crypto';", '');
    const run = new Function('createHmac', 'process', 'fetch', `return (async () => {${body}})();`);
    await run(createHmac, { env: { SECRET: 's3cret' } }, (url: string, init: never) => calls.push({ url, init }));
    const sent = calls[0];
    expect(sent?.url).toBe(hook.url);
    const header = sent?.init.headers['x-stepwise-signature'] as string;
    const t = header.match(/t=(\d+)/)?.[1];
    const expected = createHmac('sha256', 's3cret').update(`${t}.${sent?.init.body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${expected}`);
  });

  it('plain requests for hooks without a secret', () => {
    const { curl } = webhookSnippets({ ...hook, signed: false });
    expect(curl).not.toContain('Signature');
    expect(curl).toContain("curl -X POST 'http://h/hooks/w/orders'");
  });
});
