/**
 * "· by <who>" after a time. The API records user ids (null for actions taken without a signed-in
 * user, shown as nothing); until it answers names, the id's first characters tell people apart.
 */
export function Person({ id }: { id: string | null }) {
  if (!id) return null;
  return (
    <>
      <span aria-hidden>·</span> by{' '}
      <span className="font-mono text-xs" title={id}>
        {id.slice(0, 8)}
      </span>
    </>
  );
}
