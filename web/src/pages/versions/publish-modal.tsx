import { Modal } from '../../components/modal.tsx';
import { Button, errorMessage } from '../../components/ui.tsx';
import { usePublish } from './queries.ts';

/**
 * Confirms publishing `target`. An earlier number than the live one is a rollback, and the title
 * says so with both numbers ("Roll back from v3 to v1?"), so nobody rolls back by accident.
 */
export function PublishModal({
  workflowId,
  target,
  current,
  active,
  onClose,
}: {
  workflowId: string;
  target: number;
  current: number | null;
  active: boolean;
  onClose: () => void;
}) {
  const publish = usePublish(workflowId);
  const rollback = current !== null && target < current;
  const title = rollback
    ? `Roll back from v${current} to v${target}?`
    : current === null
      ? `Publish v${target}?`
      : `Publish v${target} in place of v${current}?`;
  return (
    <Modal
      title={title}
      onClose={onClose}
      description={
        <>
          {rollback ? `v${target} becomes the live version again.` : `v${target} becomes the live version.`}{' '}
          {active
            ? 'The workflow is active: its schedule and webhook use it within a second. Runs already started finish on the version they began with.'
            : 'Manual runs use it from now on; activate the workflow to let its schedule or webhook fire.'}
        </>
      }
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant={rollback ? 'danger' : 'primary'}
            busy={publish.isPending}
            onClick={() => publish.mutate(target, { onSuccess: onClose })}
          >
            {rollback ? `Roll back to v${target}` : `Publish v${target}`}
          </Button>
        </>
      }
    >
      {publish.isError ? (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
          {errorMessage(publish.error)}
        </p>
      ) : undefined}
    </Modal>
  );
}
