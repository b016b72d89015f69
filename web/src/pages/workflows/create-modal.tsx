import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { workflowQueries } from '../../api/queries/workflows.ts';
import { Modal } from '../../components/modal.tsx';
import { ProblemList } from '../../components/problem-list.tsx';
import { Button, errorMessage } from '../../components/ui.tsx';
import { createWorkflow } from './api.ts';

export const inputClass =
  'block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-accent-600 focus:outline-none';

/** Name and describe a new workflow, then open it in the editor. */
export function CreateWorkflowModal({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const nameId = useId();
  const descriptionId = useId();
  const create = useMutation({
    mutationFn: () => createWorkflow({ name: name.trim(), description: description.trim() || undefined }),
    onSuccess: (workflow) => {
      void queryClient.invalidateQueries({ queryKey: workflowQueries.lists });
      navigate(`/workflows/${workflow.id}`);
    },
  });

  return (
    <Modal
      title="New workflow"
      description="It starts with a manual trigger; add steps on the canvas."
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            type="submit"
            form="create-workflow"
            busy={create.isPending}
            disabled={!name.trim()}
          >
            Create and open
          </Button>
        </>
      }
    >
      <form
        id="create-workflow"
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim()) create.mutate();
        }}
      >
        <div>
          <label htmlFor={nameId} className="mb-1.5 block text-sm font-medium text-slate-700">
            Name
          </label>
          <input
            id={nameId}
            className={inputClass}
            value={name}
            maxLength={200}
            onChange={(event) => setName(event.target.value)}
            placeholder="e.g. New orders to the CRM"
            // biome-ignore lint/a11y/noAutofocus: the dialog opens to type a name; focus belongs in it
            autoFocus
          />
        </div>
        <div>
          <label htmlFor={descriptionId} className="mb-1.5 block text-sm font-medium text-slate-700">
            Description <span className="font-normal text-slate-400">(optional)</span>
          </label>
          <textarea
            id={descriptionId}
            className={`${inputClass} min-h-20`}
            value={description}
            maxLength={5000}
            onChange={(event) => setDescription(event.target.value)}
            placeholder="What it does, for whom"
          />
        </div>
        {create.isError && (
          <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
            {errorMessage(create.error)}
            <ProblemList error={create.error} />
          </div>
        )}
      </form>
    </Modal>
  );
}
