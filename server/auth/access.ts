import type { Role } from '../store/schema.ts';

/**
 * Who may call a route, in the words of the design's role table. Declared on every route so that
 * enforcement and the role-matrix test read one list.
 * - view: any signed-in role; edit: analyst, admin; operate: operator, admin;
 * - publish: admin (publish, activate, trigger published runs); admin: admin only; public: no sign-in.
 */
export type Access = 'public' | 'view' | 'edit' | 'operate' | 'publish' | 'admin';

const ACCESS_BY_ROLE: Readonly<Record<Role, ReadonlySet<Access>>> = {
  analyst: new Set(['public', 'view', 'edit']),
  operator: new Set(['public', 'view', 'operate']),
  admin: new Set(['public', 'view', 'edit', 'operate', 'publish', 'admin']),
};

export const roleAllows = (role: Role, access: Access): boolean => ACCESS_BY_ROLE[role].has(access);

/** Who holds `access`, in words for a refusal ("analysts and admins"), read from the table above. */
export function holdersOf(access: Access): string {
  const roles = Object.keys(ACCESS_BY_ROLE) as Role[];
  const holders = roles.filter((role) => roleAllows(role, access));
  return holders.length === roles.length ? 'every role' : holders.map((role) => `${role}s`).join(' and ');
}

/**
 * Whether every right of `inner` is also a right of `outer`. Roles are not a line: an analyst
 * edits, an operator operates, and neither holds the other's rights; only admin holds all.
 */
export const roleWithin = (inner: Role, outer: Role): boolean =>
  [...ACCESS_BY_ROLE[inner]].every((access) => ACCESS_BY_ROLE[outer].has(access));
