import { javascript } from '@codemirror/lang-javascript';
import { EditorView } from '@codemirror/view';
import CodeMirror from '@uiw/react-codemirror';
import { Play } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { Graph, JsonValue, Problem } from '../api/types.ts';
import { Modal } from '../components/modal.tsx';
import { Button, errorMessage } from '../components/ui.tsx';
import { graphProblemsOf, problemCount, RefusedProblems } from './problem-list.tsx';
import { readTestPayload, writeTestPayload } from './test-payload.ts';

/**
 * A starting payload: the draft's test payload (the last one used here, or a captured webhook
 * request), else the manual trigger's expected fields.
 */
function initialPayload(workflowId: string, graph: Graph): string {
  const remembered = readTestPayload(workflowId);
  if (remembered !== null) return remembered;
  const trigger = graph.nodes.find((node) => node.type === 'trigger.manual');
  const fields = (trigger?.config.fields ?? []) as Array<{ name?: string; type?: string }>;
  const sample: Record<string, unknown> = {};
  for (const field of fields) {
    if (!field.name) continue;
    sample[field.name] =
      field.type === 'number'
        ? 0
        : field.type === 'boolean'
          ? false
          : field.type === 'object'
            ? {}
            : field.type === 'array'
              ? []
              : '';
  }
  return JSON.stringify(sample, null, 2);
}

/** "Test run": runs the saved draft with a JSON payload; the editor then follows it live. */
export function TestRunModal({
  workflowId,
  graph,
  start,
  nodeName,
  onProblems,
  onClose,
}: {
  workflowId: string;
  graph: Graph;
  start: (payload: JsonValue) => Promise<unknown>;
  nodeName: (nodeId: string) => string | undefined;
  onProblems: (problems: Problem[]) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState(() => initialPayload(workflowId, graph));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const extensions = useMemo(
    () => [javascript(), EditorView.contentAttributes.of({ 'aria-label': 'Payload (JSON)' })],
    [],
  );

  const run = async () => {
    let payload: JsonValue;
    try {
      payload = text.trim() === '' ? {} : (JSON.parse(text) as JsonValue);
    } catch (caught) {
      setError(`The payload is not valid JSON: ${(caught as Error).message}`);
      return;
    }
    writeTestPayload(workflowId, text);
    setBusy(true);
    setError(null);
    try {
      await start(payload);
      onClose();
    } catch (caught) {
      const found = graphProblemsOf(caught);
      if (found) {
        setProblems(found);
        onProblems(found);
      } else setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Test run"
      description="Runs the current draft with this trigger payload. Nodes light up as their steps run."
      width="max-w-xl"
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" busy={busy} icon={<Play className="size-4" />} onClick={() => void run()}>
            Run
          </Button>
        </>
      }
    >
      <p className="mb-1 text-sm font-medium text-slate-800">Payload</p>
      <div className="overflow-hidden rounded-md ring-1 ring-slate-300 focus-within:ring-2 focus-within:ring-accent-500">
        <CodeMirror
          value={text}
          onChange={setText}
          extensions={extensions}
          minHeight="180px"
          maxHeight="360px"
          basicSetup={{ foldGutter: false, highlightActiveLine: false }}
          theme="light"
          autoFocus
        />
      </div>
      <p className="mt-1.5 text-xs text-slate-500">
        Expressions read it as <code className="font-mono">trigger</code> (and the first step as{' '}
        <code className="font-mono">input</code>).
      </p>
      {problems && (
        <RefusedProblems
          heading={`The draft has ${problemCount(problems)}; fix them to run it.`}
          problems={problems}
          nodeName={nodeName}
        />
      )}
      {error && (
        <p className="mt-3 text-sm text-red-700" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}
