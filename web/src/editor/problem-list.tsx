import { AlertCircle } from 'lucide-react';
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
