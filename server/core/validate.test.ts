import { describe, expect, it } from 'vitest';
import {
  chain,
  edge,
  graph,
  httpNode,
  ifNode,
  manualTrigger,
  mergeNode,
  node,
  setFields,
} from '../testing/graph-fixtures.ts';
import { type Graph, type GraphEdge, type GraphNode, Problem } from './graph/model.ts';
import { validateGraph } from './validate.ts';

/** Validates, and checks that every problem has the documented shape (no extra keys) and a readable message. */
function problemsOf(subject: Graph): Problem[] {
  const problems = validateGraph(subject);
  for (const problem of problems) {
    expect(Problem.parse(problem)).toEqual(problem);
    expect(typeof problem.message).toBe('string');
    expect(problem.message.trim()).not.toBe('');
  }
  return problems;
}

/** Problems without their prose, so a test can compare the whole list exactly. */
const withoutMessages = (problems: Problem[]) => problems.map(({ message: _message, ...rest }) => rest);

describe('validateGraph: valid graphs', () => {
  it('accepts a lone manual trigger with an empty config', () => {
    // Start
    expect(problemsOf(graph([manualTrigger()]))).toEqual([]);
  });

  it('accepts a linear graph that branches on an If, with expressions reading upstream steps', () => {
    // Start ──▶ Prepare ──▶ Check ──true──▶ Notify
    //                         └────false──▶ Fallback
    const subject = graph(
      [
        manualTrigger(),
        setFields('Prepare', ['email', '{{ input.email.toLowerCase() }}'], ['total', '{{ trigger.total }}']),
        ifNode('Check', '{{ steps.Prepare.output.total }}', '100'),
        httpNode('Notify', 'https://hooks.example.com/orders', {
          method: 'POST',
          body: { email: '{{ steps.Prepare.output.email }}', from: '{{ steps.Start.output.source }}' },
        }),
        setFields('Fallback', ['note', 'small order of {{ steps.Check.output.total }}']),
      ],
      [
        edge('Start', 'Prepare'),
        edge('Prepare', 'Check'),
        edge('Check', 'Notify', 'true'),
        edge('Check', 'Fallback', 'false'),
      ],
    );
    expect(problemsOf(subject)).toEqual([]);
  });

  it('lets a flow.merge take several inbound edges', () => {
    // Start ──▶ Check ──true──▶ Big ───▶ Join
    //             └────false──▶ Small ─┘
    const subject = graph(
      [manualTrigger(), ifNode('Check'), setFields('Big'), setFields('Small'), mergeNode('Join')],
      [
        edge('Start', 'Check'),
        edge('Check', 'Big', 'true'),
        edge('Check', 'Small', 'false'),
        edge('Big', 'Join'),
        edge('Small', 'Join'),
      ],
    );
    expect(problemsOf(subject)).toEqual([]);
  });

  it('accepts references to any upstream step, through a merge and by bracket name', () => {
    // Start ──▶ Look up ──▶ Check ──true──▶ Big ───▶ Join ──▶ Report
    //                         └────false──▶ Small ─┘
    const subject = graph(
      [
        manualTrigger(),
        node('LookUp', 'transform.set', {}, { name: 'Look up' }),
        ifNode('Check', '{{ steps["Look up"].output.total }}'),
        setFields('Big'),
        setFields('Small'),
        mergeNode('Join'),
        setFields(
          'Report',
          ['big', '{{ steps.Big.output }}'],
          ['small', "{{ steps['Small'].output }}"],
          ['all', '{{ [steps.Start.output, steps.Check.output, steps.Join.output] }}'],
        ),
      ],
      [
        edge('Start', 'LookUp'),
        edge('LookUp', 'Check'),
        edge('Check', 'Big', 'true'),
        edge('Check', 'Small', 'false'),
        edge('Big', 'Join'),
        edge('Small', 'Join'),
        edge('Join', 'Report'),
      ],
    );
    expect(problemsOf(subject)).toEqual([]);
  });

  it("takes a switch's ports from its cases, plus default", () => {
    // Start ──▶ Route ──vip─────▶ Priority
    //             ├────gold────▶ Gold
    //             └────default─▶ Standard
    const subject = graph(
      [
        manualTrigger(),
        node('Route', 'condition.switch', {
          value: '{{ input.tier }}',
          cases: [
            { port: 'vip', value: 'vip' },
            { port: 'gold', value: 'gold' },
          ],
        }),
        setFields('Priority'),
        setFields('Gold'),
        setFields('Standard'),
      ],
      [
        edge('Start', 'Route'),
        edge('Route', 'Priority', 'vip'),
        edge('Route', 'Gold', 'gold'),
        edge('Route', 'Standard', 'default'),
      ],
    );
    expect(problemsOf(subject)).toEqual([]);
  });
});

describe('validateGraph: problems', () => {
  it('reports a graph without a trigger', () => {
    // Prepare
    expect(withoutMessages(problemsOf(graph([setFields('Prepare')])))).toEqual([{ code: 'trigger_count' }]);
  });

  it('reports a second trigger, naming the second node', () => {
    // Start ──▶ Prepare
    // Second
    const subject = graph([manualTrigger(), setFields('Prepare'), manualTrigger('Second')], [edge('Start', 'Prepare')]);
    expect(withoutMessages(problemsOf(subject))).toEqual([{ code: 'trigger_count', nodeId: 'Second' }]);
  });

  it('reports a node type the catalogue does not know, on its type field', () => {
    // Start ──▶ Beam (action.teleport)
    const subject = graph([manualTrigger(), node('Beam', 'action.teleport')], [edge('Start', 'Beam')]);
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'unknown_node_type', nodeId: 'Beam', field: 'type' },
    ]);
  });

  it('reports an If rule without a right-hand value at config.rules.0.right, and keeps its true/false ports', () => {
    // Start ──▶ Check ──true──▶ Big
    //             └────false──▶ Small
    const subject = graph(
      [
        manualTrigger(),
        node('Check', 'condition.if', { rules: [{ left: '{{ input.total }}', operator: 'greaterThan' }] }),
        setFields('Big'),
        setFields('Small'),
      ],
      [edge('Start', 'Check'), edge('Check', 'Big', 'true'), edge('Check', 'Small', 'false')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'invalid_config', nodeId: 'Check', field: 'config.rules.0.right' },
    ]);
  });

  it.each(['ftp://files.example.com/report.csv', 'not a url'])('reports an HTTP url %j at config.url', (url) => {
    // Start ──▶ Fetch
    const subject = graph([manualTrigger(), httpNode('Fetch', url)], [edge('Start', 'Fetch')]);
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'invalid_config', nodeId: 'Fetch', field: 'config.url' },
    ]);
  });

  it('reports a {{ }} that is not one JavaScript expression, with its place and the user’s own text', () => {
    // Start ──▶ Price ──▶ Call
    const subject = graph(
      [
        manualTrigger(),
        setFields('Price', ['price', 'Price: {{ input.}}'], ['ok', '{{ ({ total: input.total ?? 0 }) }}']),
        httpNode('Call', 'https://a.test/{{ input.id }}', { method: 'POST', body: { note: '{{ input.a input.b }}' } }),
      ],
      [edge('Start', 'Price'), edge('Price', 'Call')],
    );
    const problems = problemsOf(subject);
    expect(problems).toEqual([
      {
        code: 'invalid_expression',
        nodeId: 'Price',
        field: 'config.fields.0.value',
        position: 16,
        message:
          'Price: Value of field 1: "{{ input.}}": the expression stops after "input." — a name should follow the dot',
      },
      {
        code: 'invalid_expression',
        nodeId: 'Call',
        field: 'config.body.note',
        position: 11,
        message:
          'Call: Body: "{{ input.a input.b }}": the expression "input.a" is complete, so "input.b" after it does not belong there',
      },
    ]);
  });

  it('checks expressions only where the config evaluates them, and says an unclosed "{{" once', () => {
    // Start ──▶ Code ──▶ Keep
    const subject = graph(
      [
        manualTrigger(),
        node('Code', 'transform.script', { code: 'return "{{ not a template ."' }),
        setFields('Keep', ['note', 'total {{ input.total']),
      ],
      [edge('Start', 'Code'), edge('Code', 'Keep')],
    );
    expect(problemsOf(subject)).toEqual([
      {
        code: 'invalid_expression',
        nodeId: 'Keep',
        field: 'config.fields.0.value',
        position: 6,
        message: 'Keep: Value of field 1: "{{" at character 7 is never closed with "}}"',
      },
    ]);
  });

  it('words config problems as a person would, with the field’s label, never zod’s words or a path', () => {
    // Start ──▶ Call ──▶ Wait          Hook (a second trigger, its path refused too)
    const subject = graph(
      [
        manualTrigger(),
        httpNode('Call', '', { timeoutMs: 10 }),
        node('Wait', 'flow.delay', { amount: 0 }),
        node('Every', 'trigger.schedule', { cron: '0 25 * * *' }),
      ],
      [edge('Start', 'Call'), edge('Call', 'Wait')],
    );
    const messages = problemsOf(subject)
      .filter((problem) => problem.code === 'invalid_config')
      .map((problem) => problem.message);
    expect(messages).toEqual([
      'Call: URL is required',
      'Call: Timeout (ms) must be at least 100',
      'Wait: Amount must be at least 1',
      'Every: Cron is not a schedule: 25 is not a valid hour (it takes 0–23)',
    ]);
  });

  it('does not guess the ports of a switch whose config is invalid', () => {
    // Start ──▶ Route ──vip──▶ Priority        (Route has no cases, so its ports are unknown)
    const subject = graph(
      [
        manualTrigger(),
        node('Route', 'condition.switch', { value: '{{ input.tier }}', cases: [] }),
        setFields('Priority'),
      ],
      [edge('Start', 'Route'), edge('Route', 'Priority', 'vip')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'invalid_config', nodeId: 'Route', field: 'config.cases' },
    ]);
  });

  it('reports a duplicate node id', () => {
    // Start ──▶ Prepare
    // Prepare (a second node with the same id, named "Prepare again")
    const subject = graph(
      [manualTrigger(), setFields('Prepare'), node('Prepare', 'transform.set', {}, { name: 'Prepare again' })],
      [edge('Start', 'Prepare')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([{ code: 'duplicate_id', nodeId: 'Prepare', field: 'id' }]);
  });

  it('reports a duplicate node name on the node that reuses it', () => {
    // Start ──▶ First ("Prepare") ──▶ Second ("Prepare")
    const subject = graph(
      [
        manualTrigger(),
        node('First', 'transform.set', {}, { name: 'Prepare' }),
        node('Second', 'transform.set', {}, { name: 'Prepare' }),
      ],
      [edge('Start', 'First'), edge('First', 'Second')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([{ code: 'duplicate_name', nodeId: 'Second', field: 'name' }]);
  });

  it('reports an edge to a node that does not exist, on its target', () => {
    // Start ──▶ Prepare
    //   └─────▶ Ghost (missing)
    const subject = graph([manualTrigger(), setFields('Prepare')], [edge('Start', 'Prepare'), edge('Start', 'Ghost')]);
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'dangling_edge', edgeId: 'Start-main-Ghost', field: 'target' },
    ]);
  });

  it('reports an edge from a node that does not exist, on its source', () => {
    // Start
    // Ghost (missing) ──▶ Prepare
    const subject = graph([manualTrigger(), setFields('Prepare')], [edge('Ghost', 'Prepare')]);
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'dangling_edge', edgeId: 'Ghost-main-Prepare', field: 'source' },
      { code: 'unreachable', nodeId: 'Prepare' },
    ]);
  });

  it('reports a node connected to itself', () => {
    // Start ──▶ Prepare ─┐
    //              ▲─────┘
    const subject = graph(
      [manualTrigger(), setFields('Prepare')],
      [edge('Start', 'Prepare'), edge('Prepare', 'Prepare')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([{ code: 'self_loop', edgeId: 'Prepare-main-Prepare' }]);
  });

  it('reports an edge leaving an If by "main", which it does not have', () => {
    // Start ──▶ Check ──main──▶ Notify
    const subject = graph(
      [manualTrigger(), ifNode('Check'), httpNode('Notify')],
      [edge('Start', 'Check'), edge('Check', 'Notify', 'main')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'unknown_port', edgeId: 'Check-main-Notify', field: 'sourcePort' },
      { code: 'unreachable', nodeId: 'Notify' },
    ]);
  });

  it('reports an edge leaving a switch by a port none of its cases declares', () => {
    // Start ──▶ Route ──vip─────▶ Priority
    //             ├────gold────▶ Gold          (no "gold" case)
    //             └────default─▶ Standard
    const subject = graph(
      [
        manualTrigger(),
        node('Route', 'condition.switch', { value: '{{ input.tier }}', cases: [{ port: 'vip', value: 'vip' }] }),
        setFields('Priority'),
        setFields('Gold'),
        setFields('Standard'),
      ],
      [
        edge('Start', 'Route'),
        edge('Route', 'Priority', 'vip'),
        edge('Route', 'Gold', 'gold'),
        edge('Route', 'Standard', 'default'),
      ],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'unknown_port', edgeId: 'Route-gold-Gold', field: 'sourcePort' },
      { code: 'unreachable', nodeId: 'Gold' },
    ]);
  });

  it('reports an edge into the trigger', () => {
    // Start ──▶ Prepare
    //   ▲──────────┘
    const subject = graph(
      [manualTrigger(), setFields('Prepare')],
      [edge('Start', 'Prepare'), edge('Prepare', 'Start')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'trigger_has_input', edgeId: 'Prepare-main-Start', field: 'target' },
    ]);
  });

  it('reports the second of two edges joining the same port to the same node, and counts it as one input', () => {
    // Start ══▶ Prepare    (edges e1 and e2)
    const subject = graph(
      [manualTrigger(), setFields('Prepare')],
      [edge('Start', 'Prepare', 'main', 'e1'), edge('Start', 'Prepare', 'main', 'e2')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([{ code: 'duplicate_edge', edgeId: 'e2' }]);
  });

  it('reports two inbound edges into a node that is not a merge', () => {
    // Start ──▶ Check ──true──▶ Big ───▶ Notify
    //             └────false──▶ Small ─┘
    const subject = graph(
      [manualTrigger(), ifNode('Check'), setFields('Big'), setFields('Small'), httpNode('Notify')],
      [
        edge('Start', 'Check'),
        edge('Check', 'Big', 'true'),
        edge('Check', 'Small', 'false'),
        edge('Big', 'Notify'),
        edge('Small', 'Notify'),
      ],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([{ code: 'too_many_inputs', nodeId: 'Notify' }]);
  });

  it('counts both ports of an If into one node as two inputs, not as a duplicate edge', () => {
    // Start ──▶ Check ──true──▶ Notify
    //             └────false────▲
    const subject = graph(
      [manualTrigger(), ifNode('Check'), httpNode('Notify')],
      [edge('Start', 'Check'), edge('Check', 'Notify', 'true'), edge('Check', 'Notify', 'false')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([{ code: 'too_many_inputs', nodeId: 'Notify' }]);
  });

  it('reports a cycle on the edge that closes it', () => {
    // Start ──▶ A ──▶ B ──▶ C
    //           ▲───────────┘
    const subject = graph(
      [manualTrigger(), setFields('A'), setFields('B'), setFields('C')],
      [edge('Start', 'A'), edge('A', 'B'), edge('B', 'C'), edge('C', 'A')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'too_many_inputs', nodeId: 'A' },
      { code: 'cycle', edgeId: 'C-main-A', nodeId: 'A' },
    ]);
  });

  it('reports every node the trigger cannot reach', () => {
    // Start ──▶ Prepare
    // Orphan ──▶ Lonely
    const subject = graph(
      [manualTrigger(), setFields('Prepare'), setFields('Orphan'), setFields('Lonely')],
      [edge('Start', 'Prepare'), edge('Orphan', 'Lonely')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'unreachable', nodeId: 'Orphan' },
      { code: 'unreachable', nodeId: 'Lonely' },
    ]);
  });

  it('still reports unreachable nodes and bad references in a graph that loops', () => {
    // Start ──▶ A ──▶ B        A reads steps.Nope (no such node)
    //           ▲─────┘
    // Orphan
    const subject = graph(
      [manualTrigger(), setFields('A', ['x', '{{ steps.Nope.output }}']), setFields('B'), setFields('Orphan')],
      [edge('Start', 'A'), edge('A', 'B'), edge('B', 'A')],
    );
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'too_many_inputs', nodeId: 'A' },
      { code: 'cycle', edgeId: 'B-main-A', nodeId: 'A' },
      { code: 'unreachable', nodeId: 'Orphan' },
      { code: 'unknown_step_reference', nodeId: 'A', field: 'config.fields.0.value' },
    ]);
  });

  it('reports a Respond to webhook node unless the trigger is a webhook set to respond from it', () => {
    // Start ──▶ Reply (action.respond)
    const under = (trigger: GraphNode) =>
      graph([trigger, node('Reply', 'action.respond')], [edge(trigger.id, 'Reply')]);
    const problems = problemsOf(under(manualTrigger()));
    expect(withoutMessages(problems)).toEqual([{ code: 'needs_trigger', nodeId: 'Reply' }]);
    expect(problems[0]?.message).toBe(
      '"Reply" answers the webhook request that started the run: the workflow needs a Webhook trigger with Respond set to "respond node"',
    );
    const hook = (config: Record<string, unknown>) => node('Start', 'trigger.webhook', { path: 'orders', ...config });
    expect(withoutMessages(problemsOf(under(hook({}))))).toEqual([{ code: 'needs_trigger', nodeId: 'Reply' }]);
    expect(withoutMessages(problemsOf(under(hook({ respond: 'lastNode' }))))).toEqual([
      { code: 'needs_trigger', nodeId: 'Reply' },
    ]);
    expect(problemsOf(under(hook({ respond: 'respondNode' })))).toEqual([]);
  });

  it('does not read a property named steps as a step reference', () => {
    // Start ──▶ Count        Count reads input.steps.length and trigger.steps["x"]
    const subject = graph(
      [manualTrigger(), setFields('Count', ['n', '{{ input.steps.length }}'], ['m', '{{ trigger.steps["x"] }}'])],
      [edge('Start', 'Count')],
    );
    expect(problemsOf(subject)).toEqual([]);
  });

  describe('step references', () => {
    it('reports a reference to a step that does not exist, at the field holding it', () => {
      // Start ──▶ Prepare        (Prepare reads steps.Nope.output)
      const subject = graph(
        [manualTrigger(), setFields('Prepare', ['email', '{{ steps.Nope.output.email }}'])],
        [edge('Start', 'Prepare')],
      );
      expect(withoutMessages(problemsOf(subject))).toEqual([
        { code: 'unknown_step_reference', nodeId: 'Prepare', field: 'config.fields.0.value' },
      ]);
    });

    it('gives the dot path of a reference nested deep in a config', () => {
      // Start ──▶ Notify         (Notify's body.customer.email reads steps.Nope.output)
      const subject = graph(
        [
          manualTrigger(),
          httpNode('Notify', 'https://hooks.example.com/orders', {
            method: 'POST',
            body: { customer: { tags: ['new'], email: '{{ steps.Nope.output }}' } },
          }),
        ],
        [edge('Start', 'Notify')],
      );
      expect(withoutMessages(problemsOf(subject))).toEqual([
        { code: 'unknown_step_reference', nodeId: 'Notify', field: 'config.body.customer.email' },
      ]);
    });

    it('reports a reference to a step on a sibling branch', () => {
      // Start ──▶ Check ──true──▶ Notify
      //             └────false──▶ Fallback     (Fallback reads steps.Notify.output, which never ran)
      const subject = graph(
        [
          manualTrigger(),
          ifNode('Check'),
          httpNode('Notify'),
          setFields('Fallback', ['note', 'no call made'], ['status', '{{ steps.Notify.output.status }}']),
        ],
        [edge('Start', 'Check'), edge('Check', 'Notify', 'true'), edge('Check', 'Fallback', 'false')],
      );
      expect(withoutMessages(problemsOf(subject))).toEqual([
        { code: 'unknown_step_reference', nodeId: 'Fallback', field: 'config.fields.1.value' },
      ]);
    });

    it('reports references to a downstream step and to the step itself', () => {
      // Start ──▶ Prepare ──▶ Notify     (Prepare reads steps.Notify and steps.Prepare)
      const subject = graph(
        [
          manualTrigger(),
          setFields('Prepare', ['later', '{{ steps.Notify.output }}'], ['self', '{{ steps.Prepare.output }}']),
          httpNode('Notify'),
        ],
        [edge('Start', 'Prepare'), edge('Prepare', 'Notify')],
      );
      expect(withoutMessages(problemsOf(subject))).toEqual([
        { code: 'unknown_step_reference', nodeId: 'Prepare', field: 'config.fields.0.value' },
        { code: 'unknown_step_reference', nodeId: 'Prepare', field: 'config.fields.1.value' },
      ]);
    });
  });

  it('lists every fault at once, each with a message', () => {
    // Start ──▶ Fetch ──▶ Beam        Fetch: url is not a URL, body reads steps.Nope
    // Orphan                          Beam: type action.teleport does not exist
    const subject = graph(
      [
        manualTrigger(),
        httpNode('Fetch', 'not a url', { method: 'POST', body: { id: '{{ steps.Nope.output.id }}' } }),
        node('Beam', 'action.teleport'),
        setFields('Orphan'),
      ],
      [edge('Start', 'Fetch'), edge('Fetch', 'Beam')],
    );
    const problems = problemsOf(subject);
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(withoutMessages(problems)).toEqual([
      { code: 'invalid_config', nodeId: 'Fetch', field: 'config.url' },
      { code: 'unknown_node_type', nodeId: 'Beam', field: 'type' },
      { code: 'unreachable', nodeId: 'Orphan' },
      { code: 'unknown_step_reference', nodeId: 'Fetch', field: 'config.body.id' },
    ]);
    for (const problem of problems) expect(problem.message).toMatch(/\S/);
  });
});

describe('validateGraph: large graphs', () => {
  it('validates a chain of 2000 nodes, finding no problem', () => {
    // n0 ──▶ n1 ──▶ n2 ──▶ … ──▶ n1999   (how long it takes: `npm run bench store`)
    const subject = chain(2000);
    expect(subject.nodes).toHaveLength(2000);
    expect(problemsOf(subject)).toEqual([]);
  });

  it('checks step references between nodes far apart in a 2000-node chain', () => {
    // n0 ──▶ n1 ──▶ n2 ──▶ … ──▶ n1999
    // Every n<i> reads steps.n0 and steps.n<i-1>; n1000 also reads steps.n1999, which runs after it.
    const long = chain(2000);
    const nodes = long.nodes.map((step, index) => {
      if (index === 0) return step;
      const fields: Array<[string, string]> = [
        ['first', '{{ steps.n0.output }}'],
        ['previous', `{{ steps.n${index - 1}.output }}`],
      ];
      if (index === 1000) fields.push(['last', '{{ steps.n1999.output }}']);
      return setFields(step.id, ...fields);
    });
    expect(withoutMessages(problemsOf(graph(nodes, long.edges)))).toEqual([
      { code: 'unknown_step_reference', nodeId: 'n1000', field: 'config.fields.2.value' },
    ]);
  });

  it('finds a cycle closed at the far end of a 2000-node chain', () => {
    // n0 ──▶ n1 ──▶ n2 ──▶ … ──▶ n1999
    //        ▲────────────────────┘
    const long = chain(2000);
    const subject = graph(long.nodes, [...long.edges, edge('n1999', 'n1')]);
    expect(withoutMessages(problemsOf(subject))).toEqual([
      { code: 'too_many_inputs', nodeId: 'n1' },
      { code: 'cycle', edgeId: 'n1999-main-n1', nodeId: 'n1' },
    ]);
  });

  it('walks graphs iteratively, so even a chain far deeper than the call stack does not overflow', () => {
    // n0 ──▶ n1 ──▶ … ──▶ n49999
    // A recursive walk survives 2000 levels, so only a chain beyond MAX_NODES shows the walk is not
    // recursive; validateGraph itself does not enforce the limit (the Graph schema does).
    const nodes: GraphNode[] = [manualTrigger('n0')];
    const edges: GraphEdge[] = [];
    for (let index = 1; index < 50_000; index++) {
      nodes.push(setFields(`n${index}`));
      edges.push(edge(`n${index - 1}`, `n${index}`));
    }
    expect(validateGraph({ nodes, edges })).toEqual([]);
    expect(validateGraph({ nodes, edges: [...edges, edge('n49999', 'n1')] }).map((problem) => problem.code)).toEqual([
      'too_many_inputs',
      'cycle',
    ]);
  });
});
