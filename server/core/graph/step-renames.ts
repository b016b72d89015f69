import { renameStepReferences } from '../../../nodes/template.ts';

/*
 * Renaming a step in the configs that read it: apart from the reference rules (step-references.ts),
 * which parse expressions with acorn, so the editor can rename without loading the parser first.
 */

/**
 * A config value with every `steps.<from>` (in expressions and scripts alike) reading `steps.<to>`;
 * the same object where nothing changed, so an untouched node keeps its identity.
 */
export function renameStepReferencesIn(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.includes('steps') ? renameStepReferences(value, from, to) : value;
  if (Array.isArray(value)) {
    const items = value.map((item) => renameStepReferencesIn(item, from, to));
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => [key, renameStepReferencesIn(item, from, to)] as const);
    const changed = entries.some(([key, item]) => item !== (value as Record<string, unknown>)[key]);
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}
