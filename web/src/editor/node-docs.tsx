import { BookOpen, ChevronRight } from 'lucide-react';

/**
 * A node type's docs in the settings panel, folded under its description. Docs are plain text from
 * the server: paragraphs split by a blank line, `code` in backticks. They are rendered as text
 * (React escapes it), never as markup.
 */
export function NodeDocs({ docs }: { docs: string }) {
  const paragraphs = docs
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean);
  if (paragraphs.length === 0) return null;
  return (
    <details className="group mt-2 rounded-md bg-slate-50 ring-1 ring-slate-100" data-testid="node-docs">
      <summary className="flex cursor-pointer list-none items-center gap-1.5 px-2.5 py-1.5 text-xs font-medium text-slate-600 select-none hover:text-slate-900 [&::-webkit-details-marker]:hidden">
        <ChevronRight className="size-3.5 transition-transform group-open:rotate-90" aria-hidden />
        <BookOpen className="size-3.5" aria-hidden />
        How it works
      </summary>
      <div className="flex flex-col gap-2 px-3 pt-0.5 pb-3 text-xs leading-5 text-slate-600">
        {paragraphs.map((paragraph) => (
          <p key={paragraph}>{withCode(paragraph)}</p>
        ))}
      </div>
    </details>
  );
}

/** "Reads `input.id`." → ["Reads ", <code>input.id</code>, "."] */
function withCode(text: string) {
  let offset = 0; // where each part starts in `text`: a key that stays with its part
  return text.split(/(`[^`]+`)/).map((part) => {
    const at = offset;
    offset += part.length;
    if (!(part.length > 2 && part.startsWith('`') && part.endsWith('`'))) return part;
    return (
      <code
        key={at}
        className="rounded bg-white px-1 py-px font-mono text-[11px] whitespace-nowrap text-slate-800 ring-1 ring-slate-200"
      >
        {part.slice(1, -1)}
      </code>
    );
  });
}
