import type { Template } from '../../api/types.ts';
import type { NodeTypes } from '../../canvas/node-types.ts';
import { Button } from '../../components/ui.tsx';
import { CredentialNeeds } from './credential-needs.tsx';
import { GraphPreview } from './graph-preview.tsx';

/** One template in the gallery: a drawing of its steps, what it does, its tags and what it needs. */
export function TemplateCard({
  template,
  types,
  canUse,
  onOpen,
}: {
  template: Template;
  types: NodeTypes | undefined;
  canUse: boolean;
  onOpen: () => void;
}) {
  return (
    <li
      className="group flex flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm transition-shadow hover:shadow-md"
      data-testid={`template-${template.slug}`}
    >
      <button
        type="button"
        onClick={onOpen}
        aria-label={`Preview ${template.title}`}
        className="preview-dots relative h-40 border-b border-slate-100 bg-slate-50 px-4 py-3 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-accent-600"
      >
        <GraphPreview
          graph={template.graph}
          types={types}
          label={`Steps of ${template.title}`}
          className="size-full"
          allowCompact
        />
      </button>
      <div className="flex flex-1 flex-col p-4">
        <p className="text-[11px] font-semibold tracking-wide text-accent-600 uppercase">{template.category}</p>
        <h2 className="mt-1 text-[15px] font-semibold text-slate-900">
          <button type="button" onClick={onOpen} className="text-left hover:text-accent-700 focus-visible:outline-none">
            {template.title}
          </button>
        </h2>
        <p className="mt-1.5 line-clamp-3 text-sm leading-relaxed text-slate-600">{template.description}</p>
        <ul className="mt-3 mb-4 flex flex-wrap gap-1.5" aria-label="Tags">
          {template.tags.map((tag) => (
            <li key={tag} className="rounded-full bg-slate-100 px-2 py-0.5 text-[11px] font-medium text-slate-600">
              {tag}
            </li>
          ))}
        </ul>
        <div className="mt-auto flex items-center justify-between gap-3 border-t border-slate-100 pt-3.5">
          <CredentialNeeds credentials={template.credentials} />
          {canUse ? (
            <Button size="sm" variant="primary" onClick={onOpen}>
              Use template
            </Button>
          ) : (
            <Button size="sm" onClick={onOpen}>
              Preview
            </Button>
          )}
        </div>
      </div>
    </li>
  );
}
