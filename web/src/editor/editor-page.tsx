import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import {
  AlertTriangle,
  ArrowLeft,
  CheckCircle2,
  FileQuestion,
  History,
  ListChecks,
  Play,
  Save,
  Settings2,
} from 'lucide-react';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client.ts';
import { useNodeTypes } from '../api/queries/node-types.ts';
import { versionQueries } from '../api/queries/versions.ts';
import { workflowQueries } from '../api/queries/workflows.ts';
import type { Draft, Problem, Workflow } from '../api/types.ts';
import { useCan } from '../auth/session.tsx';
import type { NodeTypes } from '../canvas/node-types.ts';
import { Button, EmptyState, ErrorState, Spinner } from '../components/ui.tsx';
import { useIdle } from '../lib/use-idle.ts';
import { DraftSaver, restorableBackup, type SaveState } from './autosave.ts';
import { EditorCanvas } from './canvas.tsx';
import { CanvasToolbar } from './canvas-toolbar.tsx';
import { ConfigPanel, loadConfigForm } from './config-panel.tsx';
import { NODE_WIDTH } from './graph-ops.ts';
import { Inspector } from './inspector.tsx';
import { forgetLastTestRun, useLastTestRun } from './last-test-run.ts';
import { Palette } from './palette.tsx';
import { ProblemsButton } from './problems-button.tsx';
import { ReadOnlyDraft } from './read-only-draft.tsx';
import { RunBar } from './run-bar.tsx';
import { SaveIndicator } from './save-indicator.tsx';
import { SaveVersionModal } from './save-version-modal.tsx';
import { useEditorShortcuts } from './shortcuts.ts';
import { SidePanel } from './side-panel.tsx';
import { createEditorStore, type EditorStore, EditorStoreContext, useEditor } from './store.ts';
import { useTestRun } from './test-run.ts';
import { WorkflowName } from './workflow-name.tsx';
import { WorkflowSettingsModal } from './workflow-settings-modal.tsx';

/**
 * The test-run dialog edits its payload with CodeMirror: in a chunk of its own, like the node
 * config form (node-config-form.tsx), fetched when the pointer or focus reaches its button.
 */
const loadTestRunModal = () => import('./test-run-modal.tsx');
const TestRunModal = lazy(async () => ({ default: (await loadTestRunModal()).TestRunModal }));

/** `/workflows/:id`: the full-screen workflow editor. */
export function EditorPage() {
  const { id = '' } = useParams();
  const workflow = useQuery(workflowQueries.detail(id));
  // The draft is read once per visit: from then on the editor's store is the truth, autosaved back.
  const draft = useQuery({
    ...workflowQueries.draft(id),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });
  const nodeTypes = useNodeTypes();

  const canEdit = useCan('edit');

  const error = workflow.error ?? draft.error ?? nodeTypes.error;
  if (error) {
    const missing = error instanceof ApiError && (error.status === 404 || error.status === 400);
    return (
      <div className="flex h-full items-center justify-center p-8">
        <div className="w-full max-w-md">
          {missing ? (
            <EmptyState
              icon={<FileQuestion className="size-5" />}
              title="This workflow doesn’t exist"
              action={
                <Link to="/workflows" className="text-sm font-medium text-accent-600 hover:text-accent-700">
                  Back to workflows
                </Link>
              }
            >
              It may have been deleted, or the link is mistyped.
            </EmptyState>
          ) : (
            <ErrorState
              error={error}
              retry={() => {
                void workflow.refetch();
                void draft.refetch();
                void nodeTypes.refetch();
              }}
            />
          )}
        </div>
      </div>
    );
  }
  if (!workflow.data || !draft.data || !nodeTypes.data) {
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner label="Opening the editor…" />
      </div>
    );
  }
  if (!canEdit) return <ReadOnlyDraft workflow={workflow.data} draft={draft.data} />;
  return <LoadedEditor key={id} workflow={workflow.data} draft={draft.data} nodeTypes={nodeTypes.data} />;
}

const NO_STATUSES: Readonly<Record<string, string>> = {};

function LoadedEditor({ workflow, draft, nodeTypes }: { workflow: Workflow; draft: Draft; nodeTypes: NodeTypes }) {
  const [{ store, restored }] = useState(() => {
    // An edit the last page could not confirm before it closed comes back here and is saved again.
    const backup = restorableBackup(localStorage, workflow.id, draft);
    return {
      // The server's problems are about the stored draft; a restored edit waits for its own answer.
      store: createEditorStore(backup ?? draft.graph, {
        types: nodeTypes,
        ...(backup ? {} : { problems: draft.problems }),
      }),
      restored: backup !== undefined,
    };
  });
  return (
    <EditorStoreContext.Provider value={store}>
      <ReactFlowProvider>
        <EditorLayout workflow={workflow} draft={draft} store={store} restored={restored} />
      </ReactFlowProvider>
    </EditorStoreContext.Provider>
  );
}

function useAutosave(store: EditorStore, workflowId: string, draft: Draft, restored: boolean) {
  const [state, setState] = useState<SaveState>({ kind: restored ? 'pending' : 'saved' });
  const [saver] = useState(
    () =>
      new DraftSaver({
        workflowId,
        revision: draft.revision,
        storage: localStorage,
        onState: setState,
        onSaved: (saved, sent) => store.getState().setProblems(saved.problems, sent),
      }),
  );
  useEffect(() => {
    if (restored) saver.change(store.getState().graph);
    const unsubscribe = store.subscribe((next, previous) => {
      if (next.graph !== previous.graph) saver.change(next.graph);
    });
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') saver.flushOnExit();
    };
    const onPageHide = () => saver.flushOnExit();
    const onOnline = () => void saver.flush().catch(() => undefined);
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('online', onOnline);
    return () => {
      unsubscribe();
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('online', onOnline);
      // Leaving the editor inside the app: whatever is pending is sent now.
      void saver.flush().catch(() => undefined);
    };
  }, [saver, store, restored]);
  return { saver, state };
}

function EditorLayout({
  workflow,
  draft,
  store,
  restored,
}: {
  workflow: Workflow;
  draft: Draft;
  store: EditorStore;
  restored: boolean;
}) {
  const queryClient = useQueryClient();
  const { saver, state: saveState } = useAutosave(store, workflow.id, draft, restored);
  const testRun = useTestRun(workflow.id);
  const lastTestRun = useLastTestRun(workflow.id);
  const problems = useEditor((state) => state.problems);
  const { setCenter, getZoom } = useReactFlow();
  const [modal, setModal] = useState<'version' | 'run' | 'settings' | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [toast, setToast] = useState<string | null>(null);
  const nodeTypes = useEditor((state) => state.types);
  // The settings form and its code editor load once the canvas is drawn and the browser idles, so
  // the first click on a node opens its settings at once (a pointer over the canvas starts it sooner).
  const idle = useIdle();
  useEffect(() => {
    if (idle) void loadConfigForm();
  }, [idle]);

  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 4000);
    return () => clearTimeout(timer);
  }, [toast]);

  const nodeName = useCallback(
    (nodeId: string) => store.getState().graph.nodes.find((node) => node.id === nodeId)?.name,
    [store],
  );
  const showNode = useCallback(
    (nodeId: string) => {
      const node = store.getState().graph.nodes.find((candidate) => candidate.id === nodeId);
      if (!node) return;
      store.getState().select([nodeId]);
      void setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + 30, {
        zoom: Math.max(getZoom(), 0.8),
        duration: 300,
      });
    },
    [store, setCenter, getZoom],
  );
  const flush = useCallback(() => saver.flush(), [saver]);
  const setProblems = useCallback((found: Problem[]) => store.getState().setProblems(found), [store]);

  useEditorShortcuts(store, {
    onSave: () => void saver.flush().catch(() => undefined),
    onHelp: () => setHelpOpen((open) => !open),
    enabled: modal === null,
  });

  const run = testRun.run && !testRun.run.dismissed ? testRun.run : null;
  // Completions read this session's run once it has data, else the newest run stored before.
  const completionData = testRun.run?.detail ?? lastTestRun ?? null;

  return (
    <div className="flex h-full flex-col bg-slate-50">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-3">
        <Link
          to="/workflows"
          aria-label="Back to workflows"
          title="Back to workflows"
          className="flex size-8 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900"
        >
          <ArrowLeft className="size-4" />
        </Link>
        <img src="/favicon.svg" alt="" className="size-6" />
        <WorkflowName workflow={workflow} />
        <span className="h-5 w-px bg-slate-200" aria-hidden />
        <SaveIndicator state={saveState} />
        <div className="ml-auto flex items-center gap-2">
          <ProblemsButton
            problems={problems}
            nodeName={nodeName}
            onPick={(problem) => problem.nodeId && showNode(problem.nodeId)}
          />
          <span className="h-5 w-px bg-slate-200" aria-hidden />
          <button
            type="button"
            onClick={() => setModal('settings')}
            aria-label="Workflow settings"
            title="Workflow settings: time limit, error workflow"
            className="inline-flex h-9 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            <Settings2 className="size-4" aria-hidden />
            Settings
          </button>
          <Link
            to={`/workflows/${workflow.id}/versions`}
            className="inline-flex h-9 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            <History className="size-4" aria-hidden />
            Versions
            {workflow.latestVersion !== null && (
              <span className="rounded-full bg-slate-100 px-1.5 text-xs text-slate-500">v{workflow.latestVersion}</span>
            )}
          </Link>
          <Link
            to={`/executions?workflowId=${workflow.id}`}
            className="inline-flex h-9 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
          >
            <ListChecks className="size-4" aria-hidden />
            Executions
          </Link>
          <Button
            icon={<Play className="size-4" />}
            onClick={() => setModal('run')}
            onPointerEnter={() => void loadTestRunModal()}
            onFocus={() => void loadTestRunModal()}
          >
            Test run
          </Button>
          <Button variant="primary" icon={<Save className="size-4" />} onClick={() => setModal('version')}>
            Save version
          </Button>
        </div>
      </header>
      {saveState.kind === 'conflict' && (
        <div
          role="alert"
          className="flex items-center gap-3 border-b border-red-200 bg-red-50 px-4 py-2.5 text-sm text-red-800"
        >
          <AlertTriangle className="size-4 shrink-0" aria-hidden />
          <p className="flex-1">
            <span className="font-medium">This workflow was changed in another tab or by someone else.</span> Your
            latest edits here were not saved, so nothing of theirs was overwritten. Reload to continue from the newest
            draft, or keep your version to save it over theirs.
          </p>
          <Button size="sm" onClick={() => saver.keepMine()} title="Save your version over the other one">
            Keep my version
          </Button>
          <Button
            size="sm"
            variant="danger"
            onClick={() => {
              saver.discard();
              window.location.reload();
            }}
          >
            Reload the latest draft
          </Button>
        </div>
      )}
      <div className="flex min-h-0 flex-1">
        <SidePanel name="palette" side="left" title="node palette">
          <Palette nodeTypes={nodeTypes.list} />
        </SidePanel>
        <main className="relative min-w-0 flex-1" onPointerEnter={() => void loadConfigForm()}>
          <EditorCanvas statuses={run?.statuses ?? NO_STATUSES} />
          <CanvasToolbar helpOpen={helpOpen} onToggleHelp={() => setHelpOpen((open) => !open)} />
          {run && <RunBar run={run} onDismiss={testRun.dismiss} />}
          {run && <Inspector run={run} />}
          {toast && (
            <div
              role="status"
              className="absolute top-16 left-1/2 z-20 flex -translate-x-1/2 items-center gap-2 rounded-lg bg-slate-900 px-4 py-2.5 text-sm font-medium whitespace-nowrap text-white shadow-lg"
            >
              <CheckCircle2 className="size-4 text-emerald-400" aria-hidden />
              {toast}
            </div>
          )}
        </main>
        <SidePanel name="settings" side="right" title="node settings">
          <ConfigPanel workflowId={workflow.id} nodeTypes={nodeTypes} detail={completionData} flush={flush} />
        </SidePanel>
      </div>
      {modal === 'version' && (
        <SaveVersionModal
          workflowId={workflow.id}
          flush={flush}
          nodeName={nodeName}
          onProblems={setProblems}
          onClose={() => setModal(null)}
          onSaved={(version) => {
            setModal(null);
            setToast(`Version ${version.number} saved`);
            void queryClient.invalidateQueries({ queryKey: workflowQueries.detail(workflow.id).queryKey });
            void queryClient.invalidateQueries({ queryKey: versionQueries.list(workflow.id).queryKey });
          }}
        />
      )}
      {modal === 'settings' && (
        <WorkflowSettingsModal
          workflowId={workflow.id}
          settings={store.getState().graph.settings}
          onApply={(settings) => store.getState().setWorkflowSettings(settings)}
          onClose={() => setModal(null)}
        />
      )}
      {modal === 'run' && (
        <Suspense fallback={null}>
          <TestRunModal
            workflowId={workflow.id}
            graph={store.getState().graph}
            nodeName={nodeName}
            onProblems={setProblems}
            onClose={() => setModal(null)}
            start={async (payload) => {
              await saver.flush();
              const executionId = await testRun.start(payload);
              forgetLastTestRun(queryClient, workflow.id);
              return executionId;
            }}
          />
        </Suspense>
      )}
    </div>
  );
}
