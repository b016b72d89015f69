/**
 * Who did something. The API records user ids (null for actions taken before sign-in existed or
 * by the system); until it answers names, the id's first characters tell people apart.
 */
export function Person({ id }: { id: string | null }) {
  if (!id)
    return (
      <span className="text-slate-400" title="Not recorded: no signed-in user">
        —
      </span>
    );
  return (
    <span className="font-mono text-xs" title={id}>
      {id.slice(0, 8)}
    </span>
  );
}
