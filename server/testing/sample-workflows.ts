import type { Graph } from '../core/graph/model.ts';

/**
 * The workflow the engine test checks step by step and the benchmark runs by the thousand, so the
 * figures measure exactly what the test proves correct.
 *
 *   Start ──▶ Tidy ──▶ Big? ─true─▶ Score ──▶ Notify (POST to `notifyUrl`)
 *
 * Tidy lower-cases `email` with an expression; Big? passes when `total` > 100; Score is a script
 * that reads Tidy's output through `steps`; Notify posts a body built from expressions.
 */
export function fiveStepWorkflow(notifyUrl: string): Graph {
  return {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'tidy',
        type: 'transform.set',
        name: 'Tidy',
        position: { x: 0, y: 100 },
        config: { fields: [{ path: 'email', value: '{{ input.email.toLowerCase() }}' }] },
      },
      {
        id: 'big',
        type: 'condition.if',
        name: 'Big?',
        position: { x: 0, y: 200 },
        config: { rules: [{ left: '{{ input.total }}', operator: 'greaterThan', right: '100' }] },
      },
      {
        id: 'score',
        type: 'transform.script',
        name: 'Score',
        position: { x: 0, y: 300 },
        config: { code: 'return { score: input.total * 2, email: steps.Tidy.output.email };' },
      },
      {
        id: 'notify',
        type: 'action.http',
        name: 'Notify',
        position: { x: 0, y: 400 },
        config: {
          method: 'POST',
          url: notifyUrl,
          body: { who: '{{ input.email }}', score: '{{ input.score }}' },
        },
      },
    ],
    edges: [
      { id: 'e1', source: 'start', sourcePort: 'main', target: 'tidy' },
      { id: 'e2', source: 'tidy', sourcePort: 'main', target: 'big' },
      { id: 'e3', source: 'big', sourcePort: 'true', target: 'score' },
      { id: 'e4', source: 'score', sourcePort: 'main', target: 'notify' },
    ],
  };
}
