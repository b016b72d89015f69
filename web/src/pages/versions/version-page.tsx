import { ArrowLeftRight, RotateCcw, Upload } from 'lucide-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useCanPublishVersion } from '../../auth/session.tsx';
import { GraphCanvas } from '../../canvas/graph-canvas.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { Button, ErrorState, Spinner } from '../../components/ui.tsx';
import { NodeConfigPanel } from './node-config-panel.tsx';
import { NodeList } from './node-list.tsx';
import { Person } from './person.tsx';
import { PublishModal } from './publish-modal.tsx';
import { useVersion, useWorkflow } from './queries.ts';
import { WorkflowHeader } from './workflow-header.tsx';

/** One version, read-only on the canvas; clicking a node shows its configuration. */
export function VersionPage() {
  const { id = '', number: numberParam = '' } = useParams();
  const number = Number(numberParam);
  const workflow = useWorkflow(id);
  const version = useVersion(id, Number.isInteger(number) && number > 0 ? number : null);
  const [selected, setSelected] = useState<string | null>(null);
  const [publishing, setPublishing] = useState(false);
  const current = workflow.data?.publishedVersion ?? null;
  const rollback = current !== null && number < current;
  const mayPublishThis = useCanPublishVersion(rollback);

  if (workflow.isError) return <ErrorState error={workflow.error} retry={() => workflow.refetch()} />;
  if (version.isError) return <ErrorState error={version.error} retry={() => version.refetch()} />;
  if (workflow.isPending || version.isPending) return <Spinner label="Loading version…" />;
  const node = version.data.graph.nodes.find((item) => item.id === selected);

  return (
    <>
      <WorkflowHeader
        workflow={workflow.data}
        trail={[{ to: `/workflows/${id}/versions`, label: 'Versions' }]}
        title={
          <span className="flex items-center gap-2">
            Version {number}
            {version.data.published && (
              <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-200 ring-inset">
                Published
              </span>
            )}
          </span>
        }
        actions={
          <>
            {number > 1 && (
              <Link
                to={`/workflows/${id}/compare?from=${number - 1}&to=${number}`}
                className="inline-flex h-9 items-center gap-2 rounded-md px-3 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
              >
                <ArrowLeftRight className="size-4" aria-hidden /> Changes from v{number - 1}
              </Link>
            )}
            {!version.data.published && mayPublishThis && (
              <Button
                variant={rollback ? 'secondary' : 'primary'}
                icon={
                  rollback ? <RotateCcw className="size-4" aria-hidden /> : <Upload className="size-4" aria-hidden />
                }
                onClick={() => setPublishing(true)}
              >
                {rollback ? `Roll back to v${number}` : `Publish v${number}`}
              </Button>
            )}
          </>
        }
      />
      <p className="-mt-3 mb-4 flex items-center gap-1.5 text-sm text-slate-600">
        {version.data.message || <span className="text-slate-400 italic">No message</span>}
        <span className="text-slate-300" aria-hidden>
          ·
        </span>
        <span className="text-xs text-slate-500">
          saved <RelativeTime iso={version.data.createdAt} /> <Person name={version.data.author} />
        </span>
      </p>
      <div className="flex h-[calc(100vh-15rem)] min-h-[420px] overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        <div className="relative min-w-0 flex-1" data-testid="version-canvas">
          <GraphCanvas
            graph={version.data.graph}
            onNodeClick={setSelected}
            selectedNodeId={selected}
            showMiniMap={false}
          />
        </div>
        {node ? (
          <NodeConfigPanel node={node} onClose={() => setSelected(null)} />
        ) : (
          <NodeList graph={version.data.graph} onSelect={setSelected} />
        )}
      </div>
      {publishing && (
        <PublishModal
          workflowId={id}
          target={number}
          current={current}
          active={workflow.data.active}
          onClose={() => setPublishing(false)}
        />
      )}
    </>
  );
}
