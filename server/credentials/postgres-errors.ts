import pg from 'pg';
import { NonRetryableError } from '../../nodes/errors.ts';

/*
 * A failed query or connection as a step error people can act on: PostgreSQL's own message with
 * its SQLSTATE code, where in the query it points, and its detail and hint; retried only when
 * another attempt may go through (the connection broke, the server is starting or full, a
 * deadlock or serialization conflict), final for everything the query itself causes (syntax,
 * permissions, constraints, a missing table, the statement timeout).
 */

/** SQLSTATEs another attempt may get past (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const RETRYABLE_CODES = new Set([
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '55P03', // lock_not_available
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
]);

/** What a code means when PostgreSQL's message alone would puzzle the reader. */
const EXPLAINED: Readonly<Record<string, string>> = {
  '28P01': 'the user name or password is wrong',
  '28000': 'the server refuses this user from here (pg_hba.conf)',
  '3D000': 'the database does not exist',
  '57014': 'the query was canceled (it ran past its time limit, or the run was stopped)',
};

/** Where a 1-based character `position` falls in `query`, as "line L, column C". */
export function lineAndColumn(query: string, position: number): string {
  const before = [...query].slice(0, Math.max(0, position - 1)).join('');
  const lines = before.split('\n');
  return `line ${lines.length}, column ${(lines.at(-1)?.length ?? 0) + 1}`;
}

/** Node's socket errors: the server could not be reached or the connection broke, in words. */
const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved now',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'the connection was closed',
};

/** Why a connection or query failed, without where (the caller names the server), and whether to retry. */
export interface PostgresFailure {
  readonly reason: string;
  readonly retryable: boolean;
  /** The server was never reached (or the connection broke): the reason says nothing about PostgreSQL itself. */
  readonly network: boolean;
}

export function explainFailure(error: unknown, query?: string): PostgresFailure {
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? '';
    const at = query && error.position ? ` at ${lineAndColumn(query, Number(error.position))}` : '';
    const parts = [`PostgreSQL error ${code}${at}: ${error.message}`];
    if (EXPLAINED[code]) parts.push(`(${EXPLAINED[code]})`);
    if (error.detail) parts.push(`Detail: ${error.detail}`);
    if (error.hint) parts.push(`Hint: ${error.hint}`);
    return { reason: parts.join(' '), retryable: RETRYABLE_CODES.has(code), network: false };
  }
  const cause = error instanceof Error ? error : new Error(String(error));
  const code = (cause as NodeJS.ErrnoException).code;
  const network = code ? NETWORK_REASONS[code] : undefined;
  if (network) return { reason: network, retryable: true, network: true };
  if (/does not support SSL/i.test(cause.message)) {
    return {
      reason: 'the server does not accept SSL connections: set the credential\'s SSL to "disable" if that is intended',
      retryable: false,
      network: false,
    };
  }
  if (/certificate|altnames|SSL|TLS/i.test(cause.message)) {
    return { reason: `the SSL connection was refused: ${cause.message}`, retryable: false, network: false };
  }
  if (/timeout|terminated|ended|closed/i.test(cause.message)) {
    return { reason: cause.message, retryable: true, network: true };
  }
  // Anything else (a value pg cannot bind, say) would fail the same way again.
  return { reason: cause.message, retryable: false, network: false };
}

/** The error a step stores for `error`, thrown while connecting to `where` ("host:port") or running `query`. */
export function postgresError(error: unknown, where: string, query?: string): Error {
  const { reason, retryable, network } = explainFailure(error, query);
  const message =
    error instanceof pg.DatabaseError
      ? reason
      : network
        ? `cannot reach PostgreSQL at ${where}: ${reason}`
        : `PostgreSQL at ${where}: ${reason}`;
  return retryable ? new Error(message) : new NonRetryableError(message);
}
