import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Upload } from 'lucide-react';
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { workflowQueries } from '../../api/queries/workflows.ts';
import { Modal } from '../../components/modal.tsx';
import { ProblemList } from '../../components/problem-list.tsx';
import { Button, errorMessage } from '../../components/ui.tsx';
import { importWorkflow } from './api.ts';

class UnreadableFile extends Error {}

/**
 * Picks an exported workflow file and imports it as a new workflow. A refusal (not JSON, not an
 * export, an invalid version) opens a dialog listing every problem the server named.
 */
export function ImportButton() {
  const input = useRef<HTMLInputElement>(null);
  const [fileName, setFileName] = useState('');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const run = useMutation({
    mutationFn: async (file: File) => {
      let document: unknown;
      try {
        document = JSON.parse(await file.text());
      } catch (error) {
        throw new UnreadableFile(`The file is not JSON: ${(error as Error).message}`);
      }
      return importWorkflow(document);
    },
    onSuccess: (workflow) => {
      void queryClient.invalidateQueries({ queryKey: workflowQueries.lists });
      navigate(`/workflows/${workflow.id}/versions`);
    },
  });

  return (
    <>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        className="sr-only"
        tabIndex={-1}
        aria-label="Workflow file to import"
        data-testid="import-file"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = ''; // picking the same file again should import again
          if (!file) return;
          setFileName(file.name);
          run.mutate(file);
        }}
      />
      <Button
        icon={<Upload className="size-4" aria-hidden />}
        busy={run.isPending}
        onClick={() => input.current?.click()}
      >
        Import
      </Button>
      {run.isError && (
        <Modal
          title="Import failed"
          description={<>Nothing was imported from {fileName || 'the file'}.</>}
          onClose={() => run.reset()}
          footer={
            <Button variant="primary" onClick={() => run.reset()}>
              Close
            </Button>
          }
        >
          <div role="alert" className="text-sm text-red-800">
            <p>{errorMessage(run.error)}</p>
            <ProblemList error={run.error} />
            <p className="mt-3 text-xs text-slate-500">
              Import expects a file made by <span className="font-medium">Export JSON</span> (format
              <code className="mx-1 rounded bg-slate-100 px-1">stepwise.workflow</code>) whose versions are all valid.
            </p>
          </div>
        </Modal>
      )}
    </>
  );
}
