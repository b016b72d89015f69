import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { z } from 'zod';
import type { PostgresQueryResult } from '../../nodes/credentials/operations.ts';
import postgres from '../../nodes/credentials/postgres.credential.ts';
import { NonRetryableError } from '../../nodes/errors.ts';
import { defineCapability } from './define-capability.ts';
import { requestCancel } from './postgres-cancel.ts';
import { explainFailure, postgresError } from './postgres-errors.ts';
import { jsonValue, postgresTypeParsers } from './postgres-values.ts';

/*
 * The PostgreSQL credential type's protocol: run one statement for the PostgreSQL node, and test
 * the login. Each call opens its own connection and closes it before answering, whatever happens:
 * nothing is left open between steps (no pool to drain when a worker stops, no idle sessions on
 * the customer's server), at the cost of one connection set-up per query.
 */

type Secret = z.output<typeof postgres.secret>;

/** The most rows a query may ask to keep: more would not fit a step's output anyway. */
export const MAX_ROWS_LIMIT = 50_000;
export const DEFAULT_MAX_ROWS = 1000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_TIMEOUT_MS = 300_000;
/** How long reaching the server and logging in may take. */
export const CONNECT_TIMEOUT_MS = 10_000;
/**
 * How long past the statement timeout the worker still waits for an answer before it gives up on
 * the connection: the server's own timeout normally answers first.
 */
const ANSWER_GRACE_MS = 5_000;

const QueryRequest = z.strictObject({
  query: z.string().trim().min(1, 'the query is empty').max(100_000),
  parameters: z.array(z.unknown()).max(1000).default([]),
  maxRows: z.number().int().min(1).max(MAX_ROWS_LIMIT).default(DEFAULT_MAX_ROWS),
  timeoutMs: z.number().int().min(100).max(MAX_TIMEOUT_MS).default(DEFAULT_TIMEOUT_MS),
});

/** "db at host:port", as titles and errors name the server. */
export const describeServer = (secret: Secret) => `${secret.database} at ${secret.host}:${secret.port}`;

function tlsOptions(secret: Secret): false | ConnectionOptions {
  switch (secret.ssl) {
    case 'disable':
      return false;
    case 'require':
      // Encrypted, server not verified: libpq's sslmode=require.
      return { rejectUnauthorized: false };
    case 'verify-full':
      // The certificate is checked against the host as written (name or address).
      return { rejectUnauthorized: true, ...(secret.caCertificate ? { ca: secret.caCertificate } : {}) };
  }
}

function newClient(secret: Secret, statementTimeoutMs?: number): pg.Client {
  return new pg.Client({
    host: secret.host,
    port: secret.port,
    database: secret.database,
    user: secret.user,
    password: secret.password,
    ssl: tlsOptions(secret),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Shown in pg_stat_activity, so the server's admins can tell whose sessions these are.
    application_name: 'stepwise',
    types: postgresTypeParsers,
    ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
  });
}

/** Asks the server to stop what `client` is running (postgres-cancel.ts); the client is ended after. */
function cancelRunning(secret: Secret, client: pg.Client): void {
  // Set by pg from the server's BackendKeyData once connected; not in its types.
  const { processID, secretKey } = client as unknown as { processID: number | null; secretKey: number | null };
  if (processID === null || secretKey === null) return;
  void requestCancel({
    host: secret.host,
    port: secret.port,
    processId: processID,
    secretKey,
    tls: tlsOptions(secret),
  });
}

/** Connects; an abort while connecting ends the attempt and throws its reason. */
async function connect(client: pg.Client, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const onAbort = () => void client.end().catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
  } catch (error) {
    signal.throwIfAborted();
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Runs one statement (the extended protocol: one statement, values bound by the server) keeping
 * the first `maxRows` rows; the rest are read and dropped, so a huge result cannot exhaust the
 * worker's memory while an UPDATE … RETURNING still finishes whole.
 */
function runStatement(
  client: pg.Client,
  secret: Secret,
  request: z.output<typeof QueryRequest>,
  signal: AbortSignal,
): Promise<PostgresQueryResult> {
  return new Promise((resolve, reject) => {
    const rows: Record<string, unknown>[] = [];
    let truncated = false;
    const query = new pg.Query({
      text: request.query,
      values: request.parameters.map((value) => value ?? null),
      queryMode: 'extended',
    } as pg.QueryConfig);
    const onAbort = () => {
      cancelRunning(secret, client);
      reject(signal.reason instanceof Error ? signal.reason : new Error('the query was stopped'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);
    query.on('row', (row: Record<string, unknown>) => {
      if (rows.length < request.maxRows) rows.push(row);
      else truncated = true;
    });
    query.on('error', (error) => {
      settle();
      reject(postgresError(error, `${secret.host}:${secret.port}`, request.query));
    });
    query.on('end', (result: pg.QueryResult) => {
      settle();
      resolve({
        rows: rows.map((row) => jsonValue(row) as Record<string, unknown>),
        rowCount: result.rowCount ?? rows.length,
        fields: (result.fields ?? []).map((field) => ({ name: field.name, dataTypeID: field.dataTypeID })),
        command: result.command ?? '',
        truncated,
      });
    });
    client.query(query);
  });
}

async function query(secret: Secret, request: z.output<typeof QueryRequest>, outer: AbortSignal) {
  // The server's statement_timeout stops the query; this stops waiting for a server that went silent.
  const waitMs = request.timeoutMs + CONNECT_TIMEOUT_MS + ANSWER_GRACE_MS;
  const silent = new AbortController();
  const timer = setTimeout(
    () => silent.abort(new Error(`no answer from PostgreSQL at ${secret.host}:${secret.port} within ${waitMs} ms`)),
    waitMs,
  );
  const signal = AbortSignal.any([outer, silent.signal]);
  const client = newClient(secret, request.timeoutMs);
  // A broken connection is reported through the running query; without a listener it would crash the worker.
  client.on('error', () => {});
  try {
    try {
      await connect(client, signal);
    } catch (error) {
      throw signal.aborted ? error : postgresError(error, `${secret.host}:${secret.port}`);
    }
    return await runStatement(client, secret, request, signal);
  } finally {
    clearTimeout(timer);
    await client.end().catch(() => {});
  }
}

export default defineCapability(postgres, {
  operations: {
    'postgres.query': async (secret, raw, use) => {
      const parsed = QueryRequest.safeParse(raw);
      if (!parsed.success) {
        throw new NonRetryableError(`postgres.query: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`);
      }
      const request = parsed.data;
      use.record({
        operation: 'postgres.query',
        title: `Query on ${describeServer(secret)}`,
        details: { query: request.query, parameters: request.parameters },
      });
      return query(secret, request, use.signal);
    },
  },
  async testConnection(secret, signal) {
    const client = newClient(secret, CONNECT_TIMEOUT_MS);
    client.on('error', () => {});
    try {
      await connect(client, signal);
      const { rows } = await client.query<{ server_version: string }>('show server_version');
      const version = rows[0]?.server_version ?? '';
      return {
        ok: true,
        message: `Connected to ${describeServer(secret)} as ${secret.user}${version ? ` (PostgreSQL ${version})` : ''}`,
      };
    } catch (error) {
      const { reason } = signal.aborted ? { reason: 'no answer in time' } : explainFailure(error);
      return { ok: false, message: `Could not connect to ${describeServer(secret)} as ${secret.user}: ${reason}` };
    } finally {
      await client.end().catch(() => {});
    }
  },
});
