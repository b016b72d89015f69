import { ApiError } from '../api/client.ts';

interface Detail {
  readonly message?: string;
  readonly field?: string;
  readonly nodeId?: string;
  readonly edgeId?: string;
  readonly version?: number;
}

/**
 * The itemised reasons the server gave for refusing something: `details` of a 400 (one entry per
 * field) or `details.problems` of a 422 (one per graph problem, naming node, field and version).
 */
export function problemsOf(error: unknown): Detail[] {
  if (!(error instanceof ApiError)) return [];
  const details = error.details as { problems?: unknown } | unknown[] | undefined;
  const list = Array.isArray(details) ? details : Array.isArray(details?.problems) ? details.problems : [];
  return list.filter((item): item is Detail => typeof item === 'object' && item !== null);
}

export function ProblemList({ error }: { error: unknown }) {
  const problems = problemsOf(error);
  if (problems.length === 0) return null;
  return (
    <ul className="mt-2 max-h-64 space-y-1 overflow-y-auto rounded-md border border-red-200 bg-white p-2 text-xs">
      {problems.map((problem, index) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity of their own and never reorder
          key={index}
          className="flex flex-wrap gap-x-2 text-slate-700"
        >
          {problem.version !== undefined && <span className="font-medium text-slate-900">v{problem.version}</span>}
          {problem.nodeId && <span className="font-mono text-slate-500">node {problem.nodeId}</span>}
          {problem.field && <span className="font-mono text-slate-500">{problem.field}</span>}
          <span>{problem.message}</span>
        </li>
      ))}
    </ul>
  );
}
