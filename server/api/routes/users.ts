import { z } from 'zod';
import { hashPassword, Password } from '../../auth/passwords.ts';
import { EmailTaken, LastAdmin, type UserRow } from '../../store/users.ts';
import { Email, PersonName, RoleName, toUser, User, UserId } from '../account-schemas.ts';
import { audit } from '../audit.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute } from '../route.ts';

const lastAdmin = (error: unknown): never => {
  if (error instanceof LastAdmin) throw new ApiError(409, 'last_admin', error.message);
  throw error;
};

export const userRoutes = [
  defineRoute({
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    summary: 'Every user, by email',
    tag: 'Users',
    access: 'admin',
    responses: { 200: { description: 'Users', schema: z.object({ items: z.array(User) }) } },
    async handler({ deps, c }) {
      return c.json({ items: (await deps.repos.users.list()).map(toUser) });
    },
  }),

  defineRoute({
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    summary: 'Create a user with a role and an initial password',
    tag: 'Users',
    access: 'admin',
    body: z.strictObject({ email: Email, name: PersonName, role: RoleName, password: Password }),
    responses: {
      201: { description: 'Created', schema: User },
      409: { description: 'The email is taken (ignoring case)' },
    },
    async handler(request) {
      const { body, deps, c } = request;
      try {
        const passwordHash = await hashPassword(body.password);
        const user = await deps.repos.users.insert({ ...body, passwordHash });
        await audit(request, {
          action: 'user.created',
          objectType: 'user',
          objectId: user.id,
          details: { role: user.role },
        });
        return c.json(toUser(user), 201);
      } catch (error) {
        if (error instanceof EmailTaken) throw new ApiError(409, 'email_taken', error.message);
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'patch',
    path: '/users/:id',
    operationId: 'updateUser',
    summary:
      'Rename, change the role, deactivate or reactivate a user (deactivation ends their sessions and revokes their API keys for good)',
    tag: 'Users',
    access: 'admin',
    params: UserId,
    body: z
      .strictObject({ name: PersonName.optional(), role: RoleName.optional(), active: z.boolean().optional() })
      .refine((patch) => Object.keys(patch).length > 0, { message: 'nothing to change' }),
    responses: {
      200: { description: 'The user', schema: User },
      404: { description: 'No such user' },
      409: { description: 'It would leave no active admin' },
    },
    async handler(request) {
      const { params, body, deps, c } = request;
      const before = await deps.repos.users.get(params.id);
      if (!before) throw notFound(`user ${params.id}`);
      let user: UserRow | undefined;
      let revokedKeys = 0;
      try {
        // A deactivation, the end of the user's sessions and the revocation of their API keys land
        // together. Keys are revoked for good: reactivating the user does not revive them.
        user = await deps.repos.transaction(async (tx) => {
          const updated = await tx.users.update(params.id, body);
          if (updated && before.active && !updated.active) {
            await tx.sessions.revokeForUser(updated.id);
            revokedKeys = await tx.apiKeys.revokeForUser(updated.id);
          }
          return updated;
        });
      } catch (error) {
        return lastAdmin(error);
      }
      if (!user) throw notFound(`user ${params.id}`);
      const event = { objectType: 'user', objectId: user.id };
      if (before.role !== user.role) {
        await audit(request, { ...event, action: 'user.role_changed', details: { from: before.role, to: user.role } });
      }
      if (before.active && !user.active) {
        // Sessions and API keys were revoked outright, above.
        await audit(request, { ...event, action: 'user.deactivated', details: { revokedApiKeys: revokedKeys } });
      }
      if (!before.active && user.active) await audit(request, { ...event, action: 'user.reactivated' });
      if (before.name !== user.name) {
        await audit(request, { ...event, action: 'user.renamed', details: { from: before.name, to: user.name } });
      }
      return c.json(toUser(user));
    },
  }),

  defineRoute({
    method: 'post',
    path: '/users/:id/password',
    operationId: 'resetPassword',
    summary: 'Set a new password for a user; ends all their sessions',
    tag: 'Users',
    access: 'admin',
    params: UserId,
    body: z.strictObject({ password: Password }),
    responses: { 204: { description: 'Reset' }, 404: { description: 'No such user' } },
    async handler(request) {
      const { params, body, deps, c } = request;
      if (!(await deps.repos.users.get(params.id))) throw notFound(`user ${params.id}`);
      const passwordHash = await hashPassword(body.password);
      await deps.repos.transaction(async (tx) => {
        await tx.users.setPasswordHash(params.id, passwordHash);
        await tx.sessions.revokeForUser(params.id);
      });
      await audit(request, { action: 'user.password_reset', objectType: 'user', objectId: params.id });
      return c.body(null, 204);
    },
  }),
];
