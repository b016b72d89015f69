import { z } from 'zod';
import { ROLES } from '../store/schema.ts';
import type { UserRow } from '../store/users.ts';

/** API shapes of accounts: users and API keys. */

/** Emails are compared ignoring case; they are stored lower-cased and trimmed. */
export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email());
export const PersonName = z.string().trim().min(1, 'must not be empty').max(200);
export const RoleName = z.enum(ROLES);

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleName,
    active: z.boolean(),
    createdAt: z.iso.datetime(),
    passwordChangedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'User' });

export const toUser = (row: UserRow): z.output<typeof User> => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  active: row.active,
  createdAt: row.createdAt,
  passwordChangedAt: row.passwordChangedAt,
});

export const UserId = z.strictObject({ id: z.uuid() });
