import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresQueryResult } from '../../nodes/credentials/operations.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { credentialOperations } from '../engine/credential-operations.ts';
import { masterKeyFrom } from '../security/master-key.ts';
import { sqliteRepositories } from '../store/sqlite-repositories.ts';
import { waitUntil } from '../testing/engine.ts';
import { type PostgresSecret, postgresLogin } from '../testing/postgres-login.ts';
import { tempStore } from '../testing/store.ts';
import { capabilityOf } from './capabilities.ts';
import type { OperationRecord } from './define-capability.ts';
import { lineAndColumn } from './postgres-errors.ts';

/*
 * The PostgreSQL credential type against a real server: a database and a password login of the
 * test's own on the test run's PostgreSQL. Queries go through the worker's `useCredential` path
 * (credentialOperations) with the credential stored encrypted in a real SQLite file, so what the
 * tests see is what a step would store: masked answers, records and errors.
 */

const key = masterKeyFrom(randomBytes(32));
let login: Awaited<ReturnType<typeof postgresLogin>>;
let store: ReturnType<typeof tempStore>;

async function stored(name: string, secret: PostgresSecret | Record<string, unknown>) {
  return (await sqliteRepositories(store).credentials.insert(key, { name, type: 'postgres', secret })).id;
}

/** Runs a query with a stored credential as a step would; the records it made are pushed to `records`. */
function run(
  credentialId: string,
  query: string,
  parameters: unknown[] = [],
  options: { maxRows?: number; timeoutMs?: number; signal?: AbortSignal; records?: OperationRecord[] } = {},
) {
  const operate = credentialOperations(sqliteRepositories(store).credentials, key);
  return operate(
    {
      credentialId,
      operation: 'postgres.query',
      request: { query, parameters, maxRows: options.maxRows ?? 1000, timeoutMs: options.timeoutMs ?? 10_000 },
    },
    options.signal ?? new AbortController().signal,
    { executionId: 'exec-pg', record: (done) => options.records?.push(done) },
  ) as Promise<PostgresQueryResult>;
}

let credentialId: string;
/** A port on 127.0.0.1 nothing listens on. */
let closedPort: number;

beforeAll(async () => {
  login = await postgresLogin();
  store = tempStore();
  credentialId = await stored('Orders DB', login.secret);
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  store?.cleanup();
  await login?.drop();
});

describe('postgres.query', () => {
  it('binds parameters as values: an injection attempt is stored as text and the table stays', async () => {
    await run(credentialId, 'create table notes (id serial primary key, body text not null)');
    const attack = "'; drop table notes; --";
    const inserted = await run(credentialId, 'insert into notes (body) values ($1), ($2) returning id, body', [
      attack,
      'second',
    ]);
    expect(inserted).toMatchObject({ command: 'INSERT', rowCount: 2, truncated: false });
    expect(inserted.rows.map((row) => row.body)).toEqual([attack, 'second']);
    const read = await run(credentialId, 'select body from notes where body = $1', [attack]);
    expect(read.rows).toEqual([{ body: attack }]);
    const tables = await run(credentialId, `select count(*)::int as n from pg_tables where tablename = 'notes'`);
    expect(tables.rows).toEqual([{ n: 1 }]);
  });

  it('records the query and its parameters, where it ran, before running it', async () => {
    const records: OperationRecord[] = [];
    await run(credentialId, 'select $1::text as greeting,\n  $2::int as n', ['hello', 42], { records });
    expect(records).toEqual([
      {
        operation: 'postgres.query',
        title: `Query on ${login.secret.database} at ${login.secret.host}:${login.secret.port}`,
        details: { query: 'select $1::text as greeting,\n  $2::int as n', parameters: ['hello', 42] },
      },
    ]);
  });

  it('outputs rows keyed by column, the columns with their types, and JSON values for every type', async () => {
    const result = await run(
      credentialId,
      `select 7::int as small, 9007199254740993::bigint as big, 12.50::numeric as price, true as yes,
              null::text as nothing, '2024-05-01 12:30:00+02'::timestamptz as at, '2024-05-01'::date as day,
              '2024-05-01 12:30:00'::timestamp as local, '1 day 02:00'::interval as span,
              '\\x00ff10'::bytea as bytes, '{"a":[1,2]}'::jsonb as doc, array[1,2,3] as list,
              'infinity'::timestamptz as forever`,
    );
    expect(result.rows).toEqual([
      {
        small: 7,
        big: '9007199254740993',
        price: '12.50',
        yes: true,
        nothing: null,
        at: '2024-05-01T10:30:00.000Z',
        day: '2024-05-01',
        local: '2024-05-01 12:30:00',
        span: '1 day 02:00:00',
        bytes: Buffer.from([0, 255, 16]).toString('base64'),
        doc: { a: [1, 2] },
        list: [1, 2, 3],
        forever: 'infinity',
      },
    ]);
    expect(result.fields.slice(0, 3)).toEqual([
      { name: 'small', dataTypeID: 23 },
      { name: 'big', dataTypeID: 20 },
      { name: 'price', dataTypeID: 1700 },
    ]);
    expect(result).toMatchObject({ rowCount: 1, command: 'SELECT', truncated: false });
  });

  it('keeps at most maxRows rows, counts them all and says it truncated', async () => {
    const capped = await run(credentialId, 'select n from generate_series(1, 25) as n', [], { maxRows: 10 });
    expect(capped.rows).toHaveLength(10);
    expect(capped.rows.at(-1)).toEqual({ n: 10 });
    expect(capped).toMatchObject({ rowCount: 25, truncated: true });
    const whole = await run(credentialId, 'select n from generate_series(1, 25) as n', [], { maxRows: 25 });
    expect(whole).toMatchObject({ rowCount: 25, truncated: false });
    expect(whole.rows).toHaveLength(25);
  });

  it('finishes a statement whose returned rows pass maxRows: an update changes every row', async () => {
    await run(credentialId, 'create table counters (n int)');
    await run(credentialId, 'insert into counters select generate_series(1, 20)');
    const updated = await run(credentialId, 'update counters set n = n + 100 returning n', [], { maxRows: 5 });
    expect(updated).toMatchObject({ command: 'UPDATE', rowCount: 20, truncated: true });
    const left = await run(credentialId, 'select count(*)::int as low from counters where n < 100');
    expect(left.rows).toEqual([{ low: 0 }]);
  });

  it('fails a syntax error at once with PostgreSQL’s message, code and where it points', async () => {
    const failing = run(credentialId, 'select 1,\n  from nowhere');
    await expect(failing).rejects.toBeInstanceOf(NonRetryableError);
    await expect(failing).rejects.toThrow(
      /^PostgreSQL error 42601 at line 2, column 3: syntax error at or near "from"/,
    );
  });

  it('fails constraint, permission and missing-table errors at once, with the detail', async () => {
    await run(credentialId, 'create table people (email text primary key)');
    await run(credentialId, 'insert into people values ($1)', ['ada@example.com']);
    const duplicate = run(credentialId, 'insert into people values ($1)', ['ada@example.com']);
    await expect(duplicate).rejects.toBeInstanceOf(NonRetryableError);
    await expect(duplicate).rejects.toThrow(
      /PostgreSQL error 23505: duplicate key value violates unique constraint "people_pkey" Detail: Key \(email\)=\(ada@example.com\) already exists\./,
    );
    await expect(run(credentialId, 'select * from missing_table')).rejects.toThrow(
      /PostgreSQL error 42P01 at line 1, column 15: relation "missing_table" does not exist/,
    );
    const denied = run(credentialId, 'select * from pg_authid');
    await expect(denied).rejects.toBeInstanceOf(NonRetryableError);
    await expect(denied).rejects.toThrow(/PostgreSQL error 42501.*permission denied/);
  });

  it('runs one statement only and refuses a parameter count the query does not take', async () => {
    await expect(run(credentialId, 'select 1; select 2')).rejects.toThrow(/42601.*multiple commands/);
    const mismatch = run(credentialId, 'select $1::int as a', [1, 2]);
    await expect(mismatch).rejects.toBeInstanceOf(NonRetryableError);
    await expect(mismatch).rejects.toThrow(/08P01.*bind message supplies 2 parameters/);
  });

  it('cancels a statement past its timeout on the server, as a final error', async () => {
    const slow = run(credentialId, 'select pg_sleep(20)', [], { timeoutMs: 300 });
    await expect(slow).rejects.toBeInstanceOf(NonRetryableError);
    await expect(slow).rejects.toThrow(/57014.*canceling statement due to statement timeout/);
    await waitUntil('the role has no session left', async () => (await login.sessions()).length === 0);
  });

  it('cancels the running statement on the server when the step is aborted', async () => {
    const stop = new AbortController();
    const slow = run(credentialId, 'select pg_sleep(20) as slept', [], { signal: stop.signal, timeoutMs: 60_000 });
    const settled = slow.catch((error: unknown) => error);
    await waitUntil('the query runs', async () =>
      (await login.sessions()).some((session) => session.state === 'active' && session.query.includes('pg_sleep')),
    );
    stop.abort(new Error('the run was canceled'));
    expect(await settled).toMatchObject({ message: 'the run was canceled' });
    await waitUntil('the session is gone from the server', async () => (await login.sessions()).length === 0);
  });

  it('leaves no session open, after answers and failures alike', async () => {
    await Promise.all([
      run(credentialId, 'select 1'),
      run(credentialId, 'select broken syntax here').catch(() => {}),
      run(credentialId, 'select n from generate_series(1, 5000) as n', [], { maxRows: 1 }),
      run(credentialId, 'select $1::int', ['not a number']).catch(() => {}),
    ]);
    await waitUntil('the role has no session left', async () => (await login.sessions()).length === 0);
  });

  it('masks the password out of answers, records and errors', async () => {
    const { password } = login.secret;
    const records: OperationRecord[] = [];
    const echoed = await run(
      credentialId,
      'select $1::text as echoed, encode($1::bytea, $2) as hex',
      [password, 'hex'],
      {
        records,
      },
    );
    expect(JSON.stringify(echoed)).not.toContain(password);
    expect(echoed.rows[0]).toMatchObject({ echoed: '••••••', hex: '••••••' });
    expect(JSON.stringify(records)).not.toContain(password);
    expect(records[0]?.details).toEqual({ query: expect.any(String), parameters: ['••••••', 'hex'] });
    const failing = run(credentialId, 'select $1::int', [password]);
    await expect(failing).rejects.toThrow('invalid input syntax for type integer: "••••••"');
  });

  it('refuses a wrong password at once, saying so', async () => {
    const wrong = await stored('Wrong password', { ...login.secret, password: 'not-the-password' });
    const refused = run(wrong, 'select 1');
    await expect(refused).rejects.toBeInstanceOf(NonRetryableError);
    await expect(refused).rejects.toThrow(
      `PostgreSQL error 28P01: password authentication failed for user "${login.secret.user}" (the user name or password is wrong)`,
    );
  });

  it('retries a server it cannot reach, naming where it tried', async () => {
    const unreachable = await stored('Nowhere', { ...login.secret, host: '127.0.0.1', port: closedPort });
    const failing = run(unreachable, 'select 1');
    await expect(failing).rejects.toThrow(`cannot reach PostgreSQL at 127.0.0.1:${closedPort}: connection refused`);
    await expect(failing).rejects.not.toBeInstanceOf(NonRetryableError);
  });

  it('tells a server without SSL apart when the credential asks for it', async () => {
    const ssl = await stored('SSL required', { ...login.secret, ssl: 'require' });
    const refused = run(ssl, 'select 1');
    await expect(refused).rejects.toBeInstanceOf(NonRetryableError);
    await expect(refused).rejects.toThrow('does not accept SSL connections: set the credential\'s SSL to "disable"');
  });

  it('refuses a request the node did not shape, naming the field', async () => {
    await expect(run(credentialId, '   ')).rejects.toThrow(/postgres.query: .*the query is empty.*query/);
    await expect(run(credentialId, 'select 1', [], { maxRows: 0 })).rejects.toBeInstanceOf(NonRetryableError);
  });
});

describe('testing a postgres credential', () => {
  const testConnection = (secret: object) =>
    capabilityOf('postgres')?.testConnection?.(secret, new AbortController().signal);

  it('logs in and says where, as whom, on which version', async () => {
    const answer = await testConnection(login.secret);
    expect(answer?.ok).toBe(true);
    expect(answer?.message).toMatch(
      new RegExp(
        `^Connected to ${login.secret.database} at ${login.secret.host}:${login.secret.port} as ${login.secret.user} \\(PostgreSQL \\d+`,
      ),
    );
  });

  it('reports the server’s refusal', async () => {
    const answer = await testConnection({ ...login.secret, password: 'not-the-password' });
    expect(answer).toEqual({
      ok: false,
      message: `Could not connect to ${login.secret.database} at ${login.secret.host}:${login.secret.port} as ${login.secret.user}: PostgreSQL error 28P01: password authentication failed for user "${login.secret.user}" (the user name or password is wrong)`,
    });
    expect((await testConnection({ ...login.secret, database: 'no_such_db' }))?.message).toMatch(
      /3D000: database "no_such_db" does not exist/,
    );
    expect(await testConnection({ ...login.secret, host: '127.0.0.1', port: closedPort })).toEqual({
      ok: false,
      message: `Could not connect to ${login.secret.database} at 127.0.0.1:${closedPort} as ${login.secret.user}: connection refused`,
    });
  });
});

describe('error positions', () => {
  it('count characters, not bytes, across lines', () => {
    expect(lineAndColumn('select 1', 1)).toBe('line 1, column 1');
    expect(lineAndColumn('select\n  ünïcode', 10)).toBe('line 2, column 3');
  });
});
