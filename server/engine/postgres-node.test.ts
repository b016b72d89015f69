import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../core/graph/model.ts';
import { byNode, edge, node, testEngine } from '../testing/engine.ts';
import { postgresLogin } from '../testing/postgres-login.ts';

/*
 * The PostgreSQL node in real runs: a worker, the credential stored encrypted, and a database of
 * the test's own with a password login on the test run's PostgreSQL. What the execution page
 * shows of a step (its stored `request`) is the query and its parameters, never the password.
 */

let engine: Awaited<ReturnType<typeof testEngine>>;
let login: Awaited<ReturnType<typeof postgresLogin>>;
let credentialId: string;

beforeAll(async () => {
  engine = await testEngine();
  await engine.startWorker();
  login = await postgresLogin();
  const credential = await engine.repos.credentials.insert(engine.masterKey, {
    name: 'Orders database',
    type: 'postgres',
    secret: login.secret,
  });
  credentialId = credential.id;
  const setup = await engine.finished(
    (
      await engine.run({
        nodes: [
          node('start', 'trigger.manual', 'Start'),
          node('create', 'action.postgres', 'Create', {
            credentialId,
            query: 'create table orders (id serial primary key, customer text not null, total numeric not null)',
          }),
        ],
        edges: [edge('start', 'create')],
      })
    ).id,
  );
  expect(setup.execution.status).toBe('succeeded');
});
afterAll(async () => {
  await engine?.close();
  await login?.drop();
});

/**
 *   Start ──▶ Insert (insert … values ($1, $2) returning id) ──▶ Read (select … where customer = $1)
 */
const insertThenRead = (): Graph => ({
  nodes: [
    node('start', 'trigger.manual', 'Start'),
    node('insert', 'action.postgres', 'Insert', {
      credentialId,
      query: 'insert into orders (customer, total)\nvalues ($1, $2)\nreturning id',
      parameters: ['{{ input.customer }}', '{{ input.total }}'],
    }),
    node('read', 'action.postgres', 'Read', {
      credentialId,
      query: 'select id, customer, total from orders where customer = $1 and id = $2',
      parameters: ['{{ trigger.customer }}', '{{ steps.Insert.output.rows[0].id }}'],
    }),
  ],
  edges: [edge('start', 'insert'), edge('insert', 'read')],
});

describe('the PostgreSQL node in a run', () => {
  it('inserts with expression parameters, reads the row back, and shows each query with its parameters', async () => {
    const customer = "Ada'); drop table orders; --";
    const { execution, steps } = await engine.finished(
      (await engine.run(insertThenRead(), { customer, total: 12.5 })).id,
    );
    expect(execution.status).toBe('succeeded');
    const { insert, read } = byNode(steps);
    expect(insert?.output).toMatchObject({ command: 'INSERT', rowCount: 1, rows: [{ id: expect.any(Number) }] });
    const id = (insert?.output as { rows: { id: number }[] } | undefined)?.rows[0]?.id;
    expect(read?.output).toEqual({
      rows: [{ id, customer, total: '12.5' }],
      rowCount: 1,
      fields: [
        { name: 'id', dataTypeID: 23 },
        { name: 'customer', dataTypeID: 25 },
        { name: 'total', dataTypeID: 1700 },
      ],
      command: 'SELECT',
      truncated: false,
    });
    const server = `${login.secret.database} at ${login.secret.host}:${login.secret.port}`;
    expect(insert?.request).toEqual({
      operation: 'postgres.query',
      title: `Query on ${server}`,
      details: {
        query: 'insert into orders (customer, total)\nvalues ($1, $2)\nreturning id',
        parameters: [customer, 12.5],
      },
    });
    expect(read?.request).toEqual({
      operation: 'postgres.query',
      title: `Query on ${server}`,
      details: {
        query: 'select id, customer, total from orders where customer = $1 and id = $2',
        parameters: [customer, id],
      },
    });
  });

  it('fails a bad query at once, keeping what it ran and PostgreSQL’s error, with the password masked', async () => {
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('bad', 'action.postgres', 'Bad', {
          credentialId,
          query: 'select total from orders where customer = $1 and total > $2',
          parameters: ['{{ input.customer }}', '{{ input.password }}'],
        }),
      ],
      edges: [edge('start', 'bad')],
    };
    // A careless workflow that passes the password along: it is masked wherever it would be stored.
    const run = await engine.run(graph, { customer: 'Ada', password: login.secret.password });
    const { execution, steps } = await engine.finished(run.id);
    expect(execution.status).toBe('failed');
    const bad = steps.filter((step) => step.nodeId === 'bad');
    expect(bad).toHaveLength(1); // not retried
    expect(bad[0]?.error).toMatchObject({
      message: expect.stringContaining('PostgreSQL error 22P02: invalid input syntax for type numeric: "••••••"'),
    });
    expect(bad[0]?.request).toMatchObject({ details: { parameters: ['Ada', '••••••'] } });
    // The step's input is what the caller sent; what the step did and how it failed are masked.
    const { error, request, output } = bad[0] ?? {};
    expect(JSON.stringify({ error, request, output, runError: execution.error })).not.toContain(login.secret.password);
  });

  it('retries a server it cannot reach by its retry policy, then fails naming it', async () => {
    // A port nothing listens on any more.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const gone = await engine.repos.credentials.insert(engine.masterKey, {
      name: 'Gone database',
      type: 'postgres',
      secret: { ...login.secret, host: '127.0.0.1', port },
    });
    const graph: Graph = {
      nodes: [
        node('start', 'trigger.manual', 'Start'),
        node('read', 'action.postgres', 'Read', { credentialId: gone.id, query: 'select 1' }),
      ],
      edges: [edge('start', 'read')],
    };
    const { execution, steps } = await engine.finished((await engine.run(graph)).id, 30_000);
    expect(execution.status).toBe('failed');
    expect(steps.filter((step) => step.nodeId === 'read').length).toBe(3);
    expect(JSON.stringify(execution.error)).toContain(`cannot reach PostgreSQL at 127.0.0.1:${port}`);
  });
});
