import { Lock, Webhook } from 'lucide-react';
import { useState } from 'react';
import { useNodeTypes } from '../../api/queries/node-types.ts';
import type { Graph } from '../../api/types.ts';
import { usePublicUrl } from '../../auth/session.tsx';
import { CodeBlock, CopyField } from '../../components/code-block.tsx';
import { webhookOf, webhookSnippets } from './webhook-snippets.ts';

/** Where the published version's webhook listens and how to call it, signed when the trigger asks. */
export function WebhookPanel({ graph, workflowId, active }: { graph: Graph; workflowId: string; active: boolean }) {
  const [tab, setTab] = useState<'curl' | 'node'>('curl');
  const publicUrl = usePublicUrl();
  const types = useNodeTypes().data;
  const hook = types && webhookOf(graph, workflowId, publicUrl, types);
  if (!hook) return null;
  const snippets = webhookSnippets(hook);
  return (
    <section aria-labelledby="webhook-title" className="mb-6 rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <span className="flex size-7 items-center justify-center rounded-md bg-violet-100 text-violet-700">
          <Webhook className="size-4" aria-hidden />
        </span>
        <h2 id="webhook-title" className="text-sm font-semibold text-slate-900">
          Webhook
        </h2>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs font-medium text-slate-700">
          {hook.method}
        </span>
        {hook.signed && (
          <span className="inline-flex items-center gap-1 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-700">
            <Lock className="size-3" aria-hidden /> Signed requests only
          </span>
        )}
        {!active && <span className="text-xs text-slate-500">· answers 404 until the workflow is activated</span>}
      </div>
      <CopyField value={hook.url} label="webhook URL" />
      <p className="mt-3 text-sm text-slate-600">
        {hook.respond === 'lastNode'
          ? 'It waits for the run and answers with the output of its last step.'
          : 'It answers 202 with the execution id at once.'}{' '}
        {hook.signed ? (
          <>
            Each request must carry{' '}
            <code className="rounded bg-slate-100 px-1 text-xs">
              X-Stepwise-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;
            </code>
            , where <code className="rounded bg-slate-100 px-1 text-xs">v1</code> is the HMAC-SHA256 of{' '}
            <code className="rounded bg-slate-100 px-1 text-xs">"&lt;t&gt;.&lt;raw body&gt;"</code> under the trigger’s
            secret and <code className="rounded bg-slate-100 px-1 text-xs">t</code> is within five minutes of now.
          </>
        ) : (
          'Send the same Idempotency-Key header again within 24 hours and no second run starts.'
        )}
      </p>
      <div className="mt-3">
        <div className="mb-2 flex gap-1 text-xs" role="tablist" aria-label="Example request">
          {(['curl', 'node'] as const).map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              onClick={() => setTab(name)}
              className={`rounded px-2.5 py-1 font-medium ${tab === name ? 'bg-slate-900 text-white' : 'text-slate-600 hover:bg-slate-100'}`}
            >
              {name === 'curl' ? 'curl' : 'Node.js'}
            </button>
          ))}
        </div>
        <CodeBlock code={tab === 'curl' ? snippets.curl : snippets.node} label={`${tab} example`} />
      </div>
    </section>
  );
}
