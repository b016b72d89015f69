/**
 * Test support only (imported by the engine's `*.test.ts` files, never by the app): graphs and
 * step states written as small text tables, so a planning test reads like the drawing beside it.
 *
 * ```
 * graphOf(`
 *   start: trigger.manual
 *   check: condition.if
 *   yes: transform.set
 *   wait: flow.delay {"amount": 5}
 *   start -> check
 *   check.true -> yes -> wait
 * `)
 * states({ start: 'ok', check: 'ok:true', 'yes#1': 'retrying@2030-01-01T00:00:00.000Z attempt 2' })
 * ```
 *
 * Node lines are `id: type`, optionally followed by the node's config as JSON, and by `in <loop>`
 * for a node inside that loop's body frame (its `parentId`); without a config the node gets a
 * minimal valid config for its type. `settings {…}` at the end gives the node's settings
 * (`call: action.http settings {"onError": "error-port"}`). A node is named after its id, capitalised
 * (`yes` → `Yes`), which is the key a merge's input uses. Edge lines chain `a -> b -> c`; a
 * source may name its port (`check.true`), else it leaves by `main`. A switch without a config
 * gets one case per port its edges use (besides `default`).
 */
import { parseStepKey, Scope, type StepKey, stepKey, TOP_SCOPE } from '../../../nodes/step.ts';
import { Graph, type GraphEdge, type GraphNode } from '../graph/model.ts';
import { type CompiledGraph, compileGraph } from './compile.ts';
import type { PendingStep, PlannedStep, StepState, StepStates } from './plan.ts';

/** A minimal valid config per node type (`port` lists a switch's case ports). */
const MINIMAL_CONFIGS: Record<string, (ports: readonly string[]) => Record<string, unknown>> = {
  'trigger.manual': () => ({}),
  'trigger.schedule': () => ({ cron: '0 9 * * 1-5' }),
  'trigger.webhook': () => ({ path: 'hook' }),
  'condition.if': () => ({ rules: [{ left: '{{ input.ok }}', operator: 'isTrue' }] }),
  'condition.switch': (ports) => ({
    value: '{{ input.kind }}',
    cases: (ports.length > 0 ? ports : ['case1']).map((port) => ({ port, value: port })),
  }),
  'transform.set': () => ({ fields: [] }),
  'transform.script': () => ({ code: 'return input;' }),
  'action.http': () => ({ url: 'https://api.example.com/call' }),
  'action.respond': () => ({}),
  'flow.delay': () => ({ amount: 1, unit: 'minutes' }),
  'flow.merge': () => ({}),
  'flow.loop': () => ({}),
  'flow.stop': () => ({ message: 'stopped on purpose' }),
};

const NODE_LINE = /^([A-Za-z0-9_-]+)\s*:\s*([a-z]+\.[A-Za-z0-9_.-]+)\s*(\{.*\})?(?:\s+in\s+([A-Za-z0-9_-]+))?$/;
const EDGE_END = /^([A-Za-z0-9_-]+)(?:\.([\w-]+))?$/;

const capitalise = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

/** The graph a drawing describes, parsed by the `Graph` schema (not validated: see `compiledOf`). */
export function graphOf(drawing: string): Graph {
  const declared: Array<{
    id: string;
    type: string;
    config?: Record<string, unknown>;
    settings?: Record<string, unknown>;
    parentId?: string;
  }> = [];
  const edges: GraphEdge[] = [];
  for (const raw of drawing.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('//')) continue;
    if (line.includes('->')) {
      const ends = line.split('->').map((part) => {
        const match = EDGE_END.exec(part.trim());
        if (!match) throw new Error(`graphOf: "${part.trim()}" in "${line}" is not "node" or "node.port"`);
        return { id: match[1] as string, port: match[2] };
      });
      for (let index = 1; index < ends.length; index++) {
        const source = ends[index - 1] as { id: string; port?: string };
        const target = ends[index] as { id: string; port?: string };
        if (target.port !== undefined && index === ends.length - 1) {
          throw new Error(`graphOf: "${line}" ends with a port; a port belongs to the source of an edge`);
        }
        const sourcePort = source.port ?? 'main';
        edges.push({
          id: `${source.id}-${sourcePort}-${target.id}`.replace(/[^A-Za-z0-9_-]/g, '_'),
          source: source.id,
          sourcePort,
          target: target.id,
        });
      }
      continue;
    }
    const [head, settingsJson] = line.split(/\s+settings\s+(?=\{)/) as [string, string | undefined];
    const match = NODE_LINE.exec(head.trim());
    if (!match) {
      throw new Error(`graphOf: "${line}" is neither "id: type [config] [in loop] [settings {…}]" nor "a -> b"`);
    }
    const [, id, type, json, parentId] = match as unknown as [
      string,
      string,
      string,
      string | undefined,
      string | undefined,
    ];
    declared.push({
      id,
      type,
      ...(json ? { config: JSON.parse(json) as Record<string, unknown> } : {}),
      ...(parentId ? { parentId } : {}),
      ...(settingsJson ? { settings: JSON.parse(settingsJson) as Record<string, unknown> } : {}),
    });
  }
  const known = new Set(declared.map((node) => node.id));
  for (const edge of edges) {
    for (const end of [edge.source, edge.target]) {
      if (!known.has(end)) throw new Error(`graphOf: edge ${edge.source} -> ${edge.target} names undeclared "${end}"`);
    }
  }
  const nodes: GraphNode[] = declared.map(({ id, type, config, settings, parentId }, index) => {
    const minimal = MINIMAL_CONFIGS[type];
    if (!config && !minimal) throw new Error(`graphOf: no minimal config for "${type}"; give "${id}" one as JSON`);
    const ports = [
      ...new Set(edges.filter((edge) => edge.source === id && edge.sourcePort !== 'default').map((e) => e.sourcePort)),
    ];
    return {
      id,
      type,
      name: capitalise(id),
      position: { x: 0, y: index * 100 },
      ...(parentId ? { parentId } : {}),
      config: config ?? (minimal as (ports: readonly string[]) => Record<string, unknown>)(ports),
      ...(settings ? { settings } : {}),
    };
  });
  return Graph.parse({ nodes, edges });
}

/** `graphOf` compiled with the real node catalogue; throws with the problems if it would not run. */
export const compiledOf = (drawing: string): CompiledGraph => compileGraph(graphOf(drawing));

const STATE =
  /^(ok|handled|running|waiting|retrying|failed|skipped|canceled)(?::([\w -]+?))?(?:@(\S+))?(?:\s+attempt\s+(\d+))?$/;

/**
 * One step state written compactly: `ok` (succeeded by `main`), `ok:true` (by port `true`),
 * `ok@<time>` (with a delay's continueAt), `running`, `waiting`, `retrying@<retry time>`, `failed`,
 * `skipped`, `canceled`; `handled:<port>` (a failure its settings handled, gone on by that port);
 * ` attempt N` after any but `skipped` and `canceled` (default attempt 1).
 */
export function stepState(text: string): StepState {
  const match = STATE.exec(text.trim());
  if (!match) throw new Error(`stepState: cannot read "${text}"`);
  const [, status, port, time, attemptText] = match as unknown as [
    string,
    string,
    string | undefined,
    string | undefined,
    string | undefined,
  ];
  const attempt = attemptText === undefined ? 1 : Number(attemptText);
  const misplaced = (what: string) => new Error(`stepState: "${text}": ${status} takes no ${what}`);
  if (port !== undefined && status !== 'ok' && status !== 'handled') throw misplaced('port');
  if (time !== undefined && status !== 'ok' && status !== 'retrying') throw misplaced('time');
  if (attemptText !== undefined && (status === 'skipped' || status === 'canceled')) throw misplaced('attempt');
  switch (status) {
    case 'ok':
      return { status: 'succeeded', attempt, port: port ?? 'main', ...(time ? { continueAt: time } : {}) };
    case 'handled':
      return { status: 'succeeded', attempt, port: port ?? 'main', handled: true };
    case 'retrying':
      if (time === undefined) throw new Error(`stepState: "${text}": retrying needs @<retry time>`);
      return { status: 'retrying', attempt, retryAt: time };
    case 'running':
    case 'waiting':
    case 'failed':
      return { status, attempt };
    default:
      return { status: status as 'skipped' | 'canceled' };
  }
}

/** `node` (top scope) or `node#scope` as a step key. */
export function keyOf(text: string): StepKey {
  const at = text.lastIndexOf('#');
  const nodeId = at < 0 ? text : text.slice(0, at);
  const scope = at < 0 ? TOP_SCOPE : Scope.parse(text.slice(at + 1));
  return stepKey(nodeId, scope);
}

/** Step states from `{ 'node' | 'node#scope': state text or StepState }`, in the order written. */
export function states(entries: Readonly<Record<string, string | StepState>> = {}): Map<StepKey, StepState> {
  return new Map(
    Object.entries(entries).map(([key, state]) => [keyOf(key), typeof state === 'string' ? stepState(state) : state]),
  );
}

/** A step as `node` or `node#scope`, the way `states` keys are written. */
export const stepName = (step: PlannedStep): string =>
  step.scope === TOP_SCOPE ? step.nodeId : `${step.nodeId}#${step.scope}`;

/** A pending step as `node[#scope][@runAt][ attempt N]` (the attempt only when it is not 1), for tables. */
export const describePending = (step: PendingStep): string =>
  `${stepName(step)}${step.runAt ? `@${step.runAt}` : ''}${step.attempt === 1 ? '' : ` attempt ${step.attempt}`}`;

/** A state written back the way `stepState` reads it (the attempt only when it is not 1). */
export function describeState(state: StepState): string {
  const attempt = 'attempt' in state && state.attempt !== 1 ? ` attempt ${state.attempt}` : '';
  switch (state.status) {
    case 'succeeded':
      if (state.handled) return `handled:${state.port}${attempt}`;
      return `ok${state.port === 'main' ? '' : `:${state.port}`}${state.continueAt ? `@${state.continueAt}` : ''}${attempt}`;
    case 'retrying':
      return `retrying@${state.retryAt}${attempt}`;
    default:
      return `${state.status}${attempt}`;
  }
}

/** Step states as `{ 'node' | 'node#scope': state text }`, for comparing with a table. */
export function describeStates(all: StepStates): Record<string, string> {
  return Object.fromEntries([...all].map(([key, state]) => [stepName(parseStepKey(key)), describeState(state)]));
}
