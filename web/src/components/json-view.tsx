import { ChevronDown, ChevronRight, Copy } from 'lucide-react';
import { useState } from 'react';

/**
 * A collapsible, read-only JSON tree for step input, output and errors. Long values stay readable:
 * objects and arrays below the first levels start folded, strings wrap, and long strings (a file's
 * base64) show their start until opened. Copy always copies the whole value.
 */
export function JsonView({ value, label, openDepth = 2 }: { value: unknown; label?: string; openDepth?: number }) {
  return (
    <div className="group relative rounded-md border border-slate-200 bg-slate-50 p-2.5 font-mono text-xs leading-5">
      <button
        type="button"
        title="Copy JSON"
        aria-label={`Copy ${label ?? 'JSON'}`}
        onClick={() => void navigator.clipboard?.writeText(JSON.stringify(value, null, 2))}
        className="absolute top-1.5 right-1.5 rounded p-1 text-slate-400 opacity-0 hover:bg-slate-200 hover:text-slate-700 group-hover:opacity-100"
      >
        <Copy className="size-3.5" />
      </button>
      <JsonNode value={value} depth={0} openDepth={openDepth} />
    </div>
  );
}

function Scalar({ value }: { value: unknown }) {
  if (value === null) return <span className="text-slate-400">null</span>;
  if (value === undefined) return <span className="text-slate-400">undefined</span>;
  if (typeof value === 'string') return <StringValue value={value} />;
  if (typeof value === 'number') return <span className="text-blue-700">{value}</span>;
  if (typeof value === 'boolean') return <span className="text-purple-700">{String(value)}</span>;
  return <span>{String(value)}</span>;
}

/** Strings longer than this show their start only, until opened: a file's base64 is no wall of text. */
const LONG_STRING = 300;
const LONG_STRING_START = 120;

function StringValue({ value }: { value: string }) {
  const [whole, setWhole] = useState(false);
  if (value.length <= LONG_STRING || whole) {
    return <span className="break-all whitespace-pre-wrap text-emerald-700">"{value}"</span>;
  }
  return (
    <span className="break-all whitespace-pre-wrap text-emerald-700">
      "{value.slice(0, LONG_STRING_START)}…"{' '}
      <button
        type="button"
        onClick={() => setWhole(true)}
        className="rounded bg-slate-200/70 px-1 font-sans text-[11px] whitespace-nowrap text-slate-600 hover:bg-slate-200 hover:text-slate-900"
      >
        {(value.length - LONG_STRING_START).toLocaleString()} more characters
      </button>
    </span>
  );
}

function JsonNode({ value, depth, openDepth }: { value: unknown; depth: number; openDepth: number }) {
  const [open, setOpen] = useState(depth < openDepth);
  if (value === null || typeof value !== 'object') return <Scalar value={value} />;
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value as Record<string, unknown>);
  const [opening, closing] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return <span className="text-slate-500">{`${opening}${closing}`}</span>;
  const Chevron = open ? ChevronDown : ChevronRight;
  return (
    <span>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        className="inline-flex items-center text-slate-500 hover:text-slate-900"
        aria-expanded={open}
      >
        <Chevron className="size-3" aria-hidden />
        {opening}
        {!open && (
          <span className="px-1 text-slate-400">
            {entries.length} {Array.isArray(value) ? 'items' : 'keys'}
          </span>
        )}
        {!open && closing}
      </button>
      {open && (
        <>
          <div className="border-l border-slate-200 pl-4">
            {entries.map(([key, item]) => (
              <div key={key}>
                {!Array.isArray(value) && <span className="text-slate-700">{key}: </span>}
                <JsonNode value={item} depth={depth + 1} openDepth={openDepth} />
              </div>
            ))}
          </div>
          <span className="text-slate-500">{closing}</span>
        </>
      )}
    </span>
  );
}
