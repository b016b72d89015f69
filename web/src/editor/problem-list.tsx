import { AlertCircle } from 'lucide-react';
import { ApiError } from '../api/client.ts';
import type { Problem } from '../api/types.ts';

/** Problems as a list naming their node; clicking one shows that node. */
export function ProblemList({
  problems,
  nodeName,
  onPick,
}: {
  problems: readonly Problem[];
  nodeName: (nodeId: string) => string | undefined;
  onPick?: (problem: Problem) => void;
}) {
  return (
    <ul className="flex flex-col gap-0.5">
      {problems.map((problem, index) => {
        const name = problem.nodeId ? nodeName(problem.nodeId) : undefined;
        const body = (
          <>
            <AlertCircle className="mt-0.5 size-3.5 shrink-0 text-red-500" aria-hidden />
            <span className="min-w-0">
              {name && <span className="font-medium text-slate-900">{name}: </span>}
              <span className="text-slate-600">{withoutNodePrefix(problem.message, name)}</span>
            </span>
          </>
        );
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: two problems may say the same thing about different edges
          <li key={index}>
            {onPick && problem.nodeId ? (
              <button
                type="button"
                onClick={() => onPick(problem)}
                className="flex w-full items-start gap-2 rounded-md px-2 py-1.5 text-left text-sm hover:bg-slate-100"
              >
                {body}
              </button>
            ) : (
              <div className="flex items-start gap-2 px-2 py-1.5 text-sm">{body}</div>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function withoutNodePrefix(message: string, name: string | undefined): string {
  return name && message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
}

/** The graph problems of a 422 (an invalid draft refused), or undefined for any other failure. */
export function graphProblemsOf(error: unknown): Problem[] | undefined {
  if (!(error instanceof ApiError) || error.status !== 422) return undefined;
  const problems = (error.details as { problems?: Problem[] } | undefined)?.problems;
  return Array.isArray(problems) ? problems : undefined;
}

/** A refused draft's problems in a dialog: what was refused, then the list naming the nodes. */
export function RefusedProblems({
  heading,
  problems,
  nodeName,
}: {
  heading: string;
  problems: readonly Problem[];
  nodeName: (nodeId: string) => string | undefined;
}) {
  return (
    <div className="mt-4 rounded-lg bg-red-50 p-3 ring-1 ring-red-100" role="alert">
      <p className="mb-1.5 text-sm font-medium text-red-800">{heading}</p>
      <div className="max-h-56 overflow-y-auto rounded-md bg-white">
        <ProblemList problems={problems} nodeName={nodeName} />
      </div>
    </div>
  );
}

export const problemCount = (problems: readonly Problem[]) =>
  `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
