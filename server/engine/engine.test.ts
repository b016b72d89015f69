import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph.ts';
import { testEngine, testHttpServer } from './test-engine.ts';

let engine: Awaited<ReturnType<typeof testEngine>>;
let http: Awaited<ReturnType<typeof testHttpServer>>;
beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  http = await testHttpServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ received: JSON.parse(request.body || 'null') }));
  });
});
afterAll(async () => {
  await engine?.close();
  await http?.close();
});

describe('a linear run', () => {
  it('runs trigger → set → if → script → http, storing every step', async () => {
    //  Start ──▶ Tidy ──▶ Big? ─true─▶ Score ──▶ Notify
    const graph: Graph = {
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
            url: `${http.url}/hook`,
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
    const execution = await engine.run(graph, { email: 'ADA@Example.COM', total: 150 });
    const { execution: done, steps } = await engine.finished(execution.id);
    expect(done.status).toBe('succeeded');
    expect(steps.map((step) => [step.nodeId, step.status])).toEqual([
      ['start', 'succeeded'],
      ['tidy', 'succeeded'],
      ['big', 'succeeded'],
      ['score', 'succeeded'],
      ['notify', 'succeeded'],
    ]);
    const byNode = Object.fromEntries(steps.map((step) => [step.nodeId, step]));
    expect(byNode.tidy?.output).toEqual({ email: 'ada@example.com', total: 150 });
    expect(byNode.big?.outputPort).toBe('true');
    expect(byNode.score?.input).toEqual({ email: 'ada@example.com', total: 150 });
    expect(byNode.score?.output).toEqual({ score: 300, email: 'ada@example.com' });
    expect(byNode.notify?.output).toMatchObject({
      status: 200,
      body: { received: { who: 'ada@example.com', score: 300 } },
    });
    expect(http.requests.at(-1)?.headers['idempotency-key']).toBe(`${execution.id}:notify`);
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt).not.toBeNull();
  });
});
