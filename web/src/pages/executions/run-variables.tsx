/**
 * The workspace variables a run read (`vars.NAME`), as they were when it started: what its steps
 * saw, even if an admin has changed them since.
 */
export function RunVariables({ vars }: { vars: Readonly<Record<string, string>> }) {
  const names = Object.keys(vars).sort();
  return (
    <section aria-labelledby="run-variables-title" className="mt-6">
      <h2 id="run-variables-title" className="mb-1 text-sm font-semibold text-slate-900">
        Variables
      </h2>
      <p className="mb-3 text-xs text-slate-500">As they were when the run started.</p>
      {names.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 px-3 py-2.5 text-xs text-slate-500">
          There were no workspace variables.
        </p>
      ) : (
        <dl
          className="divide-y divide-slate-100 overflow-hidden rounded-lg border border-slate-200 bg-white text-xs"
          data-testid="run-variables"
        >
          {names.map((name) => (
            <div key={name} className="px-3 py-2">
              <dt className="font-mono font-medium break-all text-slate-700">{name}</dt>
              <dd className="mt-0.5 font-mono break-all text-slate-500">
                {vars[name] === '' ? <span className="font-sans text-slate-400 italic">empty</span> : vars[name]}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
