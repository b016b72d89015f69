import { eq, isNotNull, lt } from 'drizzle-orm';
import { Tokens } from '../credentials/define-capability.ts';
import type { MasterKey } from '../security/master-key.ts';
import { open, seal } from '../security/seal.ts';
import { type Db, nowIso } from './db.ts';
import { type ConnectionStatus, credentialConnections, oauthAuthorizations } from './schema.ts';

/*
 * What connecting credentials (OAuth 2) obtain, and the authorizations admins have started: the
 * tokens sealed under the master key like every secret, how the connection stands in the clear.
 */

/** How a connecting credential stands, as the credentials page shows it (never a token). */
export interface ConnectionSummary {
  status: ConnectionStatus;
  interactive: boolean;
  scopes: string[];
  expiresAt: string | null;
  problem: string | null;
  connectedAt: string | null;
}

export const connectionSummaryColumns = {
  status: credentialConnections.status,
  interactive: credentialConnections.interactive,
  scopes: credentialConnections.scopes,
  expiresAt: credentialConnections.expiresAt,
  problem: credentialConnections.problem,
  connectedAt: credentialConnections.connectedAt,
};

/** Tokens are bound to their credential, and to being its tokens rather than its secret. */
const tokensContext = (credentialId: string) => `${credentialId}/tokens`;

/** The row a connecting credential starts with: not connected, asking for `scopes`. */
export function insertConnection(
  db: Db,
  credentialId: string,
  values: { interactive: boolean; scopes: readonly string[] },
): void {
  db.insert(credentialConnections)
    .values({
      credentialId,
      status: 'not_connected',
      interactive: values.interactive,
      scopes: [...values.scopes],
      updatedAt: nowIso(),
    })
    .run();
}

/** A connection with its tokens opened; undefined for a credential that does not connect. */
export interface OpenConnection extends ConnectionSummary {
  tokens: Tokens | undefined;
}

export function openConnection(db: Db, key: MasterKey, credentialId: string): OpenConnection | undefined {
  const row = db.select().from(credentialConnections).where(eq(credentialConnections.credentialId, credentialId)).get();
  if (!row) return undefined;
  const { ciphertext, iv, authTag, keyId } = row;
  const tokens =
    ciphertext && iv && authTag && keyId
      ? // Parsed when opened: they are persisted data.
        Tokens.parse(JSON.parse(open(key, { ciphertext, iv, authTag, keyId }, tokensContext(credentialId))))
      : undefined;
  return {
    status: row.status,
    interactive: row.interactive,
    scopes: row.scopes,
    expiresAt: row.expiresAt,
    problem: row.problem,
    connectedAt: row.connectedAt,
    tokens,
  };
}

/**
 * Stores fresh tokens (sealed) and marks the credential connected. `connected` is set when an admin
 * (or the first token request) connects it; a refresh leaves who connected it as it was.
 */
export function storeTokens(
  db: Db,
  key: MasterKey,
  credentialId: string,
  values: {
    tokens: Tokens;
    interactive: boolean;
    scopes?: readonly string[] | undefined;
    connected?: { by: string | null } | undefined;
  },
): void {
  const now = nowIso();
  const sealed = seal(key, JSON.stringify(values.tokens), tokensContext(credentialId));
  const set = {
    status: 'connected' as const,
    problem: null,
    expiresAt: values.tokens.expiresAt ?? null,
    ...sealed,
    ...(values.scopes ? { scopes: [...values.scopes] } : {}),
    ...(values.connected ? { connectedAt: now, connectedBy: values.connected.by } : {}),
    updatedAt: now,
  };
  db.insert(credentialConnections)
    .values({ credentialId, interactive: values.interactive, scopes: [], ...set })
    .onConflictDoUpdate({ target: credentialConnections.credentialId, set })
    .run();
}

/** A refresh the provider refused: the tokens are useless, an admin must connect it again. */
export function markReconnectNeeded(db: Db, credentialId: string, problem: string): void {
  db.update(credentialConnections)
    .set({ status: 'reconnect_needed', problem, updatedAt: nowIso() })
    .where(eq(credentialConnections.credentialId, credentialId))
    .run();
}

/** Forgets the tokens: the credential is not connected until an admin connects it again. */
export function disconnect(db: Db, credentialId: string): boolean {
  return (
    db
      .update(credentialConnections)
      .set({
        status: 'not_connected',
        problem: null,
        expiresAt: null,
        connectedAt: null,
        connectedBy: null,
        ciphertext: null,
        iv: null,
        authTag: null,
        keyId: null,
        updatedAt: nowIso(),
      })
      .where(eq(credentialConnections.credentialId, credentialId))
      .run().changes > 0
  );
}

/** Re-seals every connection's tokens from one key to another; part of the master key's rotation. */
export function rotateConnections(db: Db, from: MasterKey, to: MasterKey): void {
  const rows = db.select().from(credentialConnections).where(isNotNull(credentialConnections.ciphertext)).all();
  for (const row of rows) {
    const sealed = { ciphertext: row.ciphertext, iv: row.iv, authTag: row.authTag, keyId: row.keyId } as Parameters<
      typeof open
    >[1];
    const context = tokensContext(row.credentialId);
    db.update(credentialConnections)
      .set(seal(to, open(from, sealed, context), context))
      .where(eq(credentialConnections.credentialId, row.credentialId))
      .run();
  }
  // A connect in flight is started again rather than re-sealed: it lives minutes at most.
  db.delete(oauthAuthorizations).run();
}

const authorizationContext = (stateHash: string) => `oauth-authorization/${stateHash}`;

/** An authorization an admin started: what the callback needs to finish it. */
export interface PendingAuthorization {
  credentialId: string;
  userId: string;
  redirectUri: string;
  codeVerifier: string;
}

/** Remembers a started authorization until `expiresAt`; drops those that expired meanwhile. */
export function insertAuthorization(
  db: Db,
  key: MasterKey,
  values: Omit<PendingAuthorization, 'codeVerifier'> & { stateHash: string; codeVerifier: string; expiresAt: string },
): void {
  const now = nowIso();
  db.delete(oauthAuthorizations).where(lt(oauthAuthorizations.expiresAt, now)).run();
  const { codeVerifier, ...rest } = values;
  db.insert(oauthAuthorizations)
    .values({ ...rest, ...seal(key, codeVerifier, authorizationContext(values.stateHash)), createdAt: now })
    .run();
}

/**
 * Takes a started authorization by its state's hash, once: it is deleted as it is read, so a
 * second callback with the same state finds nothing. Undefined when unknown or expired.
 */
export function takeAuthorization(db: Db, key: MasterKey, stateHash: string): PendingAuthorization | undefined {
  const row = db.delete(oauthAuthorizations).where(eq(oauthAuthorizations.stateHash, stateHash)).returning().get();
  if (!row || row.expiresAt < nowIso()) return undefined;
  return {
    credentialId: row.credentialId,
    userId: row.userId,
    redirectUri: row.redirectUri,
    codeVerifier: open(key, row, authorizationContext(stateHash)),
  };
}
