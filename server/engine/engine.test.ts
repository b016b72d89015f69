import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine, testHttpServer } from '../testing/engine.ts';
import { fiveStepWorkflow } from '../testing/sample-workflows.ts';

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
    const graph = fiveStepWorkflow(`${http.url}/hook`);
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
