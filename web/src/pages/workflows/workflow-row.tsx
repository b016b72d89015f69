import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Activity, Archive, ArchiveRestore, Copy, Download, History, PencilRuler, Power, PowerOff } from 'lucide-react';
import { Link, useNavigate } from 'react-router';
import { workflowQueries } from '../../api/queries/workflows.ts';
import type { Workflow } from '../../api/types.ts';
import { useCan } from '../../auth/session.tsx';
import { ActionMenu, type MenuItem } from '../../components/menu.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { duplicateWorkflow, exportUrl, setActive, setArchived } from './api.ts';
import { ActivePill, LastRunCell, VersionLine } from './workflow-status.tsx';

function download(url: string) {
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = '';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}

/** One workflow in the list: what it is, whether it runs, how its last run went, and what to do with it. */
export function WorkflowRow({
  workflow,
  onOutcome,
}: {
  workflow: Workflow;
  onOutcome: (outcome: { kind: 'error' | 'success'; message: string }) => void;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const refresh = () => queryClient.invalidateQueries({ queryKey: workflowQueries.lists });
  const fail = (error: Error) => onOutcome({ kind: 'error', message: error.message });
  const archive = useMutation({
    mutationFn: (archived: boolean) => setArchived(workflow.id, archived),
    onSuccess: (_, archived) => {
      void refresh();
      onOutcome({ kind: 'success', message: `“${workflow.name}” ${archived ? 'archived' : 'restored'}.` });
    },
    onError: fail,
  });
  const activation = useMutation({
    mutationFn: (active: boolean) => setActive(workflow.id, active),
    onSuccess: () => void refresh(),
    onError: fail,
  });
  const duplicate = useMutation({
    mutationFn: () => duplicateWorkflow(workflow),
    onSuccess: (copy) => {
      void refresh();
      onOutcome({ kind: 'success', message: `Duplicated as “${copy.name}”.` });
    },
    onError: fail,
  });

  const canEdit = useCan('edit');
  const canPublish = useCan('publish');
  const items: Array<MenuItem | false> = [
    {
      label: 'Open in editor',
      icon: <PencilRuler className="size-4" />,
      onSelect: () => navigate(`/workflows/${workflow.id}`),
    },
    {
      label: 'Versions and publishing',
      icon: <History className="size-4" />,
      onSelect: () => navigate(`/workflows/${workflow.id}/versions`),
    },
    {
      label: 'Executions',
      icon: <Activity className="size-4" />,
      onSelect: () => navigate(`/executions?workflowId=${workflow.id}`),
    },
    canPublish &&
      (workflow.active
        ? { label: 'Deactivate', icon: <PowerOff className="size-4" />, onSelect: () => activation.mutate(false) }
        : {
            label: 'Activate',
            icon: <Power className="size-4" />,
            onSelect: () => activation.mutate(true),
            disabled: workflow.publishedVersion === null,
            hint: workflow.publishedVersion === null ? 'Publish a version first' : undefined,
          }),
    canEdit && { label: 'Duplicate', icon: <Copy className="size-4" />, onSelect: () => duplicate.mutate() },
    { label: 'Export JSON', icon: <Download className="size-4" />, onSelect: () => download(exportUrl(workflow.id)) },
    canEdit &&
      (workflow.archived
        ? { label: 'Restore', icon: <ArchiveRestore className="size-4" />, onSelect: () => archive.mutate(false) }
        : {
            label: 'Archive',
            icon: <Archive className="size-4" />,
            onSelect: () => archive.mutate(true),
            danger: true,
          }),
  ];

  return (
    <li
      className="grid grid-cols-[minmax(0,1fr)_9.5rem_8.5rem_7rem_5.5rem] items-center gap-4 px-5 py-3.5 hover:bg-slate-50/70"
      data-testid="workflow-row"
    >
      <div className="min-w-0">
        <Link
          to={`/workflows/${workflow.id}`}
          className="block truncate text-sm font-medium text-slate-900 hover:text-accent-700 focus-visible:outline-2 focus-visible:outline-accent-600"
        >
          {workflow.name}
        </Link>
        <p className="truncate text-sm text-slate-500">
          {workflow.description || <span className="text-slate-400">No description</span>}
        </p>
      </div>
      <div className="flex flex-col items-start gap-1">
        <ActivePill active={workflow.active} />
        <VersionLine workflow={workflow} />
      </div>
      <div>
        <LastRunCell lastRun={workflow.lastRun} />
      </div>
      <div className="text-xs text-slate-500">
        <RelativeTime iso={workflow.updatedAt} />
      </div>
      <div className="flex items-center justify-end gap-1">
        <Link
          to={`/workflows/${workflow.id}/versions`}
          className="flex size-8 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-accent-600"
          aria-label={`Versions of ${workflow.name}`}
          title="Versions and publishing"
        >
          <History className="size-4" aria-hidden />
        </Link>
        <ActionMenu
          label={`Actions for ${workflow.name}`}
          items={items.filter((item): item is MenuItem => item !== false)}
        />
      </div>
    </li>
  );
}
