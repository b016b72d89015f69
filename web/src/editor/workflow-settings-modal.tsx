import { useQuery } from '@tanstack/react-query';
import { Send } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { MAX_TIMEOUT_SECONDS } from '../../../server/core/graph/settings.ts';
import { call } from '../api/client.ts';
import { workflowQueries } from '../api/queries/workflows.ts';
import type { Graph } from '../api/types.ts';
import { useCan } from '../auth/session.tsx';
import { Modal } from '../components/modal.tsx';
import { Button, errorMessage } from '../components/ui.tsx';

const inputClass =
  'block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-accent-500 focus:outline-none';

/**
 * The workflow's settings, versioned with its graph: a cap on a run's total time, and the error
 * workflow that runs when a production run fails ("Send a test error" tries it, failing nothing).
 * Applied to the draft (autosaved); a version saved afterwards carries them.
 */
export function WorkflowSettingsModal({
  workflowId,
  settings,
  onApply,
  onClose,
}: {
  workflowId: string;
  settings: Graph['settings'];
  onApply: (settings: Graph['settings']) => void;
  onClose: () => void;
}) {
  const [limited, setLimited] = useState(settings?.timeoutSeconds !== undefined);
  const [seconds, setSeconds] = useState(String(settings?.timeoutSeconds ?? 300));
  const [errorWorkflowId, setErrorWorkflowId] = useState(settings?.errorWorkflowId ?? '');
  const [test, setTest] = useState<{ kind: 'sent'; executionId: string } | { kind: 'failed'; message: string } | null>(
    null,
  );
  const [sending, setSending] = useState(false);
  const canSendTest = useCan('publish');
  const workflows = useQuery(workflowQueries.choices(200));
  const choices = (workflows.data?.items ?? []).filter((workflow) => workflow.id !== workflowId);
  const secondsValue = Number(seconds);
  const secondsValid = Number.isInteger(secondsValue) && secondsValue >= 1 && secondsValue <= MAX_TIMEOUT_SECONDS;

  const apply = () => {
    if (limited && !secondsValid) return;
    onApply({
      ...(limited ? { timeoutSeconds: secondsValue } : {}),
      ...(errorWorkflowId ? { errorWorkflowId } : {}),
    });
    onClose();
  };

  const sendTest = async () => {
    setSending(true);
    setTest(null);
    try {
      const sent = await call('POST /workflows/:id/test-error', {
        params: { id: workflowId },
        body: { errorWorkflowId },
      });
      setTest({ kind: 'sent', executionId: sent.executionId });
    } catch (error) {
      setTest({ kind: 'failed', message: errorMessage(error) });
    } finally {
      setSending(false);
    }
  };

  return (
    <Modal
      title="Workflow settings"
      description="Saved with the draft; a version saved afterwards runs with them."
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" disabled={limited && !secondsValid} onClick={apply}>
            Apply
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-5">
        <section>
          <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
            <input
              type="checkbox"
              checked={limited}
              onChange={(event) => setLimited(event.target.checked)}
              className="accent-accent-600"
            />
            Limit a run’s total time
          </label>
          <p className="mt-0.5 text-xs text-slate-500">
            A run still going after this long fails (“the run exceeded its time limit”), and its running steps stop.
          </p>
          {limited && (
            <div className="mt-2 flex items-center gap-2">
              <input
                type="number"
                aria-label="Time limit in seconds"
                min={1}
                max={MAX_TIMEOUT_SECONDS}
                value={seconds}
                onChange={(event) => setSeconds(event.target.value)}
                className={`${inputClass} w-32`}
              />
              <span className="text-sm text-slate-600">seconds</span>
              {!secondsValid && (
                <span className="text-xs text-red-600">1 to {MAX_TIMEOUT_SECONDS.toLocaleString()} seconds</span>
              )}
            </div>
          )}
        </section>
        <section>
          <label htmlFor="error-workflow" className="block text-sm font-medium text-slate-800">
            Error workflow
          </label>
          <p className="mt-0.5 text-xs text-slate-500">
            Runs when a production run of this workflow fails (not for test runs), with the workflow, a link to the run,
            the failed step and the error. It must start with an Error trigger.
          </p>
          <select
            id="error-workflow"
            value={errorWorkflowId}
            onChange={(event) => {
              setErrorWorkflowId(event.target.value);
              setTest(null);
            }}
            className={`mt-2 ${inputClass}`}
          >
            <option value="">None</option>
            {choices.map((workflow) => (
              <option key={workflow.id} value={workflow.id}>
                {workflow.name}
                {workflow.publishedVersion === null ? ' (not published)' : ''}
              </option>
            ))}
          </select>
          {errorWorkflowId && canSendTest && (
            <div className="mt-3 flex flex-wrap items-center gap-3">
              <Button size="sm" icon={<Send className="size-3.5" />} busy={sending} onClick={() => void sendTest()}>
                Send a test error
              </Button>
              {test?.kind === 'sent' && (
                <span className="text-sm text-emerald-700" role="status">
                  Sent.{' '}
                  <Link to={`/executions/${test.executionId}`} className="font-medium underline">
                    See its run
                  </Link>
                </span>
              )}
              {test?.kind === 'failed' && (
                <span className="text-sm text-red-700" role="alert">
                  {test.message}
                </span>
              )}
            </div>
          )}
        </section>
      </div>
    </Modal>
  );
}
