import { Check, Copy } from 'lucide-react';
import { useState } from 'react';

/** Copies text to the clipboard; `copied` is true for a moment after, for the button to say so. */
function useCopy(text: string): { copied: boolean; copy: () => void } {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(text).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  return { copied, copy };
}

function CopyLabel({ copied }: { copied: boolean }) {
  return (
    <>
      {copied ? <Check className="size-3.5" aria-hidden /> : <Copy className="size-3.5" aria-hidden />}
      {copied ? 'Copied' : 'Copy'}
    </>
  );
}

/** Monospace text with a copy button that says when it copied. */
export function CodeBlock({ code, label }: { code: string; label: string }) {
  const { copied, copy } = useCopy(code);
  return (
    <div className="relative">
      <pre className="overflow-x-auto rounded-lg bg-slate-900 p-3.5 pr-20 font-mono text-xs leading-5 text-slate-100">
        <code>{code}</code>
      </pre>
      <button
        type="button"
        aria-label={`Copy ${label}`}
        onClick={copy}
        className="absolute top-2 right-2 inline-flex items-center gap-1 rounded-md bg-slate-700 px-2 py-1 text-xs font-medium text-slate-100 hover:bg-slate-600 focus-visible:outline-2 focus-visible:outline-accent-500"
      >
        <CopyLabel copied={copied} />
      </button>
    </div>
  );
}

/**
 * A one-line value (a URL) with a copy button beside it. `wrap` shows all of it over several
 * lines instead of cutting it off, for narrow panels where the end of the value matters.
 */
export function CopyField({ value, label, wrap = false }: { value: string; label: string; wrap?: boolean }) {
  const { copied, copy } = useCopy(value);
  return (
    <div
      className={`flex gap-2 rounded-md py-1 pr-1 pl-3 ring-1 ring-slate-200 ${wrap ? 'items-start bg-white' : 'items-center bg-slate-50'}`}
    >
      <code
        className={`min-w-0 flex-1 font-mono text-xs text-slate-800 ${wrap ? 'py-1 leading-5 break-all' : 'truncate'}`}
        title={wrap ? undefined : value}
      >
        {value}
      </code>
      <button
        type="button"
        aria-label={`Copy ${label}`}
        onClick={copy}
        className={`inline-flex shrink-0 items-center gap-1 rounded px-2 py-1 text-xs font-medium text-slate-600 hover:text-slate-900 ${wrap ? 'hover:bg-slate-100' : 'hover:bg-white'}`}
      >
        <CopyLabel copied={copied} />
      </button>
    </div>
  );
}
