import { findNodeType } from '../../../nodes/catalogue.ts';
import { outputsOf } from '../../../nodes/define.ts';

/**
 * The output ports a node shows, from the pure node catalogue (a Switch's ports come from its
 * cases). A draft's config may not parse yet; the type's static ports stand in until it does.
 */
export function portsOf(type: string, config: unknown): readonly string[] {
  const definition = findNodeType(type);
  if (!definition) return ['main'];
  if (!definition.outputsFor) return definition.outputs;
  const parsed = definition.config.safeParse(config);
  return parsed.success ? outputsOf(definition, parsed.data) : definition.outputs;
}

export function kindOf(type: string): string {
  return findNodeType(type)?.kind ?? 'action';
}

export function isTrigger(type: string): boolean {
  return kindOf(type) === 'trigger';
}
