import type { Role } from '../api/account-types.ts';

/**
 * What each role may do, in the words of the design's role table (the server enforces the same
 * table on every route; the app only hides what would be refused).
 * - edit: create, edit, save versions, test-run a draft (analyst, admin)
 * - operate: retry and cancel executions, roll back (operator, admin)
 * - publish: publish, activate, trigger published runs (admin)
 * - admin: users, credentials, audit log (admin)
 */
export type Permission = 'view' | 'edit' | 'operate' | 'publish' | 'admin';

const granted: Record<Role, readonly Permission[]> = {
  analyst: ['view', 'edit'],
  operator: ['view', 'operate'],
  admin: ['view', 'edit', 'operate', 'publish', 'admin'],
};

export function roleCan(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && granted[role].includes(permission);
}

export const ROLE_LABELS: Record<Role, string> = { analyst: 'Analyst', operator: 'Operator', admin: 'Admin' };
export const ROLE_ORDER: readonly Role[] = ['analyst', 'operator', 'admin'];
