import emailNode from './actions/email.node.ts';
import httpNode from './actions/http.node.ts';
import postgresNode from './actions/postgres.node.ts';
import respondNode from './actions/respond.node.ts';
import ifNode from './conditions/if.node.ts';
import switchNode from './conditions/switch.node.ts';
import type { NodeDefinition } from './define.ts';
import delayNode from './flow/delay.node.ts';
import loopNode from './flow/loop.node.ts';
import mergeNode from './flow/merge.node.ts';
import stopAndErrorNode from './flow/stop-and-error.node.ts';
import subworkflowNode from './flow/subworkflow.node.ts';
import waitNode from './flow/wait.node.ts';
import cryptoNode from './formats/crypto.node.ts';
import csvBuildNode from './formats/csv-build.node.ts';
import csvParseNode from './formats/csv-parse.node.ts';
import dateTimeNode from './formats/date-time.node.ts';
import jsonToXmlNode from './formats/json-to-xml.node.ts';
import xmlToJsonNode from './formats/xml-to-json.node.ts';
import aggregateNode from './lists/aggregate.node.ts';
import dedupeNode from './lists/dedupe.node.ts';
import filterNode from './lists/filter.node.ts';
import limitNode from './lists/limit.node.ts';
import mergeByKeyNode from './lists/merge-by-key.node.ts';
import sortNode from './lists/sort.node.ts';
import splitOutNode from './lists/split-out.node.ts';
import type { PackInfo } from './packs.ts';
import formatDateNode from './transforms/format-date.node.ts';
import scriptNode from './transforms/script.node.ts';
import setNode from './transforms/set.node.ts';
import errorTrigger from './triggers/error.node.ts';
import manualTrigger from './triggers/manual.node.ts';
import scheduleTrigger from './triggers/schedule.node.ts';
import webhookTrigger from './triggers/webhook.node.ts';

/**
 * Every node type Stepwise knows, in palette order. Adding a node type = one file + one line here.
 * A tuple, not `NodeDefinition[]`: each entry keeps its own config type, so `findNodeType` with a
 * literal type name answers that node's definition (`findNodeType('trigger.webhook').config`
 * parses to the webhook trigger's config type).
 */
export const catalogue = [
  manualTrigger,
  scheduleTrigger,
  webhookTrigger,
  errorTrigger,
  ifNode,
  switchNode,
  setNode,
  dateTimeNode,
  formatDateNode,
  scriptNode,
  filterNode,
  sortNode,
  dedupeNode,
  aggregateNode,
  splitOutNode,
  limitNode,
  mergeByKeyNode,
  csvParseNode,
  csvBuildNode,
  xmlToJsonNode,
  jsonToXmlNode,
  cryptoNode,
  httpNode,
  emailNode,
  postgresNode,
  respondNode,
  delayNode,
  loopNode,
  waitNode,
  mergeNode,
  subworkflowNode,
  stopAndErrorNode,
] as const satisfies readonly NodeDefinition[];

export type CatalogueNode = (typeof catalogue)[number];
export type NodeTypeName = CatalogueNode['type'];

const byType = new Map<string, NodeDefinition>(catalogue.map((definition) => [definition.type, definition]));

/** The node packs' types (nodes/packs.ts), in the order they were added, and the pack of each. */
const fromPacks: NodeDefinition[] = [];
const packByType = new Map<string, PackInfo>();

export function findNodeType<Type extends NodeTypeName>(type: Type): Extract<CatalogueNode, { type: Type }>;
export function findNodeType(type: string): NodeDefinition | undefined;
export function findNodeType(type: string): NodeDefinition | undefined {
  return byType.get(type);
}

/** Every node type this process knows, in palette order: the built-ins, then each pack's. */
export function nodeTypes(): readonly NodeDefinition[] {
  return fromPacks.length === 0 ? catalogue : [...catalogue, ...fromPacks];
}

/** The pack a node type came from; undefined for a built-in (or unknown) type. */
export function packOfNodeType(type: string): PackInfo | undefined {
  return packByType.get(type);
}

/**
 * Joins a pack's node types to the catalogue, behind `findNodeType` and `nodeTypes` like the
 * built-ins. Called at start, before anything looks types up, with types server/packs/ has checked;
 * a name already taken is refused here too, so nothing can replace a type once it is known.
 */
export function addPackNodeTypes(pack: PackInfo, definitions: readonly NodeDefinition[]): void {
  const names = definitions.map((definition) => definition.type);
  const taken = names.find((name, index) => byType.has(name) || names.indexOf(name) !== index);
  if (taken !== undefined) throw new Error(`node type "${taken}" of pack ${pack.name} is already known`);
  for (const definition of definitions) {
    byType.set(definition.type, definition);
    packByType.set(definition.type, { name: pack.name, version: pack.version });
    fromPacks.push(definition);
  }
}
