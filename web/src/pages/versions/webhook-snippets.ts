import type { Graph, GraphNode } from '../../api/types.ts';
import type { NodeTypes } from '../../canvas/node-types.ts';

export interface WebhookTrigger {
  readonly url: string;
  readonly method: string;
  readonly signed: boolean;
  readonly respond: string;
}

/**
 * The webhook a graph listens on, if its trigger is one: a node whose type offers the
 * `webhook-url` affordance (the webhook trigger, or any node type that answers HTTP the same way).
 */
export function webhookOf(
  graph: Graph,
  workflowId: string,
  origin: string,
  types: NodeTypes,
): WebhookTrigger | undefined {
  const trigger = graph.nodes.find((node) => types.offers(node.type, 'webhook-url'));
  return trigger && webhookAt(trigger, workflowId, origin);
}

/**
 * Where a `webhook-url` node answers: `/hooks/<workflow id>/<path>` on this server. The affordance
 * promises the config fields read here; defaults mirror the webhook trigger's schema (POST, answer
 * immediately).
 */
export function webhookAt(trigger: GraphNode, workflowId: string, origin: string): WebhookTrigger {
  const config = trigger.config as { path?: string; method?: string; secretCredentialId?: string; respond?: string };
  return {
    url: `${origin}/hooks/${workflowId}/${config.path ?? ''}`,
    method: config.method ?? 'POST',
    signed: Boolean(config.secretCredentialId),
    respond: config.respond ?? 'immediately',
  };
}

const sampleBody = '{"hello":"world"}';

/**
 * Ready-to-run requests. Signed hooks want `X-Stepwise-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<raw body>">` with t within five minutes (server/api/signature.ts).
 */
export function webhookSnippets(hook: WebhookTrigger): { curl: string; node: string } {
  const hasBody = hook.method !== 'GET' && hook.method !== 'DELETE';
  if (!hook.signed) {
    return {
      curl: hasBody
        ? `curl -X ${hook.method} '${hook.url}' \\\n  -H 'Content-Type: application/json' \\\n  -d '${sampleBody}'`
        : `curl -X ${hook.method} '${hook.url}'`,
      node: hasBody
        ? `await fetch('${hook.url}', {\n  method: '${hook.method}',\n  headers: { 'content-type': 'application/json' },\n  body: JSON.stringify({ hello: 'world' }),\n});`
        : `await fetch('${hook.url}', { method: '${hook.method}' });`,
    };
  }
  const body = hasBody ? sampleBody : '';
  return {
    curl: [
      '# SECRET is the value of the HMAC credential the trigger names',
      `BODY='${body}'`,
      'T=$(date +%s)',
      `SIG=$(printf '%s.%s' "$T" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.* //')`,
      `curl -X ${hook.method} '${hook.url}' \\`,
      ...(hasBody ? [`  -H 'Content-Type: application/json' \\`] : []),
      `  -H "X-Stepwise-Signature: t=$T,v1=$SIG"${hasBody ? ' \\' : ''}`,
      ...(hasBody ? ['  -d "$BODY"'] : []),
    ].join('\n'),
    node: [
      "import { createHmac } from 'node:crypto';",
      '',
      `const body = ${hasBody ? "JSON.stringify({ hello: 'world' })" : "''"};`,
      'const t = Math.floor(Date.now() / 1000);',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this is the snippet's own template literal, shown as text
      "const v1 = createHmac('sha256', process.env.SECRET).update(`${t}.${body}`).digest('hex');",
      `await fetch('${hook.url}', {`,
      `  method: '${hook.method}',`,
      `  headers: { ${hasBody ? "'content-type': 'application/json', " : ''}'x-stepwise-signature': \`t=\${t},v1=\${v1}\` },`,
      ...(hasBody ? ['  body,'] : []),
      '});',
    ].join('\n'),
  };
}
