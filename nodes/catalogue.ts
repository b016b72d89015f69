import httpNode from './actions/http.node.ts';
import ifNode from './conditions/if.node.ts';
import switchNode from './conditions/switch.node.ts';
import type { NodeDefinition } from './define.ts';
import delayNode from './flow/delay.node.ts';
import mergeNode from './flow/merge.node.ts';
import scriptNode from './transforms/script.node.ts';
import setNode from './transforms/set.node.ts';
import manualTrigger from './triggers/manual.node.ts';
import scheduleTrigger from './triggers/schedule.node.ts';
import webhookTrigger from './triggers/webhook.node.ts';

/** Every node type Stepwise knows, in palette order. Adding a node type = one file + one line here. */
export const catalogue: readonly NodeDefinition[] = [
  manualTrigger,
  scheduleTrigger,
  webhookTrigger,
  ifNode,
  switchNode,
  setNode,
  scriptNode,
  httpNode,
  delayNode,
  mergeNode,
] as NodeDefinition[];

const byType = new Map(catalogue.map((definition) => [definition.type, definition]));

export function findNodeType(type: string): NodeDefinition | undefined {
  return byType.get(type);
}
