import { describe, expect, it } from 'vitest';
import { type StepKey, stepKey } from '../../../nodes/step.ts';
import { compiledOf, describePending, describeStates, keyOf, states, stepName, stepState } from './ascii-graph.ts';
import type { CompiledGraph, CompiledNode } from './compile.ts';
import {
  newlySkipped,
  type PendingStep,
  parentKeys,
  parentSteps,
  pendingSteps,
  type RunOutcome,
  runOutcome,
  type StepState,
  stepInput,
} from './plan.ts';

/*
 * The planner's decisions, one table per drawing: given the stored states of an execution's steps,
 * which steps are skipped, which are queued (and when), what a step's input is, and whether the
 * run goes on. States are written as in ascii-graph.ts: `ok`, `ok:true`, `ok@<time>`, `running`,
 * `retrying@<time> attempt N`, `failed`, `skipped`; keys `node` (top scope) or `node#scope`.
 */

const T1 = '2030-01-01T00:01:00.000Z';
const T2 = '2030-01-01T00:02:00.000Z';
const T3 = '2030-01-01T00:03:00.000Z';

type Table = Record<string, string>;

/** Pending steps as `node[#scope][@runAt][ attempt N]`, sorted: the order of one round is not a contract. */
const pendingOf = (graph: CompiledGraph, table: Table) =>
  pendingSteps(graph, states(table)).map(describePending).sort();
const skippedOf = (graph: CompiledGraph, table: Table) => newlySkipped(graph, states(table)).map(stepName).sort();
const outcomeOf = (graph: CompiledGraph, table: Table) => runOutcome(graph, states(table));

/** Every output is a string naming the step it came from, so an input shows which scope was read. */
const outputOf = (key: StepKey) => `output of ${key}`;
const inputOf = (graph: CompiledGraph, step: string, table: Table, payload: unknown = { order: 7 }) => {
  const key = keyOf(step);
  const at = key.lastIndexOf('#');
  return stepInput(graph, { nodeId: key.slice(0, at), scope: key.slice(at + 1) }, states(table), outputOf, payload);
};

describe('ascii-graph', () => {
  it('draws nodes named after their ids, edges by port, and minimal valid configs', () => {
    const graph = compiledOf(`
      start: trigger.manual
      route: condition.switch
      eu: transform.set
      wait: flow.delay {"amount": 5, "unit": "seconds"}
      join: flow.merge
      start -> route
      route.eu -> eu -> wait -> join
      route.default -> join
    `);
    expect([...graph.byName.keys()]).toEqual(['Start', 'Route', 'Eu', 'Wait', 'Join']);
    expect(graph.nodes.get('wait')?.config).toEqual({ amount: 5, unit: 'seconds' });
    expect(graph.nodes.get('route')?.outbound.map((edge) => edge.sourcePort)).toEqual(['eu', 'default']);
    expect(() => compiledOf('start: trigger.manual\nstart -> nowhere')).toThrow(/undeclared "nowhere"/);
    expect(() => compiledOf('start: trigger.manual\ncheck: condition.if\nstart -> check.true')).toThrow(
      /ends with a port/,
    );
  });

  it('writes states compactly and reads them back', () => {
    const table = {
      start: 'ok',
      check: 'ok:true',
      wait: `ok@${T1}`,
      call: `retrying@${T2} attempt 2`,
      'call#1/0': 'running attempt 3',
      'call#0': 'failed',
      no: 'skipped',
    };
    const written = states(table);
    expect(written.get(stepKey('check', ''))).toEqual({ status: 'succeeded', attempt: 1, port: 'true' });
    expect(written.get(stepKey('call', '1/0'))).toEqual({ status: 'running', attempt: 3 });
    expect(describeStates(written)).toEqual(table);
    expect(() => stepState('retrying')).toThrow(/needs @/);
    expect(() => stepState('failed:true')).toThrow(/takes no port/);
    expect(() => states({ 'call#x': 'ok' })).toThrow();
  });
});

describe('a linear chain', () => {
  //  Start ──▶ A ──▶ B ──▶ C
  const chain = compiledOf(`
    start: trigger.manual
    a: transform.set
    b: transform.script
    c: action.http
    start -> a -> b -> c
  `);

  it.each<[string, Table, string[], RunOutcome]>([
    ['a new run queues the trigger', {}, ['start'], 'running'],
    ['a running trigger holds everything back', { start: 'running' }, [], 'running'],
    ['each success makes the next step ready', { start: 'ok' }, ['a'], 'running'],
    ['two steps done', { start: 'ok', a: 'ok' }, ['b'], 'running'],
    ['a running step keeps the run running', { start: 'ok', a: 'ok', b: 'running' }, [], 'running'],
    ['the last step ready', { start: 'ok', a: 'ok', b: 'ok' }, ['c'], 'running'],
    ['every step done', { start: 'ok', a: 'ok', b: 'ok', c: 'ok' }, [], 'succeeded'],
  ])('%s', (_, table, pending, outcome) => {
    expect(pendingOf(chain, table)).toEqual(pending);
    expect(skippedOf(chain, table)).toEqual([]);
    expect(outcomeOf(chain, table)).toBe(outcome);
  });

  it('hands the trigger the payload ({} without one) and every other step its parent’s output', () => {
    expect(inputOf(chain, 'start', {})).toEqual({ order: 7 });
    expect(stepInput(chain, { nodeId: 'start', scope: '' }, states(), outputOf, undefined)).toEqual({});
    expect(inputOf(chain, 'b', { start: 'ok', a: 'ok' })).toBe('output of a#');
    expect(() => inputOf(chain, 'b', { start: 'ok', a: 'running' })).toThrow('inputs of B are not ready');
    expect(() => inputOf(chain, 'nope', {})).toThrow('no node nope');
  });
});

describe('a branch', () => {
  //                   ┌─true──▶ Yes ──▶ Yes2
  //  Start ──▶ Check ─┤
  //                   └─false─▶ No ──▶ No2 ──▶ No3
  // Declared out of order on purpose: a graph's node order is the canvas's, not the flow's.
  const branch = compiledOf(`
    no3: action.http
    no2: transform.script
    start: trigger.manual
    check: condition.if
    yes2: transform.set
    yes: transform.set
    no: transform.set
    start -> check
    check.true -> yes -> yes2
    check.false -> no -> no2 -> no3
  `);
  const done = { start: 'ok', check: 'ok:true', yes: 'ok', yes2: 'ok' };

  it.each<[string, Table, string[], string[], RunOutcome]>([
    ['nothing is decided while the If runs', { start: 'ok', check: 'running' }, [], [], 'running'],
    [
      'true: the false side is skipped, transitively',
      { start: 'ok', check: 'ok:true' },
      ['no', 'no2', 'no3'],
      ['yes'],
      'running',
    ],
    ['false: the true side is skipped', { start: 'ok', check: 'ok:false' }, ['yes', 'yes2'], ['no'], 'running'],
    [
      'skips already recorded are not listed again',
      { start: 'ok', check: 'ok:true', no: 'skipped' },
      ['no2', 'no3'],
      ['yes'],
      'running',
    ],
    ['the taken side goes on', { start: 'ok', check: 'ok:true', yes: 'ok' }, ['no', 'no2', 'no3'], ['yes2'], 'running'],
    ['done, skips recorded', { ...done, no: 'skipped', no2: 'skipped', no3: 'skipped' }, [], [], 'succeeded'],
  ])('%s', (_, table, skipped, pending, outcome) => {
    expect(skippedOf(branch, table)).toEqual(skipped);
    expect(pendingOf(branch, table)).toEqual(pending);
    expect(outcomeOf(branch, table)).toBe(outcome);
  });

  it('hands the taken side the If’s output', () => {
    expect(inputOf(branch, 'no', { start: 'ok', check: 'ok:false' })).toBe('output of check#');
    expect(() => inputOf(branch, 'no', { start: 'ok', check: 'ok:true' })).toThrow('inputs of No are not ready');
  });
});

describe('a switch', () => {
  //                   ┌─eu──────▶ Eu
  //  Start ──▶ Route ─┼─us──────▶ Us ──▶ Bill
  //                   └─default─▶ Other
  const router = compiledOf(`
    start: trigger.manual
    route: condition.switch
    eu: transform.set
    us: transform.set
    bill: action.http
    other: transform.set
    start -> route
    route.eu -> eu
    route.us -> us -> bill
    route.default -> other
  `);

  it.each<[string, string[], string[]]>([
    ['ok:eu', ['bill', 'other', 'us'], ['eu']],
    ['ok:us', ['eu', 'other'], ['us']],
    ['ok:default', ['bill', 'eu', 'us'], ['other']],
    ['running', [], []],
  ])('route %s: skips %j, queues %j', (route, skipped, pending) => {
    const table = { start: 'ok', route };
    expect(skippedOf(router, table)).toEqual(skipped);
    expect(pendingOf(router, table)).toEqual(pending);
  });
});

describe('a merge', () => {
  //                                  ┌─true──▶ Yes ────────────┐
  //  Start ──▶ Gate ─true─▶ Check ───┤                         ├──▶ Join ──▶ After
  //             │                    └─false─▶ No ──▶ No2 ─────┘
  //             └─false─▶ Bypass
  const joined = compiledOf(`
    start: trigger.manual
    gate: condition.if
    bypass: transform.set
    check: condition.if
    yes: transform.set
    no: transform.set
    no2: transform.set
    join: flow.merge
    after: transform.set
    start -> gate
    gate.true -> check
    gate.false -> bypass
    check.true -> yes -> join
    check.false -> no -> no2 -> join
    join -> after
  `);
  const yesTaken = { start: 'ok', gate: 'ok:true', bypass: 'skipped', check: 'ok:true' };

  //          ┌──▶ Left ──┐
  //  Start ──┤           ├──▶ Both
  //          └──▶ Right ─┘
  const parallel = compiledOf(`
    start: trigger.manual
    left: transform.set
    right: action.http
    both: flow.merge
    start -> left -> both
    start -> right -> both
  `);

  it.each<[string, CompiledGraph, Table, string[], string[]]>([
    ['waits for a branch still running', parallel, { start: 'ok', left: 'ok', right: 'running' }, [], []],
    [
      'waits for a branch retrying (its retry is queued, not the merge)',
      parallel,
      { start: 'ok', left: 'ok', right: `retrying@${T1}` },
      [],
      [`right@${T1} attempt 2`],
    ],
    ['joins both branches once both are done', parallel, { start: 'ok', left: 'ok', right: 'ok' }, [], ['both']],
    ['waits while a skip is still to be recorded', joined, { ...yesTaken, yes: 'ok', no: 'skipped' }, ['no2'], []],
    [
      'goes on with the one live branch once the other is skipped',
      joined,
      { ...yesTaken, yes: 'ok', no: 'skipped', no2: 'skipped' },
      [],
      ['join'],
    ],
    [
      'is skipped when every branch into it is, and so is what follows it',
      joined,
      { start: 'ok', gate: 'ok:false' },
      ['after', 'check', 'join', 'no', 'no2', 'yes'],
      ['bypass'],
    ],
  ])('%s', (_, graph, table, skipped, pending) => {
    expect(skippedOf(graph, table)).toEqual(skipped);
    expect(pendingOf(graph, table)).toEqual(pending);
    // As the engine asks: once the skips are recorded (until then a merge waiting on one looks finished).
    const recorded = states(table);
    for (const step of newlySkipped(graph, recorded))
      recorded.set(stepKey(step.nodeId, step.scope), { status: 'skipped' });
    expect(runOutcome(graph, recorded)).toBe('running');
  });

  it('gets its live parents’ outputs keyed by node name', () => {
    expect(inputOf(parallel, 'both', { start: 'ok', left: 'ok', right: 'ok' })).toEqual({
      Left: 'output of left#',
      Right: 'output of right#',
    });
    expect(inputOf(joined, 'join', { ...yesTaken, yes: 'ok', no: 'skipped', no2: 'skipped' })).toEqual({
      Yes: 'output of yes#',
    });
    expect(inputOf(joined, 'after', { ...yesTaken, yes: 'ok', no: 'skipped', no2: 'skipped', join: 'ok' })).toBe(
      'output of join#',
    );
  });

  it('names its parent steps in inbound order, at the top scope', () => {
    const join = joined.nodes.get('join') as CompiledNode;
    expect(parentSteps(joined, join, '1')).toEqual([
      { nodeId: 'yes', scope: '' },
      { nodeId: 'no2', scope: '' },
    ]);
    expect(parentKeys(joined, join, '')).toEqual([stepKey('yes', ''), stepKey('no2', '')]);
  });
});

describe('a delay', () => {
  //          ┌──▶ Short ──┐
  //  Start ──┼──▶ Long ───┼──▶ Join ──▶ After
  //          └──▶ Plain ──┘
  const delays = compiledOf(`
    start: trigger.manual
    short: flow.delay
    long: flow.delay {"amount": 2, "unit": "hours"}
    plain: transform.set
    join: flow.merge
    after: action.http
    start -> short -> join
    start -> long -> join
    start -> plain -> join
    join -> after
  `);

  it.each<[string, Table, string[]]>([
    [
      'its continueAt is its successor’s runAt',
      { start: 'ok', short: `ok@${T1}`, long: 'skipped', plain: 'skipped' },
      [`join@${T1}`],
    ],
    [
      'the latest of several parents wins',
      { start: 'ok', short: `ok@${T1}`, long: `ok@${T3}`, plain: 'ok' },
      [`join@${T3}`],
    ],
    [
      'whatever order the parents come in',
      { start: 'ok', short: `ok@${T3}`, long: `ok@${T2}`, plain: 'ok' },
      [`join@${T3}`],
    ],
    ['a skipped delay holds nothing back', { start: 'ok', short: 'skipped', long: 'skipped', plain: 'ok' }, ['join']],
    [
      'only the direct successors wait',
      { start: 'ok', short: `ok@${T1}`, long: `ok@${T3}`, plain: 'ok', join: 'ok' },
      ['after'],
    ],
  ])('%s', (_, table, pending) => {
    expect(pendingOf(delays, table)).toEqual(pending);
  });

  it('schedules the step after a single delay', () => {
    //  Start ──▶ Wait ──▶ Next
    const single = compiledOf(`
      start: trigger.manual
      wait: flow.delay
      next: transform.set
      start -> wait -> next
    `);
    expect(pendingOf(single, { start: 'ok', wait: `ok@${T2}` })).toEqual([`next@${T2}`]);
    expect(pendingOf(single, { start: 'ok', wait: 'ok' })).toEqual(['next']);
  });
});

describe('retries and failures', () => {
  //  Start ──▶ A ──▶ Call ──▶ After
  const calls = compiledOf(`
    start: trigger.manual
    a: transform.set
    call: action.http
    after: transform.set
    start -> a -> call -> after
  `);

  it.each<[string, Table, string[], RunOutcome]>([
    [
      'a retrying step is queued again at its retry time',
      { start: 'ok', a: 'ok', call: `retrying@${T1}` },
      [`call@${T1} attempt 2`],
      'running',
    ],
    [
      'with the attempt after its latest',
      { start: 'ok', a: 'ok', call: `retrying@${T2} attempt 3` },
      [`call@${T2} attempt 4`],
      'running',
    ],
    [
      'a retried step that succeeded lets the next one go',
      { start: 'ok', a: 'ok', call: 'ok attempt 3' },
      ['after'],
      'running',
    ],
    ['a running retry holds the rest back', { start: 'ok', a: 'ok', call: 'running attempt 2' }, [], 'running'],
    [
      'a failed step fails the run, nothing is queued',
      { start: 'ok', a: 'ok', call: 'failed attempt 4' },
      [],
      'failed',
    ],
    ['a failure early on', { start: 'ok', a: 'failed' }, [], 'failed'],
    ['a failed trigger', { start: 'failed' }, [], 'failed'],
  ])('%s', (_, table, pending, outcome) => {
    expect(pendingOf(calls, table)).toEqual(pending);
    expect(outcomeOf(calls, table)).toBe(outcome);
  });

  it('fails the run when any step failed, even while another still runs', () => {
    //          ┌──▶ Left ──┐
    //  Start ──┤           ├──▶ Both
    //          └──▶ Right ─┘
    const parallel = compiledOf(`
      start: trigger.manual
      left: transform.set
      right: action.http
      both: flow.merge
      start -> left -> both
      start -> right -> both
    `);
    expect(outcomeOf(parallel, { start: 'ok', left: 'failed', right: 'running' })).toBe('failed');
    expect(outcomeOf(parallel, { start: 'ok', left: 'failed', right: `retrying@${T1}` })).toBe('failed');
  });
});

describe('steps in scopes', () => {
  //  Start ──▶ Call ──▶ After        (Call also has steps at scopes "0" and "1")
  const scoped = compiledOf(`
    start: trigger.manual
    call: action.http
    after: transform.set
    start -> call -> after
  `);
  const top = { start: 'ok', call: 'ok', after: 'ok' };

  it.each<[string, Table, string[], RunOutcome]>([
    [
      'a retrying step at scope "1" is queued there only',
      { ...top, 'call#1': `retrying@${T1}` },
      [`call#1@${T1} attempt 2`],
      'running',
    ],
    ['a running step at scope "1" keeps the run running', { ...top, 'call#1': 'running' }, [], 'running'],
    ['a failure at scope "0" fails the run', { ...top, 'call#0': 'failed', 'call#1': 'ok' }, [], 'failed'],
    [
      'two scopes of one node keep their own attempts and times',
      { ...top, 'call#0': `retrying@${T1}`, 'call#1': `retrying@${T2} attempt 3` },
      [`call#0@${T1} attempt 2`, `call#1@${T2} attempt 4`],
      'running',
    ],
    [
      'one scope running, one done: only the running one counts',
      { ...top, 'call#0': 'running', 'call#1': 'ok' },
      [],
      'running',
    ],
    ['every scope settled', { ...top, 'call#0': 'ok', 'call#1': 'skipped' }, [], 'succeeded'],
    ['a scoped success does not stand for the top-level step', { start: 'ok', 'call#0': 'ok' }, ['call'], 'running'],
    [
      'a top-level retry is not taken for a scoped one',
      { start: 'ok', call: `retrying@${T1}`, 'call#0': 'ok' },
      [`call@${T1} attempt 2`],
      'running',
    ],
    [
      'a scoped step running beside a finished top-level one',
      { start: 'ok', call: 'ok', 'call#0': 'running' },
      ['after'],
      'running',
    ],
  ])('%s', (_, table, pending, outcome) => {
    expect(pendingOf(scoped, table)).toEqual(pending);
    expect(outcomeOf(scoped, table)).toBe(outcome);
    expect(skippedOf(scoped, table)).toEqual([]);
  });

  it('reads the parents of a scoped step at the top scope', () => {
    expect(inputOf(scoped, 'call#1', { start: 'ok', 'start#1': 'ok' })).toBe('output of start#');
    expect(inputOf(scoped, 'after#1', { start: 'ok', call: 'ok', 'call#1': 'ok' })).toBe('output of call#');
  });
});

describe('driving a run to its end', () => {
  //                   ┌─true──▶ Yes ──────────────────┐
  //  Start ──▶ Check ─┤                               ├──▶ Join ──▶ Route ─┬─eu──────▶ Wait ──▶ Eu ─┐
  //                   └─false─▶ No ──▶ No2 ───────────┘                    ├─us──────▶ Us ─────────┼──▶ Done ──▶ Call
  //                                                                        └─default─▶ Other ──────┘
  const graph = compiledOf(`
    start: trigger.manual
    check: condition.if
    yes: transform.set
    no: transform.set
    no2: transform.set
    join: flow.merge
    route: condition.switch
    wait: flow.delay
    eu: transform.set
    us: transform.set
    other: transform.script
    done: flow.merge
    call: action.http
    start -> check
    check.true -> yes -> join
    check.false -> no -> no2 -> join
    join -> route
    route.eu -> wait -> eu -> done
    route.us -> us -> done
    route.default -> other -> done
    done -> call
  `);

  /** What each attempt of a step ends with, in order; a step not listed succeeds by `main`. */
  const script: Record<string, string[]> = {
    check: ['ok:true'],
    route: ['ok:eu'],
    wait: [`ok@${T1}`],
    call: [`retrying@${T2}`, 'ok'],
  };

  it('runs each step once its inputs are settled and ends when nothing is pending', () => {
    const all = new Map<StepKey, StepState>();
    const rounds: string[][] = [];
    const inputs: Record<string, unknown> = {};
    for (let round = 0; round < 30; round++) {
      for (const step of newlySkipped(graph, all)) all.set(stepKey(step.nodeId, step.scope), { status: 'skipped' });
      if (runOutcome(graph, all) !== 'running') break;
      const pending = pendingSteps(graph, all);
      expect(pending, `round ${round} is running but queues nothing`).not.toEqual([]);
      rounds.push(pending.map(describePending).sort());
      for (const step of pending) {
        inputs[stepName(step)] = stepInput(graph, step, all, outputOf, { order: 7 });
        all.set(stepKey(step.nodeId, step.scope), ranAs(step));
      }
    }
    expect(runOutcome(graph, all)).toBe('succeeded');
    expect(rounds).toEqual([
      ['start'],
      ['check'],
      ['yes'],
      ['join'],
      ['route'],
      ['wait'],
      [`eu@${T1}`],
      ['done'],
      ['call'],
      [`call@${T2} attempt 2`],
    ]);
    expect(describeStates(all)).toEqual({
      start: 'ok',
      check: 'ok:true',
      no: 'skipped',
      no2: 'skipped',
      yes: 'ok',
      join: 'ok',
      route: 'ok:eu',
      us: 'skipped',
      other: 'skipped',
      wait: `ok@${T1}`,
      eu: 'ok',
      done: 'ok',
      call: 'ok attempt 2',
    });
    expect(inputs).toMatchObject({
      start: { order: 7 },
      join: { Yes: 'output of yes#' },
      done: { Eu: 'output of eu#' },
      call: 'output of done#',
    });
  });

  /** The scripted outcome of this attempt, with its attempt number filled in. */
  function ranAs(step: PendingStep): StepState {
    const state = stepState(script[step.nodeId]?.[step.attempt - 1] ?? 'ok');
    return 'attempt' in state ? { ...state, attempt: step.attempt } : state;
  }
});
