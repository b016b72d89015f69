import { z } from 'zod';
import { credentialRef } from '../credential.ts';
import { defineNode } from '../define.ts';
import { template } from '../template.ts';
import { highestPlaceholder } from './sql-placeholders.ts';

/** Mirrors the limits the worker enforces (server/credentials/postgres.capability.ts). */
const MAX_ROWS = 50_000;
const MAX_TIMEOUT_MS = 300_000;

export default defineNode({
  type: 'action.postgres',
  kind: 'action',
  title: 'PostgreSQL',
  description: 'Runs one SQL statement on a PostgreSQL database and outputs the rows it returns.',
  icon: 'database',
  docs: [
    'Runs one SQL statement with a PostgreSQL credential and outputs `{ rows, rowCount, fields, command, truncated }`: `rows` are objects keyed by column name, `rowCount` counts the rows returned or changed (an INSERT, UPDATE or DELETE), `fields` lists the columns with their type ids.',
    'The query is plain SQL, never an expression: put values in `$1`, `$2`… and give them under Parameters, in order, each of which may use expressions such as `{{ input.email }}`. PostgreSQL receives them apart from the query text, so no value can change what the statement does. A list is bound as a PostgreSQL array (use `= any($1)`), an object as JSON text.',
    'At most "max rows" rows are kept (the statement still runs whole); `truncated` is true when more came back. bigint and numeric come back as text so no digit is lost, timestamptz as ISO time in UTC, date, timestamp and interval as PostgreSQL writes them, bytea as base64.',
    'Each step opens its own connection and its statement commits when it ends, so a transaction cannot span steps: put changes that belong together in one statement (a `with … insert … update` CTE) or a database function.',
    'A statement running past its timeout is canceled on the server. Syntax, permission and constraint errors fail the step at once with PostgreSQL’s message, code and position; a lost connection or a server that is starting or full is retried — so make statements safe to run twice (`on conflict do nothing`) when a retry matters.',
  ].join('\n\n'),
  config: z
    .strictObject({
      credentialId: credentialRef(['postgres'], 'The database to run the query on, and the login to use'),
      query: z.string().trim().min(1).max(100_000).meta({
        format: 'sql',
        description: 'One SQL statement; write $1, $2… where the parameters go (never {{ }} expressions)',
      }),
      parameters: z
        .array(template('The value, e.g. {{ input.email }}'))
        .default([])
        .describe('Values for $1, $2… in order'),
      maxRows: z.number().int().min(1).max(MAX_ROWS).default(1000).describe('Rows kept in the output at most'),
      timeoutMs: z
        .number()
        .int()
        .min(100)
        .max(MAX_TIMEOUT_MS)
        .default(30_000)
        .describe('The statement is canceled on the server after this long'),
    })
    .superRefine((config, ctx) => {
      const needed = highestPlaceholder(config.query);
      if (needed === config.parameters.length) return;
      ctx.addIssue({
        code: 'custom',
        path: ['parameters'],
        message:
          needed === 0
            ? `the query has no $1 placeholder, so it takes no parameters (${config.parameters.length} given)`
            : `the query uses ${needed === 1 ? '$1' : `$1…$${needed}`}, so it needs ${needed} parameter${needed === 1 ? '' : 's'} (${config.parameters.length} given)`,
      });
    }),
  retry: { maxAttempts: 3, initialDelayMs: 1000, factor: 2, maxDelayMs: 30_000, jitter: 0.25 },
  async execute({ config, ctx }) {
    // Each parameter evaluated alone: its value is bound as is, never spliced into the query text.
    const parameters = (await ctx.evaluate(config.parameters)) as unknown[];
    const output = await ctx.useCredential({
      credentialId: config.credentialId,
      operation: 'postgres.query',
      request: { query: config.query, parameters, maxRows: config.maxRows, timeoutMs: config.timeoutMs },
    });
    return { output };
  },
});
