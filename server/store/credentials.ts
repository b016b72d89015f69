import { asc, eq } from 'drizzle-orm';
import type { MasterKey } from '../security/master-key.ts';
import { open, seal } from '../security/seal.ts';
import {
  type ConnectionSummary,
  connectionSummaryColumns,
  insertConnection,
  rotateConnections,
} from './credential-connections.ts';
import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { credentialConnections, credentials, executions, type Role, users, workflowVersions } from './schema.ts';

/** Where a credential may go and who may use it; every credential has them, whatever its type. */
export interface CredentialLimits {
  /** `scheme://host[:port][/path prefix]`; empty: the credential is sent nowhere. */
  allowedTargets: string[];
  /** Roles whose members may use it besides admins; with `useUserIds` both empty, every editor may. */
  useRoles: Role[];
  useUserIds: string[];
}

export interface CredentialSummary extends CredentialLimits {
  id: string;
  name: string;
  type: string;
  createdAt: string;
  updatedAt: string;
  /** How a connecting credential (OAuth 2) stands; null for the other types. */
  connection: ConnectionSummary | null;
}

type SummaryRow = Omit<CredentialSummary, 'connection'> & {
  connection: { [K in keyof ConnectionSummary]: ConnectionSummary[K] | null } | null;
};

/** A left join gives a credential without a connection nulls (or a null object): it has none. */
const withConnection = ({ connection, ...summary }: SummaryRow): CredentialSummary => ({
  ...summary,
  connection: connection?.status ? (connection as ConnectionSummary) : null,
});

const summaryColumns = {
  id: credentials.id,
  name: credentials.name,
  type: credentials.type,
  allowedTargets: credentials.allowedTargets,
  useRoles: credentials.useRoles,
  useUserIds: credentials.useUserIds,
  createdAt: credentials.createdAt,
  updatedAt: credentials.updatedAt,
  connection: connectionSummaryColumns,
};

/** Stores a secret (a JSON value) encrypted; only its name and type stay readable. */
export function insertCredential(
  db: Db,
  key: MasterKey,
  values: {
    name: string;
    type: string;
    secret: unknown;
    /** A connecting type's (OAuth 2): it starts not connected. */
    connecting?: { interactive: boolean; scopes: readonly string[] } | undefined;
  } & Partial<CredentialLimits>,
): CredentialSummary {
  const id = newId();
  const now = nowIso();
  const sealed = seal(key, JSON.stringify(values.secret), id);
  const limits: CredentialLimits = {
    allowedTargets: values.allowedTargets ?? [],
    useRoles: values.useRoles ?? [],
    useUserIds: values.useUserIds ?? [],
  };
  db.transaction((tx) => {
    tx.insert(credentials)
      .values({ id, name: values.name, type: values.type, ...limits, ...sealed, createdAt: now, updatedAt: now })
      .run();
    if (values.connecting) insertConnection(tx, id, values.connecting);
  });
  return getCredential(db, id) as CredentialSummary;
}

const summaries = (db: Db) =>
  db
    .select(summaryColumns)
    .from(credentials)
    .leftJoin(credentialConnections, eq(credentialConnections.credentialId, credentials.id));

export function listCredentials(db: Db): CredentialSummary[] {
  return summaries(db)
    .orderBy(asc(credentials.name), asc(credentials.id))
    .all()
    .map((row) => withConnection(row as SummaryRow));
}

export function getCredential(db: Db, id: string): CredentialSummary | undefined {
  const row = summaries(db).where(eq(credentials.id, id)).get();
  return row && withConnection(row as SummaryRow);
}

/** Renames a credential or changes its limits (never its secret); undefined for no such credential. */
export function updateCredential(
  db: Db,
  id: string,
  patch: { name?: string } & Partial<CredentialLimits>,
): CredentialSummary | undefined {
  const changed = db
    .update(credentials)
    .set({ ...patch, updatedAt: nowIso() })
    .where(eq(credentials.id, id))
    .run().changes;
  return changed > 0 ? getCredential(db, id) : undefined;
}

/** What people who configure nodes may see to pick a credential: never a secret, nor when it changed. */
export interface CredentialChoice {
  id: string;
  name: string;
  type: string;
}

export function listCredentialChoices(db: Db): CredentialChoice[] {
  return db
    .select({ id: credentials.id, name: credentials.name, type: credentials.type })
    .from(credentials)
    .orderBy(asc(credentials.name), asc(credentials.id))
    .all();
}

export function deleteCredential(db: Db, id: string): boolean {
  return db.delete(credentials).where(eq(credentials.id, id)).run().changes > 0;
}

const sealedColumns = {
  id: credentials.id,
  name: credentials.name,
  type: credentials.type,
  allowedTargets: credentials.allowedTargets,
  useRoles: credentials.useRoles,
  useUserIds: credentials.useUserIds,
  ciphertext: credentials.ciphertext,
  iv: credentials.iv,
  authTag: credentials.authTag,
  keyId: credentials.keyId,
};

/** A credential as the worker uses it: its decrypted secret with its name and limits. */
export interface OpenCredential extends CredentialLimits {
  name: string;
  type: string;
  secret: unknown;
}

/** The decrypted secret of a credential, or undefined when there is no such credential. */
export function credentialSecret(db: Db, key: MasterKey, id: string): OpenCredential | undefined {
  const row = db.select(sealedColumns).from(credentials).where(eq(credentials.id, id)).get();
  if (!row) return undefined;
  return {
    name: row.name,
    type: row.type,
    allowedTargets: row.allowedTargets,
    useRoles: row.useRoles,
    useUserIds: row.useUserIds,
    secret: JSON.parse(open(key, row, id)),
  };
}

/** Re-encrypts every credential from `from` to `to`, in one transaction: all or nothing. */
export function rotateCredentials(db: Db, from: MasterKey, to: MasterKey): number {
  return db.transaction(
    (tx) => {
      const rows = tx.select(sealedColumns).from(credentials).all();
      for (const row of rows) {
        const sealed = seal(to, open(from, row, row.id), row.id);
        tx.update(credentials)
          .set({ ...sealed, updatedAt: nowIso() })
          .where(eq(credentials.id, row.id))
          .run();
      }
      rotateConnections(tx, from, to);
      return rows.length;
    },
    { behavior: 'immediate' },
  );
}

/**
 * Whom a run uses credentials for: the user who started it (manual and test runs), else the author
 * of the version it runs (schedules and webhooks start runs as nobody). Undefined when neither is
 * known (the user was deleted).
 */
export function runUser(db: Db, executionId: string): { id: string; role: Role; active: boolean } | undefined {
  const run = db
    .select({ createdBy: executions.createdBy, authorId: workflowVersions.authorId })
    .from(executions)
    .leftJoin(workflowVersions, eq(workflowVersions.id, executions.versionId))
    .where(eq(executions.id, executionId))
    .get();
  const userId = run?.createdBy ?? run?.authorId;
  if (!userId) return undefined;
  return db
    .select({ id: users.id, role: users.role, active: users.active })
    .from(users)
    .where(eq(users.id, userId))
    .get();
}
