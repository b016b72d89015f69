import { useQuery } from '@tanstack/react-query';
import { ArrowLeft, LayoutTemplate, Search } from 'lucide-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useNodeTypes } from '../../api/queries/node-types.ts';
import { templateQueries } from '../../api/queries/templates.ts';
import type { Template } from '../../api/types.ts';
import { useCan } from '../../auth/session.tsx';
import { SearchField } from '../../components/field.tsx';
import { Button, EmptyState, ErrorState, PageHeader, Spinner } from '../../components/ui.tsx';
import { TemplateCard } from './template-card.tsx';
import { TemplateDetail } from './template-detail.tsx';

const ALL = 'All';

/** Whether a template matches what was typed: its title, description, tags or category. */
function matches(template: Template, words: string): boolean {
  const text = [template.title, template.description, template.category, ...template.tags].join(' ').toLowerCase();
  return words
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}

/**
 * The templates gallery: ready-made workflows by category, searchable, each drawn as its graph.
 * The open template (`?template=`) and the category (`?category=`) live in the URL, so a link
 * shows the same thing.
 */
export function TemplatesPage() {
  const canUse = useCan('edit');
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState('');
  const templates = useQuery(templateQueries.list());
  const types = useNodeTypes().data;
  const items = templates.data?.items ?? [];
  const category = params.get('category') ?? ALL;
  const categories = [ALL, ...new Set(items.map((template) => template.category))];
  const shown = items.filter(
    (template) => (category === ALL || template.category === category) && matches(template, search),
  );
  const open = items.find((template) => template.slug === params.get('template'));

  const setParam = (key: string, value: string | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value === null) next.delete(key);
      else next.set(key, value);
      return next;
    });

  return (
    <>
      <div className="mb-2">
        <Link
          to="/workflows"
          className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-accent-600"
        >
          <ArrowLeft className="size-3.5" aria-hidden />
          Workflows
        </Link>
      </div>
      <PageHeader
        title="Templates"
        description="Start from a workflow that already works: use a template, pick its credentials, make it yours."
      />
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <SearchField
          label="Search templates"
          className="max-w-xs"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder="Search templates"
        />
        {items.length > 0 && (
          <fieldset className="flex flex-wrap gap-1.5" aria-label="Category">
            {categories.map((name) => {
              const count = name === ALL ? items.length : items.filter((template) => template.category === name).length;
              const active = name === category;
              return (
                <button
                  key={name}
                  type="button"
                  aria-pressed={active}
                  onClick={() => setParam('category', name === ALL ? null : name)}
                  className={`inline-flex items-center gap-1.5 rounded-full px-3 py-1.5 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 ${
                    active
                      ? 'bg-slate-900 text-white shadow-sm'
                      : 'bg-white text-slate-600 ring-1 ring-slate-200 ring-inset hover:bg-slate-100 hover:text-slate-900'
                  }`}
                >
                  {name}
                  <span className={`text-xs ${active ? 'text-slate-300' : 'text-slate-400'}`}>{count}</span>
                </button>
              );
            })}
          </fieldset>
        )}
      </div>

      {templates.isPending ? (
        <Spinner label="Loading templates…" />
      ) : templates.isError ? (
        <ErrorState error={templates.error} retry={() => templates.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState icon={<LayoutTemplate className="size-5" />} title="No templates on this server">
          Templates come with Stepwise; this server offers none whose steps it can run.
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState
          icon={<Search className="size-5" />}
          title="No templates match"
          action={
            <Button
              size="sm"
              onClick={() => {
                setSearch('');
                setParam('category', null);
              }}
            >
              Show all templates
            </Button>
          }
        >
          Try another word, or another category.
        </EmptyState>
      ) : (
        <ul className="grid gap-5 sm:grid-cols-2 xl:grid-cols-3" aria-label="Templates">
          {shown.map((template) => (
            <TemplateCard
              key={template.slug}
              template={template}
              types={types}
              canUse={canUse}
              onOpen={() => setParam('template', template.slug)}
            />
          ))}
        </ul>
      )}
      {open && (
        <TemplateDetail
          key={open.slug}
          template={open}
          types={types}
          canUse={canUse}
          onClose={() => setParam('template', null)}
        />
      )}
    </>
  );
}
