import type { Edge } from '@xyflow/react';
import { ArrowRight, Equal } from 'lucide-react';
import { useCallback, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useNodeTypes } from '../../api/queries/node-types.ts';
import type { VersionDiff } from '../../api/types.ts';
import { GraphCanvas } from '../../canvas/graph-canvas.tsx';
import { EmptyState, ErrorState, Spinner } from '../../components/ui.tsx';
import { type CompareView, compareView, showValue } from './diff-view.ts';
import { useDiff, useVersion, useWorkflow } from './queries.ts';
import { WorkflowHeader } from './workflow-header.tsx';

const kindChip = {
  added: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  removed: 'bg-red-50 text-red-700 ring-red-200',
  changed: 'bg-amber-50 text-amber-700 ring-amber-200',
} as const;

/** Two versions on one canvas: added, removed and changed nodes highlighted, with each changed field listed. */
export function ComparePage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  const valid = Number.isInteger(from) && Number.isInteger(to) && from > 0 && to > 0;
  const workflow = useWorkflow(id);
  const diff = useDiff(id, from, to);
  const fromVersion = useVersion(id, valid ? from : null);
  const toVersion = useVersion(id, valid ? to : null);

  if (!valid) {
    return (
      <EmptyState icon={<Equal className="size-5" />} title="Pick two versions to compare">
        Open the versions page and choose them from the Compare menu.
      </EmptyState>
    );
  }
  const failed = [workflow, diff, fromVersion, toVersion].find((query) => query.isError);
  if (failed) return <ErrorState error={failed.error} retry={() => failed.refetch()} />;
  if (!workflow.data || !diff.data || !fromVersion.data || !toVersion.data) return <Spinner label="Comparing…" />;
  const view = compareView(fromVersion.data.graph, toVersion.data.graph, diff.data);
  return (
    <>
      <WorkflowHeader
        workflow={workflow.data}
        trail={[{ to: `/workflows/${id}/versions`, label: 'Versions' }]}
        title={
          <span className="flex items-center gap-2">
            Changes from v{from} <ArrowRight className="size-5 text-slate-400" aria-label="to" /> v{to}
          </span>
        }
      />
      <Comparison workflowId={id} diff={diff.data} view={view} />
    </>
  );
}

function Comparison({ workflowId, diff, view }: { workflowId: string; diff: VersionDiff; view: CompareView }) {
  const [selected, setSelected] = useState<string | null>(null);
  const types = useNodeTypes().data;
  const decorate = useCallback((nodeId: string) => ({ diff: view.nodes.get(nodeId) }), [view]);
  const edgeStyle = useCallback(
    (edge: Edge): Partial<Edge> => {
      const kind = view.edges.get(edge.id);
      if (kind === 'added') return { style: { stroke: '#10b981', strokeWidth: 2 } };
      if (kind === 'removed') return { style: { stroke: '#f87171', strokeWidth: 2, strokeDasharray: '6 4' } };
      return {};
    },
    [view],
  );
  const counts = useMemo(
    () => ({
      added: diff.nodes.added.length,
      removed: diff.nodes.removed.length,
      changed: diff.nodes.changed.length,
      moved: diff.nodes.moved.length,
      edges: diff.edges.added.length + diff.edges.removed.length,
    }),
    [diff],
  );
  const names = useMemo(() => new Map(view.graph.nodes.map((node) => [node.id, node.name])), [view]);
  const link = (edge: { source: string; sourcePort: string; target: string }) =>
    `${names.get(edge.source) ?? edge.source}${edge.sourcePort === 'main' ? '' : ` (${edge.sourcePort})`} → ${names.get(edge.target) ?? edge.target}`;
  const nothing = counts.added + counts.removed + counts.changed + counts.moved + counts.edges === 0;

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <div className="relative h-[calc(100vh-13rem)] min-h-[420px] overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        <GraphCanvas
          graph={view.graph}
          decorate={decorate}
          edgeStyle={edgeStyle}
          onNodeClick={(nodeId) => {
            setSelected(nodeId);
            document.getElementById(`change-${nodeId}`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
          }}
          selectedNodeId={selected}
          showMiniMap={false}
        />
        <div className="pointer-events-none absolute top-3 left-3 flex gap-1.5 text-xs">
          {(['added', 'changed', 'removed'] as const).map((kind) => (
            <span key={kind} className={`rounded-full px-2 py-0.5 font-medium ring-1 ring-inset ${kindChip[kind]}`}>
              {counts[kind]} {kind}
            </span>
          ))}
        </div>
      </div>
      <section aria-labelledby="changes-title" className="max-h-[calc(100vh-13rem)] overflow-y-auto">
        <h2 id="changes-title" className="mb-3 text-sm font-semibold text-slate-900">
          What changed
        </h2>
        {nothing ? (
          <p className="rounded-xl border border-dashed border-slate-300 bg-white p-5 text-sm text-slate-500">
            The two versions are the same graph.
          </p>
        ) : (
          <ul className="space-y-2" data-testid="changes">
            {diff.nodes.added.map((node) => (
              <ChangeCard key={node.id} id={node.id} name={node.name} kind="added" selected={selected === node.id}>
                New step ({types?.titleOf(node.type) ?? node.type}).
              </ChangeCard>
            ))}
            {diff.nodes.removed.map((node) => (
              <ChangeCard key={node.id} id={node.id} name={node.name} kind="removed" selected={selected === node.id}>
                Removed ({types?.titleOf(node.type) ?? node.type}).
              </ChangeCard>
            ))}
            {diff.nodes.changed.map((node) => (
              <ChangeCard key={node.id} id={node.id} name={node.name} kind="changed" selected={selected === node.id}>
                <dl className="mt-1 space-y-1.5">
                  {node.changes.map((change) => (
                    <div key={change.field}>
                      <dt className="font-mono text-xs font-medium text-slate-700">{change.field}</dt>
                      <dd className="mt-0.5 flex flex-col gap-0.5 font-mono text-xs break-all">
                        {change.kind !== 'added' && (
                          <span className="rounded bg-red-50 px-1.5 py-0.5 text-red-800">
                            − {showValue(change.from)}
                          </span>
                        )}
                        {change.kind !== 'removed' && (
                          <span className="rounded bg-emerald-50 px-1.5 py-0.5 text-emerald-800">
                            + {showValue(change.to)}
                          </span>
                        )}
                      </dd>
                    </div>
                  ))}
                </dl>
              </ChangeCard>
            ))}
            {counts.moved > 0 && (
              <li className="rounded-lg border border-slate-200 bg-white p-3 text-xs text-slate-500">
                Moved on the canvas only: {diff.nodes.moved.map((node) => node.name).join(', ')}
              </li>
            )}
            {counts.edges > 0 && (
              <li className="rounded-lg border border-slate-200 bg-white p-3 text-xs text-slate-600">
                <p className="mb-1 font-medium text-slate-900">Connections</p>
                {diff.edges.added.map((edge) => (
                  <p key={`+${edge.source}${edge.sourcePort}${edge.target}`} className="text-emerald-700">
                    + {link(edge)}
                  </p>
                ))}
                {diff.edges.removed.map((edge) => (
                  <p key={`-${edge.source}${edge.sourcePort}${edge.target}`} className="text-red-700">
                    − {link(edge)}
                  </p>
                ))}
              </li>
            )}
          </ul>
        )}
        <Link
          to={`/workflows/${workflowId}/versions`}
          className="mt-4 inline-block text-sm font-medium text-accent-600 hover:text-accent-700"
        >
          Back to versions
        </Link>
      </section>
    </div>
  );
}

function ChangeCard({
  id,
  name,
  kind,
  selected,
  children,
}: {
  id: string;
  name: string;
  kind: 'added' | 'removed' | 'changed';
  selected: boolean;
  children: React.ReactNode;
}) {
  return (
    <li
      id={`change-${id}`}
      data-testid={`change-${name}`}
      className={`rounded-lg border bg-white p-3 text-sm ${selected ? 'border-accent-500 ring-1 ring-accent-500' : 'border-slate-200'}`}
    >
      <div className="flex items-center justify-between gap-2">
        <span className="truncate font-medium text-slate-900">{name}</span>
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${kindChip[kind]}`}>
          {kind}
        </span>
      </div>
      <div className="mt-1 text-xs text-slate-600">{children}</div>
    </li>
  );
}
