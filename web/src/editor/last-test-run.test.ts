import { describe, expect, it } from 'vitest';
import type { call } from '../api/client.ts';
import { fetchLastTestRun } from '../api/queries/executions.ts';
import type { ExecutionDetail, ExecutionSummary, Graph, StepRun } from '../api/types.ts';
import { expressionPaths } from '../forms/completions.ts';
import { scopeFor } from './scope.ts';

const summary: ExecutionSummary = {
  id: 'e1',
  workflowId: 'w1',
  workflowName: 'Orders',
  versionId: null,
  versionNumber: null,
  trigger: 'test',
  status: 'succeeded',
  error: null,
  retryOf: null,
  retriedAs: null,
  parentExecutionId: null,
  errorOf: null,
  handledErrors: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
  durationMs: 1000,
};

const step = (nodeId: string, attempt: number, input: unknown, output: unknown): StepRun => ({
  id: `${nodeId}-${attempt}`,
  nodeId,
  scope: '',
  attempt,
  status: 'succeeded',
  input,
  output,
  outputPort: 'main',
  error: null,
  request: null,
  truncated: false,
  reused: false,
  handled: false,
  retryAt: null,
  continueAt: null,
  waitingFor: null,
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:00.100Z',
  durationMs: 100,
  child: null,
});

//   start ──▶ lookup ──▶ compose
const graph: Graph = {
  nodes: [
    { id: 'start', type: 'trigger.manual', name: 'Start', position: { x: 0, y: 0 }, config: {} },
    { id: 'lookup', type: 'transform.set', name: 'Lookup', position: { x: 0, y: 0 }, config: {} },
    { id: 'compose', type: 'transform.set', name: 'Compose', position: { x: 0, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'a', source: 'start', sourcePort: 'main', target: 'lookup' },
    { id: 'b', source: 'lookup', sourcePort: 'main', target: 'compose' },
  ],
};

const detail: ExecutionDetail = {
  ...summary,
  parent: null,
  triggerPayload: { email: 'ada@example.com' },
  vars: {},
  graph,
  steps: [
    step('start', 1, { email: 'ada@example.com' }, { email: 'ada@example.com' }),
    step('lookup', 1, { email: 'ada@example.com' }, { customer: { id: 1 } }),
    step('lookup', 2, { email: 'ada@example.com' }, { customer: { email: 'ada@example.com' } }),
    step('compose', 1, { customer: { email: 'ada@example.com' } }, {}),
  ],
};

describe('fetchLastTestRun', () => {
  it('asks for the newest test run of the workflow, then its detail', async () => {
    const asked: Array<[string, unknown]> = [];
    const send = (async (endpoint: string, input: unknown) => {
      asked.push([endpoint, input]);
      return endpoint === 'GET /executions' ? { items: [summary], nextCursor: null } : detail;
    }) as typeof call;
    expect(await fetchLastTestRun(send, 'w1')).toBe(detail);
    expect(asked).toEqual([
      ['GET /executions', { query: { workflowId: 'w1', trigger: 'test', limit: 1 } }],
      ['GET /executions/:id', { params: { id: 'e1' } }],
    ]);
  });

  it('answers null for a workflow never test-run, without a second request', async () => {
    const asked: string[] = [];
    const send = (async (endpoint: string) => {
      asked.push(endpoint);
      return { items: [], nextCursor: null };
    }) as typeof call;
    expect(await fetchLastTestRun(send, 'w1')).toBeNull();
    expect(asked).toEqual(['GET /executions']);
  });
});

describe('scopeFor a stored run', () => {
  it('offers the latest attempt of the steps before the node, its input and the trigger payload', () => {
    const paths = expressionPaths(scopeFor(graph, 'compose', detail));
    expect(paths.get('steps.Lookup.output.customer.email')).toBe('ada@example.com');
    expect(paths.has('steps.Lookup.output.customer.id')).toBe(false);
    expect(paths.get('steps.Start.output.email')).toBe('ada@example.com');
    expect(paths.get('input.customer.email')).toBe('ada@example.com');
    expect(paths.get('trigger.email')).toBe('ada@example.com');
    expect(paths.has('steps.Compose.output')).toBe(false);
  });

  it('follows a node renamed since the run: steps are matched by id', () => {
    const renamed: Graph = {
      ...graph,
      nodes: graph.nodes.map((node) => (node.id === 'lookup' ? { ...node, name: 'Find customer' } : node)),
    };
    const paths = expressionPaths(scopeFor(renamed, 'compose', detail));
    expect(paths.get('steps["Find customer"].output.customer.email')).toBe('ada@example.com');
    expect(paths.has('steps.Lookup.output')).toBe(false);
  });

  it('completes `trigger` from the draft’s test payload (a captured webhook request) before the run’s', () => {
    const captured = { method: 'POST', body: { order: { id: 'A-17' } } };
    const paths = expressionPaths(scopeFor(graph, 'compose', detail, captured));
    expect(paths.get('trigger.body.order.id')).toBe('A-17');
    expect(paths.has('trigger.email')).toBe(false);
    // The run's steps still complete as before.
    expect(paths.get('steps.Lookup.output.customer.email')).toBe('ada@example.com');
    // With no run at all, the test payload alone.
    expect(expressionPaths(scopeFor(graph, 'compose', null, captured)).get('trigger.method')).toBe('POST');
  });
});
