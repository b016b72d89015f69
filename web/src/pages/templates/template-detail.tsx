import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ArrowRight } from 'lucide-react';
import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { workflowQueries } from '../../api/queries/workflows.ts';
import type { GraphNode, Template } from '../../api/types.ts';
import { NodeChip } from '../../canvas/node-icon.tsx';
import type { NodeTypes } from '../../canvas/node-types.ts';
import { Modal } from '../../components/modal.tsx';
import { Button, errorMessage } from '../../components/ui.tsx';
import { inputClass } from '../workflows/create-modal.tsx';
import { createFromTemplate } from './api.ts';
import { CredentialList } from './credential-needs.tsx';
import { GraphPreview } from './graph-preview.tsx';

/** The steps in the order they are drawn: top level left to right, a loop's body right after its loop. */
function stepsInOrder(nodes: readonly GraphNode[]): Array<{ node: GraphNode; inLoop: boolean }> {
  const byX = (a: GraphNode, b: GraphNode) => a.position.x - b.position.x || a.position.y - b.position.y;
  const top = nodes.filter((node) => !node.parentId).sort(byX);
  return top.flatMap((node) => [
    { node, inLoop: false },
    ...nodes
      .filter((child) => child.parentId === node.id)
      .sort(byX)
      .map((child) => ({ node: child, inLoop: true })),
  ]);
}

/** A template up close: its graph drawn large, its steps, what to prepare, and "Use template". */
export function TemplateDetail({
  template,
  types,
  canUse,
  onClose,
}: {
  template: Template;
  types: NodeTypes | undefined;
  canUse: boolean;
  onClose: () => void;
}) {
  const [name, setName] = useState(template.title);
  const nameId = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const use = useMutation({
    mutationFn: () => createFromTemplate(template.slug, name.trim()),
    onSuccess: (workflow) => {
      void queryClient.invalidateQueries({ queryKey: workflowQueries.lists });
      navigate(`/workflows/${workflow.id}`);
    },
  });

  return (
    <Modal
      title={template.title}
      description={template.description}
      onClose={onClose}
      width="max-w-4xl"
      footer={
        canUse ? (
          <form
            id="use-template"
            className="flex w-full flex-wrap items-end gap-3"
            onSubmit={(event) => {
              event.preventDefault();
              if (name.trim()) use.mutate();
            }}
          >
            <div className="min-w-56 flex-1">
              <label htmlFor={nameId} className="mb-1 block text-xs font-medium text-slate-600">
                Name of the new workflow
              </label>
              <input
                id={nameId}
                className={inputClass}
                value={name}
                maxLength={200}
                onChange={(event) => setName(event.target.value)}
                // biome-ignore lint/a11y/noAutofocus: the dialog opens to confirm a name and create; focus belongs here
                autoFocus
              />
            </div>
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button
              variant="primary"
              type="submit"
              busy={use.isPending}
              disabled={!name.trim()}
              icon={<ArrowRight className="size-4" aria-hidden />}
            >
              Use template
            </Button>
          </form>
        ) : (
          <div className="flex w-full items-center justify-between gap-3">
            <p className="text-sm text-slate-500">Analysts and admins can create workflows from templates.</p>
            <Button onClick={onClose}>Close</Button>
          </div>
        )
      }
    >
      <div className="space-y-5">
        <div className="preview-dots h-64 rounded-lg border border-slate-200 bg-slate-50 p-4">
          <GraphPreview
            graph={template.graph}
            types={types}
            label={`Steps of ${template.title}`}
            className="size-full"
          />
        </div>
        <div className="grid gap-6 md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
          <section aria-labelledby="template-steps">
            <h3 id="template-steps" className="mb-2.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">
              Steps
            </h3>
            <ol className="space-y-1.5">
              {stepsInOrder(template.graph.nodes).map(({ node, inLoop }) => (
                <li key={node.id} className={`flex items-center gap-2.5 ${inLoop ? 'ml-6' : ''}`}>
                  <NodeChip type={types?.get(node.type)} size="sm" />
                  <span className="min-w-0 truncate text-sm font-medium text-slate-800">{node.name}</span>
                  <span className="shrink-0 truncate text-xs text-slate-400">
                    {types?.titleOf(node.type) ?? node.type}
                  </span>
                </li>
              ))}
            </ol>
          </section>
          <section aria-labelledby="template-credentials">
            <h3
              id="template-credentials"
              className="mb-2.5 text-xs font-semibold tracking-wide text-slate-500 uppercase"
            >
              Credentials to pick
            </h3>
            <CredentialList credentials={template.credentials} />
            <p className="mt-4 rounded-md bg-slate-50 p-3 text-xs leading-relaxed text-slate-500">
              The new workflow opens in the editor as a draft: pick the credentials, replace the example addresses with
              yours, then save a version. Nothing runs until you publish it.
            </p>
          </section>
        </div>
        {use.isError && (
          <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
            {errorMessage(use.error)}
          </div>
        )}
      </div>
    </Modal>
  );
}
