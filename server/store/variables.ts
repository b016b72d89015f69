import type Database from 'better-sqlite3';
import { asc, eq } from 'drizzle-orm';
import { type Db, nowIso } from './db.ts';
import { newId } from './ids.ts';
import { prepared } from './prepared.ts';
import { variables } from './schema.ts';

/** A workspace variable as the API shows it: its value is not secret. */
export interface VariableRow {
  id: string;
  name: string;
  value: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

/** The recorded values a run reads (`executions.vars`): name → value. */
export type VariableValues = Record<string, string>;

/** Thrown when another variable has the name already (names are unique as typed). */
export class VariableNameTaken extends Error {
  override name = 'VariableNameTaken';
}

const columns = {
  id: variables.id,
  name: variables.name,
  value: variables.value,
  description: variables.description,
  createdAt: variables.createdAt,
  updatedAt: variables.updatedAt,
};

const isUniqueViolation = (error: unknown): boolean => {
  const code =
    (error as { code?: string; cause?: { code?: string } }).code ??
    (error as { cause?: { code?: string } }).cause?.code;
  return code?.startsWith('SQLITE_CONSTRAINT_UNIQUE') ?? false;
};

const taken = (name: string) => new VariableNameTaken(`a variable named ${name} exists already`);

export function insertVariable(
  db: Db,
  values: { name: string; value: string; description?: string; createdBy?: string | null },
): VariableRow {
  const now = nowIso();
  try {
    return db
      .insert(variables)
      .values({
        id: newId(),
        name: values.name,
        value: values.value,
        description: values.description ?? '',
        createdBy: values.createdBy ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning(columns)
      .get();
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(values.name);
    throw error;
  }
}

/** By name. */
export function listVariables(db: Db): VariableRow[] {
  return db.select(columns).from(variables).orderBy(asc(variables.name)).all();
}

export function getVariable(db: Db, id: string): VariableRow | undefined {
  return db.select(columns).from(variables).where(eq(variables.id, id)).get();
}

/** Renames it or changes its value or description; undefined for no such variable. */
export function updateVariable(
  db: Db,
  id: string,
  patch: { name?: string; value?: string; description?: string },
): VariableRow | undefined {
  try {
    return db
      .update(variables)
      .set({ ...patch, updatedAt: nowIso() })
      .where(eq(variables.id, id))
      .returning(columns)
      .get();
  } catch (error) {
    if (isUniqueViolation(error) && patch.name !== undefined) throw taken(patch.name);
    throw error;
  }
}

/** The deleted variable, or undefined when there was none (the audit log names what went). */
export function deleteVariable(db: Db, id: string): VariableRow | undefined {
  return db.delete(variables).where(eq(variables.id, id)).returning(columns).get();
}

/**
 * Every variable's current value, for a run being created (server/store/executions.ts): one
 * prepared statement inside the run's insert transaction, so the run records one consistent set.
 */
export function currentVariableValues(sqlite: Database.Database): VariableValues {
  const rows = prepared(sqlite, 'select name, value from variables order by name').all() as Array<{
    name: string;
    value: string;
  }>;
  // fromEntries defines own properties, whatever the name.
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
}
