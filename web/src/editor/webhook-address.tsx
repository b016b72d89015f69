import { Lock } from 'lucide-react';
import { Link } from 'react-router';
import type { GraphNode } from '../api/types.ts';
import { usePublicUrl } from '../auth/session.tsx';
import { CopyField } from '../components/code-block.tsx';
import { webhookAt } from '../pages/versions/webhook-snippets.ts';
import { WebhookTest } from './webhook-test.tsx';

/**
 * For a webhook trigger: the URL it will answer at, as its config now reads, and when it starts
 * answering. Signing examples live on the versions page, next to the published version they call;
 * this only points there. Below it, listening for a test request (webhook-test.tsx).
 */
export function WebhookAddress({
  workflowId,
  node,
  flush,
}: {
  workflowId: string;
  node: GraphNode;
  flush: () => Promise<unknown>;
}) {
  const publicUrl = usePublicUrl();
  // The same reading of the config as the versions page's webhook panel, defaults included.
  const hook = webhookAt(node, workflowId, publicUrl);
  const path = (node.config as { path?: unknown }).path;
  const hasPath = typeof path === 'string' && path !== '';
  return (
    <section aria-label="Webhook address" className="mb-4 rounded-md bg-violet-50/60 p-3 ring-1 ring-violet-100">
      <div className="mb-1.5 flex items-center gap-2">
        <h3 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">Webhook URL</h3>
        <span
          className="rounded bg-white px-1.5 py-0.5 font-mono text-[11px] font-medium text-slate-700 ring-1 ring-slate-200"
          data-testid="webhook-method"
        >
          {hook.method}
        </span>
      </div>
      {hasPath ? (
        // In full, wrapped: the panel is narrow and the path, the part one sets here, is at the end.
        <CopyField value={hook.url} label="webhook URL" wrap />
      ) : (
        <p className="font-mono text-xs break-all text-slate-500">
          {hook.url}
          <span className="text-slate-400">&lt;path&gt;</span> (set a path below)
        </p>
      )}
      <p className="mt-2 text-xs leading-5 text-slate-600">
        It answers once a version with this trigger is published and the workflow is active.
      </p>
      {hook.signed && (
        <p className="mt-1.5 flex items-start gap-1.5 text-xs leading-5 text-amber-800">
          <Lock className="mt-1 size-3 shrink-0" aria-hidden />
          <span>
            Requests must be signed with the trigger’s secret: the{' '}
            <Link
              to={`/workflows/${workflowId}/versions`}
              className="font-medium text-accent-600 underline-offset-2 hover:underline"
            >
              Versions page
            </Link>{' '}
            shows how, with examples, once a version is published.
          </span>
        </p>
      )}
      <WebhookTest workflowId={workflowId} flush={flush} />
    </section>
  );
}
