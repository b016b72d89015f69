import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AlertTriangle, ChevronRight, RotateCcw, Square, StepForward, TriangleAlert } from 'lucide-react';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { call } from '../../api/client.ts';
import { approvalQueries } from '../../api/queries/approvals.ts';
import { executionQueries } from '../../api/queries/executions.ts';
import { useNodeTypes } from '../../api/queries/node-types.ts';
import type { ExecutionDetail } from '../../api/types.ts';
import { useCan } from '../../auth/session.tsx';
import { GraphCanvas } from '../../canvas/graph-canvas.tsx';
import { type LoopFrameExtras, LoopFrameSlotContext } from '../../canvas/loop-frame.tsx';
import { JsonView } from '../../components/json-view.tsx';
import { Notice } from '../../components/notice.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { Button, ErrorState, errorMessage, Spinner } from '../../components/ui.tsx';
import { formatDateTime, formatDuration } from '../../lib/format.ts';
import { shortId } from '../../lib/short-id.ts';
import { useNow } from '../../lib/use-now.ts';
import { ApprovalCard } from '../approvals/approval-card.tsx';
import { IterationPicker, IterationTally } from './iteration-picker.tsx';
import { RunVariables } from './run-variables.tsx';
import { StepList } from './step-list.tsx';
import { StepPanel } from './step-panel.tsx';
import { canvasStatus, itemOrigin } from './steps.ts';
import { Timeline } from './timeline.tsx';
import { TriggerLabel } from './trigger-label.tsx';
import { useIterationView } from './use-iteration-view.ts';
import { isLive, useLiveExecution } from './use-live-execution.ts';

/** One run: its graph coloured by step status, each step's attempts, a timeline, and retry or cancel. */
export function ExecutionPage() {
  const { id = '' } = useParams();
  const execution = useLiveExecution(id);
  if (execution.isPending) return <Spinner label="Loading execution…" />;
  if (execution.isError) return <ErrorState error={execution.error} retry={() => execution.refetch()} />;
  return <Execution execution={execution.data} />;
}

function Execution({ execution }: { execution: ExecutionDetail }) {
  const [selected, setSelected] = useState<string | null>(null);
  const live = isLive(execution.status);
  const now = useNow(live);
  // Inside loop frames, the steps of the item each frame's picker shows (`?iteration=37`).
  const types = useNodeTypes().data;
  const view = useIterationView(execution, types);
  const latest = view.latest;
  const decorate = useCallback((nodeId: string) => ({ status: canvasStatus(latest.get(nodeId)) }), [latest]);
  const { loop, select } = view;
  const loopExtras = (loopId: string): LoopFrameExtras | undefined => {
    const shown = loop(loopId);
    if (!shown?.counts) return undefined;
    const name = execution.graph?.nodes.find((candidate) => candidate.id === loopId)?.name ?? loopId;
    // The shown item's steps: in a retry, whether they were reused or this item ran again.
    const inside = (execution.graph?.nodes ?? []).filter(
      (candidate) => view.frames.parentOf.get(candidate.id) === loopId,
    );
    const steps = inside.flatMap((candidate) => latest.get(candidate.id) ?? []);
    return {
      line: <IterationTally counts={shown.counts} />,
      control: (
        <IterationPicker
          executionId={execution.id}
          loopId={loopId}
          loopName={name}
          view={shown}
          origin={itemOrigin(steps, execution.retryOf !== null)}
          onSelect={(index) => select(loopId, index)}
        />
      ),
    };
  };
  const node = execution.graph?.nodes.find((item) => item.id === selected);
  const duration = execution.durationMs ?? (live && execution.startedAt ? now - Date.parse(execution.startedAt) : null);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 flex items-center gap-1 text-sm text-slate-500">
        <Link to="/executions" className="hover:text-slate-900">
          Executions
        </Link>
        <ChevronRight className="size-3.5" aria-hidden />
        <span className="font-mono text-xs">{shortId(execution.id)}</span>
      </nav>
      <div className="mb-5 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="flex flex-wrap items-center gap-3 text-xl font-semibold tracking-tight text-slate-900">
            <Link to={`/workflows/${execution.workflowId}/versions`} className="hover:text-accent-700">
              {execution.workflowName}
            </Link>
            <StatusBadge status={execution.status} />
            {execution.handledErrors > 0 && <HandledErrors count={execution.handledErrors} status={execution.status} />}
          </h1>
          <dl className="mt-3 flex flex-wrap gap-x-8 gap-y-2 text-sm">
            <Fact label="Trigger">
              <TriggerLabel kind={execution.trigger} />
            </Fact>
            <Fact label="Version">
              {execution.versionNumber !== null ? (
                <Link
                  to={`/workflows/${execution.workflowId}/versions/${execution.versionNumber}`}
                  className="font-medium text-accent-600 hover:text-accent-700"
                >
                  v{execution.versionNumber}
                </Link>
              ) : (
                <span className="text-slate-600">Draft (test run)</span>
              )}
            </Fact>
            <Fact label="Started">
              {execution.startedAt
                ? formatDateTime(execution.startedAt)
                : `Queued ${formatDateTime(execution.createdAt)}`}
            </Fact>
            <Fact label="Finished">{execution.finishedAt ? formatDateTime(execution.finishedAt) : '—'}</Fact>
            <Fact label="Duration">
              <span className="tabular-nums">{formatDuration(duration)}</span>
            </Fact>
            {execution.retryOf && (
              <Fact label="Retry of">
                <RunLink id={execution.retryOf} />
              </Fact>
            )}
            {execution.retriedAs && (
              <Fact label="Retried as">
                <RunLink id={execution.retriedAs} />
              </Fact>
            )}
            {execution.errorOf && (
              <Fact label="Reports the failure of">
                <RunLink id={execution.errorOf} />
              </Fact>
            )}
          </dl>
        </div>
        <Actions execution={execution} />
      </div>
      {execution.parent && (
        <p className="mb-4 rounded-lg border border-slate-200 bg-slate-50 px-4 py-2.5 text-sm text-slate-700">
          Called by{' '}
          <Link
            to={`/executions/${execution.parent.executionId}`}
            className="font-medium text-accent-700 hover:underline"
          >
            {execution.parent.workflowName}
          </Link>{' '}
          (run <RunLink id={execution.parent.executionId} />, step{' '}
          <span className="font-mono text-xs">{execution.parent.nodeId}</span>): its result goes back to that step.
        </p>
      )}
      {execution.error !== null && execution.error !== undefined && <RunError error={execution.error} />}
      {execution.graph?.nodes.some((item) => item.type === 'flow.wait') && (
        <RunApprovals
          executionId={execution.id}
          waitingSteps={execution.steps.filter((step) => step.status === 'waiting').length}
        />
      )}

      {/* Loop frames hold whole bodies: the canvas gets the room to show an item's steps readably. */}
      <div
        className={`mb-6 flex overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm ${view.frames.loops.length > 0 ? 'h-[38rem]' : 'h-[30rem]'}`}
      >
        <div className="relative min-w-0 flex-1" data-testid="execution-canvas">
          {execution.graph ? (
            <LoopFrameSlotContext.Provider value={loopExtras}>
              <GraphCanvas
                graph={execution.graph}
                decorate={decorate}
                onNodeClick={setSelected}
                selectedNodeId={selected}
                showMiniMap={false}
              />
            </LoopFrameSlotContext.Provider>
          ) : (
            <p className="p-6 text-sm text-slate-500">The graph of this run is no longer available.</p>
          )}
        </div>
        {node ? (
          <StepPanel node={node} attempts={view.attempts(node.id)} onClose={() => setSelected(null)} />
        ) : (
          execution.graph && <StepList graph={execution.graph} latest={latest} onSelect={setSelected} />
        )}
      </div>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <section aria-labelledby="timeline-title">
          <h2 id="timeline-title" className="mb-3 text-sm font-semibold text-slate-900">
            Timeline
          </h2>
          <Timeline
            steps={execution.steps}
            graph={execution.graph}
            run={execution}
            now={now}
            onSelect={setSelected}
            selectedNodeId={selected}
          />
        </section>
        <section aria-labelledby="payload-title">
          <h2 id="payload-title" className="mb-3 text-sm font-semibold text-slate-900">
            Trigger payload
          </h2>
          <JsonView value={execution.triggerPayload} label="trigger payload" />
          <RunVariables vars={execution.vars} />
        </section>
      </div>
    </>
  );
}

function RunLink({ id }: { id: string }) {
  return (
    <Link to={`/executions/${id}`} className="font-mono text-xs text-accent-600 hover:text-accent-700">
      {shortId(id)}
    </Link>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-800">{children}</dd>
    </div>
  );
}

function RunError({ error }: { error: unknown }) {
  const message =
    typeof error === 'object' && error !== null && 'message' in error
      ? String((error as { message: unknown }).message)
      : undefined;
  return (
    <div role="alert" className="mb-5 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
      <div className="flex items-start gap-2">
        <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
        <div className="min-w-0 flex-1">
          <p className="font-medium">The run failed{message ? `: ${message}` : ''}</p>
          <details className="mt-2">
            <summary className="cursor-pointer text-xs text-red-700">Error details</summary>
            <div className="mt-2">
              <JsonView value={error} label="error" />
            </div>
          </details>
        </div>
      </div>
    </div>
  );
}

function Actions({ execution }: { execution: ExecutionDetail }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: (mode: 'from-failure' | 'fresh') =>
      call('POST /executions/:id/retry', { params: { id: execution.id }, body: { mode } }),
    onSuccess: ({ executionId }) => {
      void queryClient.invalidateQueries({ queryKey: executionQueries.lists });
      // This run now links to its retry.
      void queryClient.invalidateQueries({ queryKey: executionQueries.detail(execution.id).queryKey });
      navigate(`/executions/${executionId}`);
    },
  });
  const cancel = useMutation({
    mutationFn: () => call('POST /executions/:id/cancel', { params: { id: execution.id } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: executionQueries.detail(execution.id).queryKey }),
  });
  const error = retry.error ?? cancel.error;
  const canOperate = useCan('operate');
  const ended = execution.status === 'failed' || execution.status === 'canceled';
  // A run is retried once (its retry carries on), and a test run is run again from the editor.
  const retryable = canOperate && ended && execution.retriedAs === null && execution.trigger !== 'test';
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex flex-wrap gap-2">
        {canOperate && isLive(execution.status) && (
          <Button
            variant="danger"
            icon={<Square className="size-3.5" aria-hidden />}
            busy={cancel.isPending}
            onClick={() => cancel.mutate()}
          >
            Cancel run
          </Button>
        )}
        {ended && execution.retriedAs && (
          <p className="max-w-xs text-right text-sm text-slate-600">
            Retried as <RunLink id={execution.retriedAs} />: retry that run to go on.
          </p>
        )}
        {ended && execution.trigger === 'test' && (
          <p className="max-w-xs text-right text-sm text-slate-600">
            A test run is not retried:{' '}
            <Link
              to={`/workflows/${execution.workflowId}`}
              className="font-medium text-accent-600 hover:text-accent-700"
            >
              run the draft again
            </Link>{' '}
            from the editor.
          </p>
        )}
        {retryable && (
          <>
            <Button
              icon={<StepForward className="size-4" aria-hidden />}
              busy={retry.isPending && retry.variables === 'from-failure'}
              onClick={() => retry.mutate('from-failure')}
              title={
                execution.status === 'failed'
                  ? 'Same version; steps that succeeded are reused, the failed step runs again'
                  : 'Same version; steps that succeeded are reused, the rest run'
              }
            >
              {/* A canceled run has no failed step: it goes on from where it was stopped. */}
              {execution.status === 'failed' ? 'Retry from failed step' : 'Resume where it stopped'}
            </Button>
            <Button
              variant="primary"
              icon={<RotateCcw className="size-4" aria-hidden />}
              busy={retry.isPending && retry.variables === 'fresh'}
              onClick={() => retry.mutate('fresh')}
              title="Start over on the published version with the same payload"
            >
              Retry fresh
            </Button>
          </>
        )}
      </div>
      {error && (
        <div className="max-w-md">
          <Notice
            kind="error"
            onDismiss={() => {
              retry.reset();
              cancel.reset();
            }}
          >
            {errorMessage(error)}
          </Notice>
        </div>
      )}
    </div>
  );
}

/**
 * A run's approvals: pending ones decided here by those whose role may, decided ones saying who
 * decided and what they wrote. Asked for only when the run's graph has a Wait step, and again
 * whenever a step starts or stops waiting (the live run says so; an approval is made as it does),
 * with the inbox's count in the navigation.
 */
function RunApprovals({ executionId, waitingSteps }: { executionId: string; waitingSteps: number }) {
  const queryClient = useQueryClient();
  const approvals = useQuery(approvalQueries.ofExecution(executionId));
  const seen = useRef(waitingSteps);
  useEffect(() => {
    if (seen.current === waitingSteps) return;
    seen.current = waitingSteps;
    void queryClient.invalidateQueries({ queryKey: approvalQueries.all });
  }, [waitingSteps, queryClient]);
  const items = approvals.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-label="Approvals" className="mb-6 flex flex-col gap-3">
      {items.map((approval) => (
        <ApprovalCard key={approval.id} approval={approval} showRun={false} />
      ))}
    </section>
  );
}

/** Errors a run's nodes handled (continued, or routed to an error port): shown, but not a failure. */
function HandledErrors({ count, status }: { count: number; status: string }) {
  const errors = count === 1 ? '1 handled error' : `${count} handled errors`;
  return (
    <span
      className="inline-flex items-center gap-1 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200"
      data-testid="handled-errors"
    >
      <TriangleAlert className="size-3.5" aria-hidden />
      {status === 'succeeded' ? `succeeded with ${errors}` : errors}
    </span>
  );
}
