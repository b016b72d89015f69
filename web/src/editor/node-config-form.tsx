import type { ComponentProps } from 'react';
import type { ExpressionScope } from '../forms/completions.ts';
import { ExpressionScopeContext } from '../forms/expression-field.tsx';
import { SchemaForm } from '../forms/schema-form.tsx';

/**
 * A node's config form, rendered from its type's JSON Schema, with expression completions from
 * `scope`. In a chunk of its own (config-panel.tsx loads it): its fields bring CodeMirror, about
 * four fifths of the editor's code, of which a canvas opening needs none.
 */
export function NodeConfigForm({
  nodeId,
  scope,
  ...form
}: ComponentProps<typeof SchemaForm> & { nodeId: string; scope: ExpressionScope }) {
  return (
    <ExpressionScopeContext.Provider value={scope}>
      <SchemaForm key={nodeId} {...form} />
    </ExpressionScopeContext.Provider>
  );
}
