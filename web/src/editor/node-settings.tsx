import { ShieldAlert } from 'lucide-react';
import { RETRY_BOUNDS } from '../../../server/core/graph/settings.ts';
import type { GraphNode, Problem } from '../api/types.ts';
import type { NodeTypes } from '../canvas/node-types.ts';
import { useEditor } from './store.ts';

type OnError = 'stop' | 'continue' | 'error-port';

const ON_ERROR_CHOICES: ReadonlyArray<{ value: OnError; label: string; hint: string }> = [
  { value: 'stop', label: 'Stop the run', hint: 'The run fails with this step’s error.' },
  {
    value: 'continue',
    label: 'Continue',
    hint: 'The error becomes the step’s output ({ error }) and the run goes on by its usual output.',
  },
  {
    value: 'error-port',
    label: 'Route to the error port',
    hint: 'The node gets an “on error” output: connect what should happen then. It receives { error, input }.',
  },
];

interface RetryForm {
  attempts: number;
  backoff: 'fixed' | 'exponential';
  delayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: RetryForm = { attempts: 3, backoff: 'exponential', delayMs: 1000, maxDelayMs: 60_000 };

const inputClass =
  'block w-full rounded-md border-0 px-2.5 py-1.5 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-accent-500 focus:outline-none';

/**
 * The node's settings beside its config, the same for every node type: what its failure does
 * (`onError`) and, for actions, how often it is retried. Written to `node.settings`, checked by the
 * shared graph rules (problems at `settings.*` show under their field).
 */
export function NodeSettings({
  node,
  nodeTypes,
  problems,
}: {
  node: GraphNode;
  nodeTypes: NodeTypes;
  problems: readonly Problem[];
}) {
  const setSettings = useEditor((state) => state.setSettings);
  const type = nodeTypes.get(node.type);
  const settings = (node.settings ?? {}) as { onError?: OnError; retry?: Partial<RetryForm> };
  const onError: OnError = settings.onError ?? 'stop';
  const retry = settings.retry ? { ...DEFAULT_RETRY, ...settings.retry } : undefined;
  const handles = nodeTypes.handlesErrors(node.type);
  const isAction = type?.kind === 'action';
  const own = problems.filter((problem) => problem.nodeId === node.id && problem.field?.startsWith('settings'));
  const problemAt = (field: string) =>
    own
      .filter((problem) => problem.field === field || problem.field?.startsWith(`${field}.`))
      .map((problem) => problem.message.replace(`${node.name}: `, ''));

  const save = (next: { onError: OnError; retry: RetryForm | undefined }) => {
    const value: Record<string, unknown> = {};
    if (next.onError !== 'stop') value.onError = next.onError;
    if (next.retry) value.retry = next.retry;
    setSettings(node.id, Object.keys(value).length > 0 ? value : undefined);
  };

  return (
    <section aria-label="Settings" className="border-t border-slate-100 px-4 py-4" data-testid="node-settings">
      <h3 className="mb-3 flex items-center gap-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">
        <ShieldAlert className="size-3.5" aria-hidden />
        Settings
      </h3>
      <fieldset disabled={!handles}>
        <legend className="mb-1.5 text-sm font-medium text-slate-800">On error</legend>
        {!handles && (
          <p className="mb-2 text-xs text-slate-500">This node always fails the run: that is its purpose.</p>
        )}
        <div className="flex flex-col gap-1.5">
          {ON_ERROR_CHOICES.map((choice) => (
            <label
              key={choice.value}
              className={`flex cursor-pointer items-start gap-2 rounded-md px-2.5 py-2 ring-1 ${onError === choice.value ? (choice.value === 'stop' ? 'bg-slate-50 ring-slate-300' : 'bg-amber-50 ring-amber-300') : 'ring-slate-200 hover:bg-slate-50'}`}
            >
              <input
                type="radio"
                name={`on-error-${node.id}`}
                value={choice.value}
                checked={onError === choice.value}
                onChange={() => save({ onError: choice.value, retry })}
                className="mt-0.5 accent-accent-600"
              />
              <span>
                <span className="block text-sm font-medium text-slate-900">{choice.label}</span>
                <span className="block text-xs text-slate-500">{choice.hint}</span>
              </span>
            </label>
          ))}
        </div>
        <FieldProblems messages={problemAt('settings.onError')} />
      </fieldset>
      {isAction && (
        <div className="mt-4">
          <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
            <input
              type="checkbox"
              checked={retry !== undefined}
              onChange={(event) => save({ onError, retry: event.target.checked ? DEFAULT_RETRY : undefined })}
              className="accent-accent-600"
            />
            Custom retry policy
          </label>
          <p className="mt-0.5 text-xs text-slate-500">
            {retry
              ? 'Failed attempts are retried this way before the error counts; requests refused for good (4xx) are not retried.'
              : `Uses the node’s own: up to ${type?.retry.maxAttempts ?? 1} attempts, waits doubling from ${(type?.retry.initialDelayMs ?? 1000) / 1000} s.`}
          </p>
          {retry && (
            <div className="mt-2 grid grid-cols-2 gap-2">
              <NumberField
                label="Attempts"
                value={retry.attempts}
                min={1}
                max={RETRY_BOUNDS.maxAttempts}
                onChange={(attempts) => save({ onError, retry: { ...retry, attempts } })}
              />
              <label className="text-xs font-medium text-slate-700">
                Backoff
                <select
                  value={retry.backoff}
                  onChange={(event) =>
                    save({ onError, retry: { ...retry, backoff: event.target.value as RetryForm['backoff'] } })
                  }
                  className={`mt-1 ${inputClass}`}
                >
                  <option value="exponential">Exponential (doubling)</option>
                  <option value="fixed">Fixed</option>
                </select>
              </label>
              <NumberField
                label="First wait (seconds)"
                value={retry.delayMs / 1000}
                min={0}
                max={RETRY_BOUNDS.maxDelayMs / 1000}
                step={0.5}
                onChange={(seconds) => save({ onError, retry: { ...retry, delayMs: Math.round(seconds * 1000) } })}
              />
              <NumberField
                label="Longest wait (seconds)"
                value={retry.maxDelayMs / 1000}
                min={0}
                max={RETRY_BOUNDS.maxDelayMs / 1000}
                onChange={(seconds) => save({ onError, retry: { ...retry, maxDelayMs: Math.round(seconds * 1000) } })}
              />
            </div>
          )}
          <FieldProblems messages={problemAt('settings.retry')} />
        </div>
      )}
      {!isAction && <FieldProblems messages={problemAt('settings.retry')} />}
    </section>
  );
}

function NumberField({
  label,
  value,
  min,
  max,
  step = 1,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  onChange: (value: number) => void;
}) {
  return (
    <label className="text-xs font-medium text-slate-700">
      {label}
      <input
        type="number"
        value={value}
        min={min}
        max={max}
        step={step}
        onChange={(event) => {
          const parsed = Number(event.target.value);
          if (event.target.value !== '' && Number.isFinite(parsed)) onChange(parsed);
        }}
        className={`mt-1 ${inputClass}`}
      />
    </label>
  );
}

function FieldProblems({ messages }: { messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul className="mt-1.5 flex flex-col gap-0.5">
      {messages.map((message) => (
        <li key={message} className="text-xs text-red-600">
          {message}
        </li>
      ))}
    </ul>
  );
}
