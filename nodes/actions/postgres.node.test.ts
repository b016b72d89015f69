import { describe, expect, it } from 'vitest';
import type { CredentialCall } from '../credentials/operations.ts';
import { answeringTemplates, issuePaths, testContext } from '../testing/context.ts';
import postgresNode from './postgres.node.ts';
import { highestPlaceholder } from './sql-placeholders.ts';

/*
 * The PostgreSQL node's own part: its settings (the parameters match the query's placeholders) and
 * what it asks the worker for. The query itself runs in server/credentials/postgres.capability.ts,
 * tested there and end to end in server/engine/postgres-node.test.ts against a real server.
 */

const config = (query: string, parameters: string[] = []) =>
  postgresNode.config.safeParse({ credentialId: 'cred-1', query, parameters });

describe('placeholders of a query', () => {
  it('are counted by the highest $n', () => {
    expect(highestPlaceholder('select 1')).toBe(0);
    expect(highestPlaceholder('select * from t where a = $1 and b = $2')).toBe(2);
    expect(highestPlaceholder('select $2, $1, $10::int')).toBe(10);
    expect(highestPlaceholder('insert into t values ($1,$2)')).toBe(2);
  });

  it('inside strings, quoted names, dollar quotes and comments do not count', () => {
    expect(highestPlaceholder("select '$1', 'it''s $2', $1")).toBe(1);
    expect(highestPlaceholder("select E'\\' $3', $1")).toBe(1);
    expect(highestPlaceholder('select "col$4", $1 from t')).toBe(1);
    expect(highestPlaceholder('select $body$ $5 $body$, $$ $6 $$, $1')).toBe(1);
    expect(highestPlaceholder('select $1 -- and $7\n, 2 /* $8 /* nested $9 */ still $9 */')).toBe(1);
    // `$` inside a name is part of it, not a placeholder.
    expect(highestPlaceholder('select price$2 from t where id = $1')).toBe(1);
  });
});

describe('PostgreSQL node settings', () => {
  it('need as many parameters as the query’s placeholders, reported on the parameters field', () => {
    expect(config('select * from t where id = $1 and kind = $2', ['{{ input.id }}', 'a']).success).toBe(true);
    expect(config('select now()').success).toBe(true);
    const missing = config('select * from t where id = $1 and kind = $2', ['{{ input.id }}']);
    expect(missing.error?.issues).toEqual([
      expect.objectContaining({
        path: ['parameters'],
        message: 'the query uses $1…$2, so it needs 2 parameters (1 given)',
      }),
    ]);
    expect(config('select $1::int', []).error?.issues[0]?.message).toBe(
      'the query uses $1, so it needs 1 parameter (0 given)',
    );
    expect(config('select 1', ['x']).error?.issues[0]?.message).toBe(
      'the query has no $1 placeholder, so it takes no parameters (1 given)',
    );
  });

  it('need a credential and a query, and check each parameter’s template', () => {
    const schema = postgresNode.config;
    expect(issuePaths(schema, { query: 'select 1' })).toEqual([['credentialId']]);
    expect(issuePaths(schema, { credentialId: 'c', query: '  ' })).toEqual([['query']]);
    expect(issuePaths(schema, { credentialId: 'c', query: 'select $1', parameters: ['{{ input.x'] })).toEqual([
      ['parameters', 0],
    ]);
  });

  it('keep the query out of expressions: it is SQL text, in a SQL editor', () => {
    const shape = postgresNode.config.parse({ credentialId: 'c', query: 'select 1' });
    expect(shape).toEqual({ credentialId: 'c', query: 'select 1', parameters: [], maxRows: 1000, timeoutMs: 30_000 });
    const schema = postgresNode.config.toJSONSchema() as unknown as {
      properties: { query: { format: string }; parameters: { items: { format: string } } };
    };
    expect(schema.properties.query.format).toBe('sql');
    expect(schema.properties.parameters.items.format).toBe('template');
  });
});

describe('running the PostgreSQL node', () => {
  it('evaluates each parameter and asks the worker to run the query with their values bound', async () => {
    const calls: CredentialCall[] = [];
    const templates = answeringTemplates({ '{{ input.email }}': "o'brien@example.com", '{{ input.limit }}': 5 });
    const answer = {
      rows: [{ id: 1 }],
      rowCount: 1,
      fields: [{ name: 'id', dataTypeID: 23 }],
      command: 'SELECT',
      truncated: false,
    };
    const result = await postgresNode.execute({
      config: postgresNode.config.parse({
        credentialId: 'cred-1',
        query: 'select id from people where email = $1 limit $2',
        parameters: ['{{ input.email }}', '{{ input.limit }}'],
        maxRows: 10,
      }),
      input: {},
      ctx: testContext({
        evaluate: templates.evaluate,
        useCredential: async (call) => {
          calls.push(call);
          return answer as never;
        },
      }),
    });
    expect(calls).toEqual([
      {
        credentialId: 'cred-1',
        operation: 'postgres.query',
        request: {
          query: 'select id from people where email = $1 limit $2',
          parameters: ["o'brien@example.com", 5],
          maxRows: 10,
          timeoutMs: 30_000,
        },
      },
    ]);
    expect(result).toEqual({ output: answer });
    // The query text itself is never handed to the sandbox.
    expect(templates.asked).toEqual([['{{ input.email }}', '{{ input.limit }}']]);
  });
});
