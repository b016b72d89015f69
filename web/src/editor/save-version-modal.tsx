import { useState } from 'react';
import { call } from '../api/client.ts';
import type { Problem, Version } from '../api/types.ts';
import { Modal } from '../components/modal.tsx';
import { Button, errorMessage } from '../components/ui.tsx';
import { graphProblemsOf, problemCount, RefusedProblems } from './problem-list.tsx';

/**
 * "Save version": the draft (flushed first, so the version is what is on screen) becomes the next
 * immutable version. An invalid draft saves nothing; its problems show here and on the nodes.
 */
export function SaveVersionModal({
  workflowId,
  flush,
  nodeName,
  onSaved,
  onProblems,
  onClose,
}: {
  workflowId: string;
  flush: () => Promise<void>;
  nodeName: (nodeId: string) => string | undefined;
  onSaved: (version: Version) => void;
  onProblems: (problems: Problem[]) => void;
  onClose: () => void;
}) {
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await flush();
      const version = await call('POST /workflows/:id/versions', {
        params: { id: workflowId },
        body: { fromDraft: true, ...(message.trim() ? { message: message.trim() } : {}) },
      });
      onSaved(version);
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
      title="Save version"
      description="Saves the workflow as it is now as a new, numbered version that can be published and run."
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" busy={busy} onClick={() => void save()}>
            Save version
          </Button>
        </>
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label htmlFor="version-message" className="mb-1 block text-sm font-medium text-slate-800">
          What changed? <span className="font-normal text-slate-400">(optional)</span>
        </label>
        <textarea
          id="version-message"
          // biome-ignore lint/a11y/noAutofocus: the dialog exists to take this message
          autoFocus
          rows={3}
          maxLength={2000}
          value={message}
          onChange={(event) => setMessage(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) void save();
          }}
          placeholder="e.g. Send the order to the new billing API"
          className="block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-accent-500 focus:outline-none"
        />
      </form>
      {problems && (
        <RefusedProblems
          heading={`Nothing was saved: the workflow has ${problemCount(problems)} to fix first.`}
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
