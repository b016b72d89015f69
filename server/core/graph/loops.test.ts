import { describe, expect, it } from 'vitest';
import { edge, graph, manualTrigger, node, setFields } from '../../testing/graph-fixtures.ts';
import { validateGraph } from '../validate.ts';
import type { GraphEdge, GraphNode, Problem } from './model.ts';

const loop = (id: string, overrides: Partial<GraphNode> = {}) =>
  node(id, 'flow.loop', { items: '{{ input.orders }}' }, { size: { width: 600, height: 240 }, ...overrides });
const inside = (parentId: string, subject: GraphNode): GraphNode => ({ ...subject, parentId });

/*
 *  Start ──▶ Each ──done──▶ After
 *            ┌ Each ─────────────────────────┐
 *            │ body─▶ Fetch ──▶ Shape ──▶ (back to Each)
 *            └───────────────────────────────┘
 */
const nodes = (): GraphNode[] => [
  manualTrigger(),
  loop('Each'),
  inside('Each', setFields('Fetch', ['id', '{{ item.id }}'], ['position', '{{ index }}'])),
  inside('Each', setFields('Shape', ['fetched', '{{ steps.Fetch.output.id }}'], ['from', '{{ steps.Start.output }}'])),
  setFields('After', ['all', '{{ steps.Each.output }}']),
];
const edges = (): GraphEdge[] => [
  edge('Start', 'Each'),
  edge('Each', 'Fetch', 'body'),
  edge('Fetch', 'Shape'),
  edge('Shape', 'Each'),
  edge('Each', 'After', 'done'),
];

const loopProblems = (problems: Problem[]) =>
  problems.filter((problem) =>
    ['loop_body', 'loop_variable', 'unknown_step_reference', 'cycle', 'too_many_inputs', 'unreachable'].includes(
      problem.code,
    ),
  );

describe('validateGraph: loops', () => {
  it('accepts a loop whose body starts at its body port and ends back at the loop, reading item and index', () => {
    expect(validateGraph(graph(nodes(), edges()))).toEqual([]);
  });

  it('accepts a loop nested in another, reading the outer item and steps of the outer body', () => {
    //  Start ──▶ Outer ┌ body─▶ Prep ──▶ Inner ┌ body─▶ Deep ─(back to Inner) ┐ ──done──▶ Sum ─(back to Outer)
    const subject = graph(
      [
        manualTrigger(),
        loop('Outer'),
        inside('Outer', setFields('Prep', ['x', '{{ item }}'])),
        inside('Outer', loop('Inner', { config: { items: '{{ steps.Prep.output.x.lines }}' } })),
        inside('Inner', setFields('Deep', ['line', '{{ item }}'], ['order', '{{ steps.Prep.output.x }}'])),
        inside('Outer', setFields('Sum', ['lines', '{{ steps.Inner.output }}'])),
      ],
      [
        edge('Start', 'Outer'),
        edge('Outer', 'Prep', 'body'),
        edge('Prep', 'Inner'),
        edge('Inner', 'Deep', 'body'),
        edge('Deep', 'Inner'),
        edge('Inner', 'Sum', 'done'),
        edge('Sum', 'Outer'),
      ],
    );
    expect(validateGraph(subject)).toEqual([]);
  });

  it('reports a loop without a body, and one whose body does not come back', () => {
    const bare = graph([manualTrigger(), loop('Each')], [edge('Start', 'Each')]);
    expect(loopProblems(validateGraph(bare))).toEqual([
      {
        code: 'loop_body',
        nodeId: 'Each',
        message: '"Each" has no body: connect its body port to the first node inside its frame',
      },
    ]);
    const open = graph(
      nodes(),
      edges().filter((candidate) => candidate.id !== 'Shape-main-Each'),
    );
    expect(loopProblems(validateGraph(open))).toEqual([
      {
        code: 'loop_body',
        nodeId: 'Each',
        message: 'the body of "Each" does not end: connect its last node back to "Each"',
      },
    ]);
  });

  it('does not count the return edge as a cycle nor as a second input of the loop', () => {
    const problems = validateGraph(graph(nodes(), edges()));
    expect(problems.filter((problem) => problem.code === 'cycle' || problem.code === 'too_many_inputs')).toEqual([]);
  });

  it('reports a second body start and a second body end, on the edge that adds it', () => {
    const subject = graph(
      [...nodes(), inside('Each', setFields('Other'))],
      [...edges(), edge('Each', 'Other', 'body'), edge('Other', 'Each')],
    );
    // "Other" is then unreachable too: the refused body edge does not count.
    expect(validateGraph(subject).filter((problem) => problem.code === 'loop_body')).toEqual([
      {
        code: 'loop_body',
        edgeId: 'Each-body-Other',
        nodeId: 'Each',
        message: 'the body of "Each" already starts at "Fetch"; a loop\'s body has one first node',
      },
      {
        code: 'loop_body',
        edgeId: 'Other-main-Each',
        nodeId: 'Each',
        message: 'the body of "Each" already ends at "Shape", connected back to it; a loop\'s body has one last node',
      },
    ]);
  });

  it('reports edges that cross a frame other than by the body port or the return edge', () => {
    const subject = graph(nodes(), [
      ...edges(),
      edge('After', 'Shape', 'main', 'into'),
      edge('Fetch', 'After', 'main', 'out'),
      edge('Each', 'Shape', 'done', 'done-in'),
    ]);
    expect(loopProblems(validateGraph(subject)).filter((problem) => problem.edgeId)).toEqual([
      {
        code: 'loop_body',
        edgeId: 'into',
        field: 'target',
        message: '"Shape" is inside the loop "Each": its frame is entered only from the body port of "Each"',
      },
      {
        code: 'loop_body',
        edgeId: 'out',
        field: 'source',
        message:
          '"Fetch" is inside the loop "Each": only the body\'s last node leaves its frame, connected back to "Each"',
      },
      {
        code: 'loop_body',
        edgeId: 'done-in',
        field: 'target',
        message: '"Shape" is inside the loop "Each": its frame is entered only from the body port of "Each"',
      },
    ]);
  });

  it('reports a body port leading outside its frame', () => {
    const subject = graph(nodes(), [
      ...edges().filter((candidate) => candidate.sourcePort !== 'body'),
      edge('Each', 'After', 'body'),
    ]);
    expect(loopProblems(validateGraph(subject))).toContainEqual({
      code: 'loop_body',
      edgeId: 'Each-body-After',
      field: 'target',
      message: 'the body port of "Each" leads into its frame: "After" is not inside "Each"',
    });
  });

  it('reports a parent that is missing, not a loop, or inside its own child, and a trigger in a frame', () => {
    const subject = graph([
      { ...manualTrigger(), parentId: 'A' },
      inside('ghost', setFields('Lost')),
      inside('Plain', setFields('Wrong')),
      setFields('Plain'),
      inside('B', loop('A')),
      inside('A', loop('B')),
    ]);
    expect(
      validateGraph(subject)
        .filter((problem) => problem.field === 'parentId')
        .map(({ nodeId, message }) => ({ nodeId, message })),
    ).toEqual([
      { nodeId: 'Start', message: '"Start" is a trigger and cannot be inside the loop "A"; runs start outside loops' },
      { nodeId: 'Lost', message: '"Lost" is placed in "ghost", which is not a node of this workflow' },
      { nodeId: 'Wrong', message: '"Wrong" is placed inside "Plain", which is not a loop' },
      { nodeId: 'A', message: '"A" is inside a loop that is itself inside "A"' },
      { nodeId: 'B', message: '"B" is inside a loop that is itself inside "B"' },
    ]);
  });

  it('lets nodes outside a body read it only through the loop, naming the loop to use', () => {
    const subject = graph([...nodes().slice(0, 4), setFields('After', ['one', '{{ steps.Shape.output }}'])], edges());
    expect(loopProblems(validateGraph(subject))).toEqual([
      {
        code: 'unknown_step_reference',
        nodeId: 'After',
        field: 'config.fields.0.value',
        message:
          'After: config.fields.0.value: "Shape" runs inside the loop "Each", once per item: use steps.Each.output',
      },
    ]);
  });

  it('names the outermost loop the reader is not in, for a node of a nested body', () => {
    const subject = graph(
      [
        manualTrigger(),
        loop('Outer'),
        inside('Outer', loop('Inner')),
        inside('Inner', setFields('Deep')),
        setFields('After', ['x', '{{ steps.Deep.output }}']),
      ],
      [
        edge('Start', 'Outer'),
        edge('Outer', 'Inner', 'body'),
        edge('Inner', 'Deep', 'body'),
        edge('Deep', 'Inner'),
        edge('Inner', 'Outer', 'done'),
        edge('Outer', 'After', 'done'),
      ],
    );
    expect(validateGraph(subject).map((problem) => problem.message)).toEqual([
      'After: config.fields.0.value: "Deep" runs inside the loop "Outer", once per item: use steps.Outer.output',
    ]);
  });

  it('reports item and index outside every loop body, but not a function parameter or a property so named', () => {
    const subject = graph(
      [
        manualTrigger(),
        setFields(
          'Outside',
          ['a', '{{ item.id }}'],
          ['b', '{{ input.list.map((item, index) => item.id + index) }}'],
          ['c', '{{ input.item + input["index"] }}'],
          ['d', '{{ ({ item: 1 }).item }} {{ index }}'],
        ),
      ],
      [edge('Start', 'Outside')],
    );
    expect(validateGraph(subject)).toEqual([
      {
        code: 'loop_variable',
        nodeId: 'Outside',
        field: 'config.fields.0.value',
        message: 'Outside: config.fields.0.value: "item" exists only inside a loop\'s frame; "Outside" is not in one',
      },
      {
        code: 'loop_variable',
        nodeId: 'Outside',
        field: 'config.fields.3.value',
        message: 'Outside: config.fields.3.value: "index" exists only inside a loop\'s frame; "Outside" is not in one',
      },
    ]);
  });
});
