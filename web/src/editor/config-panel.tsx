import { useQuery } from '@tanstack/react-query';
import { AlertCircle, Copy, MousePointer2, Trash2 } from 'lucide-react';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { variableQueries } from '../api/queries/variables.ts';
import type { ExecutionDetail, Problem } from '../api/types.ts';
import { NodeChip } from '../canvas/node-icon.tsx';
import type { NodeTypes } from '../canvas/node-types.ts';
import { PackLabel } from '../canvas/pack-label.tsx';
import { Button } from '../components/ui.tsx';
import type { JsonSchema } from '../forms/schema.ts';
import type { ProblemsByField } from '../forms/schema-form.tsx';
import { NodeDocs } from './node-docs.tsx';
import { NodeSettings } from './node-settings.tsx';
import { scopeFor } from './scope.ts';
import { useEditor } from './store.ts';
import { useTestPayload } from './test-payload.ts';
import { TriggerTypePicker } from './trigger-type-picker.tsx';
import { WebhookAddress } from './webhook-address.tsx';

/**
 * The config form comes in its own chunk (node-config-form.tsx says why), fetched at the first sign
 * that it will be wanted: the pointer entering the canvas (editor-page.tsx), else a node picked. Not
 * as soon as the canvas is drawn: parsing it then held up a first click by a tenth of a second.
 */
export const loadConfigForm = () => import('./node-config-form.tsx');
const NodeConfigForm = lazy(async () => ({ default: (await loadConfigForm()).NodeConfigForm }));

/** Problems of one node keyed by the field they name ("config.rules.0.right"). */
export function problemsByField(problems: readonly Problem[], nodeId: string, nodeName?: string): ProblemsByField {
  const map = new Map<string, string[]>();
  for (const problem of problems) {
    if (problem.nodeId !== nodeId || !problem.field) continue;
    map.set(problem.field, [...(map.get(problem.field) ?? []), fieldMessage(problem, nodeName)]);
  }
  return map;
}

/** "Call: URL is required" → "URL is required": the node is already on screen. */
function fieldMessage(problem: Problem, nodeName: string | undefined): string {
  if (nodeName && problem.message.startsWith(`${nodeName}: `)) return problem.message.slice(nodeName.length + 2);
  const prefix = problem.field ? problem.message.lastIndexOf(`${problem.field}: `) : -1;
  return prefix >= 0 && problem.field ? problem.message.slice(prefix + problem.field.length + 2) : problem.message;
}

/** The right-hand panel: the selected node's name, type and config form, with its problems. */
export function ConfigPanel({
  workflowId,
  nodeTypes,
  detail,
  flush,
}: {
  workflowId: string;
  nodeTypes: NodeTypes;
  detail: ExecutionDetail | null;
  /** Saves the draft now (the server reads the saved draft, e.g. to listen for a test request). */
  flush: () => Promise<unknown>;
}) {
  const selectedIds = useEditor(useShallow((state) => state.selectedNodeIds));
  const nodeId = selectedIds.length === 1 ? selectedIds[0] : undefined;
  const node = useEditor((state) =>
    nodeId ? state.graph.nodes.find((candidate) => candidate.id === nodeId) : undefined,
  );
  const problems = useEditor((state) => state.problems);
  const setConfig = useEditor((state) => state.setConfig);
  const deleteSelection = useEditor((state) => state.deleteSelection);
  const duplicate = useEditor((state) => state.duplicate);
  const graph = useEditor((state) => state.graph);
  const testPayload = useTestPayload(workflowId);
  // Offered as `vars.NAME` in expressions; a page without them (still loading, refused) offers none.
  const variables = useQuery(variableQueries.list()).data?.items;
  const vars = useMemo(
    () => (variables ? Object.fromEntries(variables.map((variable) => [variable.name, variable.value])) : undefined),
    [variables],
  );
  const scope = useMemo(
    () => (nodeId ? { ...scopeFor(graph, nodeId, detail, testPayload), ...(vars ? { vars } : {}) } : undefined),
    [graph, nodeId, detail, testPayload, vars],
  );

  if (selectedIds.length > 1) {
    return (
      <Frame>
        <div className="flex flex-col items-center gap-3 px-6 py-14 text-center">
          <p className="text-sm font-semibold text-slate-900">{selectedIds.length} nodes selected</p>
          <p className="text-sm text-slate-500">Drag them together, copy them, or delete them.</p>
          <div className="flex gap-2">
            <Button size="sm" icon={<Copy className="size-3.5" />} onClick={() => duplicate()}>
              Duplicate
            </Button>
            <Button size="sm" variant="danger" icon={<Trash2 className="size-3.5" />} onClick={() => deleteSelection()}>
              Delete
            </Button>
          </div>
        </div>
      </Frame>
    );
  }
  if (!node) {
    return (
      <Frame>
        <div className="flex flex-col items-center px-6 py-14 text-center">
          <span className="mb-3 flex size-10 items-center justify-center rounded-full bg-slate-100 text-slate-500">
            <MousePointer2 className="size-5" aria-hidden />
          </span>
          <p className="text-sm font-semibold text-slate-900">No node selected</p>
          <p className="mt-1 text-sm text-slate-500">Select a node on the canvas to configure it.</p>
        </div>
      </Frame>
    );
  }

  const type = nodeTypes.get(node.type);
  const own = problems.filter((problem) => problem.nodeId === node.id);
  // Config, name and settings problems show beside their fields; the rest above the form.
  const general = own.filter(
    (problem) =>
      !problem.field?.startsWith('config.') && !problem.field?.startsWith('settings') && problem.field !== 'name',
  );
  const nameProblems = own.filter((problem) => problem.field === 'name');

  return (
    <Frame>
      <div className="border-b border-slate-100 px-4 pt-4 pb-3">
        <div className="flex items-start gap-3">
          <NodeChip type={type} size="lg" />
          <div className="min-w-0 flex-1">
            <NameField key={node.id} nodeId={node.id} name={node.name} />
            <p className="mt-1 truncate text-xs text-slate-500">
              {type?.title ?? 'Unknown type'} · <span className="font-mono">{node.type}</span>
            </p>
            {type?.pack && (
              <p className="mt-1 flex items-center gap-1.5 text-xs text-slate-500">
                From the node pack <PackLabel pack={type.pack} />
              </p>
            )}
          </div>
          <button
            type="button"
            title="Delete node"
            aria-label="Delete node"
            onClick={() => deleteSelection()}
            className="rounded p-1.5 text-slate-400 hover:bg-red-50 hover:text-red-600"
          >
            <Trash2 className="size-4" />
          </button>
        </div>
        {nameProblems.map((problem) => (
          <p key={problem.message} className="mt-1 text-xs text-red-600">
            {problem.message}
          </p>
        ))}
        {type?.kind === 'trigger' && <TriggerTypePicker node={node} />}
        {type?.description && <p className="mt-2 text-xs leading-5 text-slate-500">{type.description}</p>}
        {type?.docs && <NodeDocs key={node.type} docs={type.docs} />}
      </div>
      {general.length > 0 && (
        <ul className="mx-4 mt-3 flex flex-col gap-1 rounded-md bg-red-50 px-3 py-2 ring-1 ring-red-100">
          {general.map((problem) => (
            <li key={problem.message} className="flex items-start gap-1.5 text-xs text-red-700">
              <AlertCircle className="mt-0.5 size-3.5 shrink-0" aria-hidden />
              {problem.message}
            </li>
          ))}
        </ul>
      )}
      <div className="px-4 py-4">
        {type?.affordances.includes('webhook-url') && (
          <WebhookAddress workflowId={workflowId} node={node} flush={flush} />
        )}
        {type ? (
          <Suspense fallback={<FormPlaceholder />}>
            <NodeConfigForm
              nodeId={node.id}
              scope={scope ?? { upstream: [], outputs: {} }}
              schema={type.configSchema as JsonSchema}
              value={node.config}
              onChange={(config) => setConfig(node.id, config)}
              problems={problemsByField(problems, node.id, node.name)}
            />
          </Suspense>
        ) : (
          <p className="text-sm text-slate-500">This node's type is not in the catalogue; it cannot be configured.</p>
        )}
      </div>
      {type && <NodeSettings key={node.id} node={node} nodeTypes={nodeTypes} problems={problems} />}
    </Frame>
  );
}

function Frame({ children }: { children: React.ReactNode }) {
  return (
    <aside
      className="flex w-[380px] shrink-0 flex-col overflow-y-auto border-l border-slate-200 bg-white"
      aria-label="Node settings"
    >
      {children}
    </aside>
  );
}

/** Where the form will be, while its code loads: grey fields in its layout, not a jump. */
function FormPlaceholder() {
  return (
    <div role="status" aria-label="Loading the settings" className="flex animate-pulse flex-col gap-4">
      {[0, 1].map((field) => (
        <div key={field} className="flex flex-col gap-1.5">
          <div className="h-3.5 w-24 rounded bg-slate-200" />
          <div className="h-9 rounded-md bg-slate-100 ring-1 ring-slate-200" />
        </div>
      ))}
    </div>
  );
}

function NameField({ nodeId, name }: { nodeId: string; name: string }) {
  const rename = useEditor((state) => state.rename);
  const [text, setText] = useState(name);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(name), [name]);
  const commit = () => {
    if (text.trim() === name) return setError(null);
    if (!text.trim()) {
      setError('A node needs a name');
      return;
    }
    if (rename(nodeId, text)) setError(null);
    else setError('Another node already has this name');
  };
  return (
    <>
      <input
        aria-label="Name"
        value={text}
        maxLength={100}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') event.currentTarget.blur();
          if (event.key === 'Escape') {
            setText(name);
            setError(null);
          }
        }}
        className="-mx-1 block w-full rounded px-1 text-[15px] font-semibold text-slate-900 hover:bg-slate-50 focus:bg-white focus:ring-2 focus:ring-accent-500 focus:outline-none"
      />
      {error && <p className="mt-0.5 text-xs text-red-600">{error}</p>}
    </>
  );
}
