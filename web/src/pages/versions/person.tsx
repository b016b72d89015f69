/**
 * "· by <who>" after a time: the name the API answers for the user who acted. Actions taken
 * without a signed-in user (none since sign-in is required; older data) show nothing.
 */
export function Person({ name }: { name: string | null }) {
  if (!name) return null;
  return (
    <>
      <span aria-hidden>·</span> by <span className="font-medium text-slate-700">{name}</span>
    </>
  );
}
