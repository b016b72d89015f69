import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Play } from 'lucide-react';
import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { call } from '../../api/client.ts';
import { executionQueries } from '../../api/queries/executions.ts';
import type { JsonValue } from '../../api/types.ts';
import { Modal } from '../../components/modal.tsx';
import { Button, errorMessage } from '../../components/ui.tsx';
import { inputClass } from '../workflows/create-modal.tsx';

/** Parses the payload box: JSON, or the reason it is not. */
export function parsePayload(text: string): { ok: true; value: JsonValue } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** Starts a run of the published version with a payload the user types, then opens the run. */
export function RunNowModal({
  workflowId,
  version,
  onClose,
}: {
  workflowId: string;
  version: number;
  onClose: () => void;
}) {
  const [text, setText] = useState('{\n  \n}');
  const payload = parsePayload(text);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const fieldId = useId();
  const run = useMutation({
    mutationFn: (value: JsonValue) =>
      call('POST /workflows/:id/runs', { params: { id: workflowId }, body: { payload: value } }),
    onSuccess: ({ executionId }) => {
      void queryClient.invalidateQueries({ queryKey: executionQueries.lists });
      navigate(`/executions/${executionId}`);
    },
  });

  return (
    <Modal
      title={`Run v${version} now`}
      description="Starts a manual run of the published version. The payload is what the trigger hands to the first step."
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            icon={<Play className="size-4" aria-hidden />}
            busy={run.isPending}
            disabled={!payload.ok}
            onClick={() => payload.ok && run.mutate(payload.value)}
          >
            Start run
          </Button>
        </>
      }
    >
      <label htmlFor={fieldId} className="mb-1.5 block text-sm font-medium text-slate-700">
        Payload (JSON)
      </label>
      <textarea
        id={fieldId}
        value={text}
        onChange={(event) => setText(event.target.value)}
        spellCheck={false}
        rows={8}
        className={`${inputClass} font-mono text-xs`}
        aria-invalid={!payload.ok}
        // biome-ignore lint/a11y/noAutofocus: the dialog exists to type the payload
        autoFocus
      />
      {!payload.ok && <p className="mt-1.5 text-xs text-red-700">Not valid JSON: {payload.message}</p>}
      {run.isError && (
        <p role="alert" className="mt-3 rounded-md bg-red-50 p-3 text-sm text-red-800">
          {errorMessage(run.error)}
        </p>
      )}
    </Modal>
  );
}
