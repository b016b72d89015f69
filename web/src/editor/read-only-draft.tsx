import { ArrowLeft, Eye, History } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Draft, Workflow } from '../api/types.ts';
import { GraphCanvas } from '../canvas/graph-canvas.tsx';
import { NodeConfigPanel } from '../pages/versions/node-config-panel.tsx';

/**
 * The editor for a role that may not edit (an operator): the draft on a read-only canvas, saying
 * why, with the ways on that this role does have (versions, runs). Nothing here can autosave.
 */
export function ReadOnlyDraft({ workflow, draft }: { workflow: Workflow; draft: Draft }) {
  const [selected, setSelected] = useState<string | null>(null);
  const node = draft.graph.nodes.find((item) => item.id === selected);
  return (
    <div className="flex h-full flex-col bg-slate-50">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-3">
        <Link
          to="/workflows"
          aria-label="Back to workflows"
          className="flex size-8 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900"
        >
          <ArrowLeft className="size-4" />
        </Link>
        <img src="/favicon.svg" alt="" className="size-6" />
        <h1 className="truncate text-sm font-semibold text-slate-900">{workflow.name}</h1>
        <span className="inline-flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
          <Eye className="size-3.5" aria-hidden /> View only
        </span>
        <div className="ml-auto flex items-center gap-2">
          <Link
            to={`/workflows/${workflow.id}/versions`}
            className="inline-flex h-9 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            <History className="size-4" aria-hidden /> Versions
          </Link>
          <Link
            to={`/executions?workflowId=${workflow.id}`}
            className="inline-flex h-9 items-center rounded-md px-2.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            Executions
          </Link>
        </div>
      </header>
      <p role="status" className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-800">
        This is the working draft. Your role can inspect runs and roll back versions; editing needs the analyst or admin
        role. Click a node to read its settings.
      </p>
      <div className="flex min-h-0 flex-1">
        <div className="min-w-0 flex-1">
          <GraphCanvas graph={draft.graph} showMiniMap={false} onNodeClick={setSelected} selectedNodeId={selected} />
        </div>
        {node && <NodeConfigPanel node={node} onClose={() => setSelected(null)} />}
      </div>
    </div>
  );
}
