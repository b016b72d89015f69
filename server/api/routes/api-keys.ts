import { z } from 'zod';
import { roleWithin } from '../../auth/access.ts';
import { newApiKey } from '../../auth/api-keys.ts';
import type { ApiKeyRow } from '../../store/api-keys.ts';
import { RoleName } from '../account-schemas.ts';
import { audit } from '../audit.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute } from '../route.ts';

export const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The first characters of the key, to tell keys apart'),
    role: RoleName,
    userId: z.string().describe('The user who created the key and whom it acts for'),
    userEmail: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable().describe('Updated at most once a minute'),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey' });

const toApiKey = (row: ApiKeyRow): z.output<typeof ApiKey> => ({ ...row });

/**
 * Self-service keys: any signed-in user makes keys for themselves, with a role no higher than
 * their own (an admin's keys may have any role). A key acts with the rights its role and its
 * creator's current role share, and stops when the creator is deactivated.
 */
export const apiKeyRoutes = [
  defineRoute({
    method: 'post',
    path: '/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key for yourself; the secret is in this answer only',
    tag: 'API keys',
    access: 'view',
    body: z.strictObject({
      name: z.string().trim().min(1).max(200),
      role: RoleName.optional().describe('Defaults to your own role; may not exceed it'),
    }),
    responses: {
      201: {
        description: 'The key, with its secret (never shown again)',
        schema: z.object({ key: ApiKey, secret: z.string().describe('Send as "Authorization: Bearer <secret>"') }),
      },
      403: { description: 'The role asked for exceeds yours' },
    },
    async handler(request) {
      const { body, deps, c, caller } = request;
      if (!caller) throw new ApiError(401, 'unauthenticated', 'sign in first');
      const role = body.role ?? (caller.via.kind === 'api_key' ? caller.via.role : caller.user.role);
      const ceiling = caller.via.kind === 'api_key' ? [caller.user.role, caller.via.role] : [caller.user.role];
      if (!ceiling.every((held) => roleWithin(role, held))) {
        throw new ApiError(403, 'role_too_high', `a key may not have more rights than you: "${role}" exceeds them`);
      }
      const generated = newApiKey();
      const key = await deps.repos.apiKeys.insert({
        userId: caller.user.id,
        name: body.name,
        prefix: generated.prefix,
        keyHash: generated.hash,
        role,
      });
      await audit(request, { action: 'api_key.created', objectType: 'api_key', objectId: key.id, details: { role } });
      return c.json({ key: toApiKey(key), secret: generated.secret }, 201);
    },
  }),

  defineRoute({
    method: 'get',
    path: '/api-keys',
    operationId: 'listApiKeys',
    summary: 'Your API keys (admins see everyone’s), newest first; secrets are never shown',
    tag: 'API keys',
    access: 'view',
    responses: { 200: { description: 'Keys', schema: z.object({ items: z.array(ApiKey) }) } },
    async handler({ deps, c, caller }) {
      if (!caller) throw new ApiError(401, 'unauthenticated', 'sign in first');
      const keys = await deps.repos.apiKeys.list(caller.can('admin') ? undefined : caller.user.id);
      return c.json({ items: keys.map(toApiKey) });
    },
  }),

  defineRoute({
    method: 'delete',
    path: '/api-keys/:id',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key (your own; admins any)',
    tag: 'API keys',
    access: 'view',
    params: z.strictObject({ id: z.uuid() }),
    responses: { 204: { description: 'Revoked' }, 404: { description: 'No such key of yours' } },
    async handler(request) {
      const { params, deps, c, caller } = request;
      if (!caller) throw new ApiError(401, 'unauthenticated', 'sign in first');
      const key = await deps.repos.apiKeys.get(params.id);
      // Someone else's key looks like no key: its existence is not the caller's business.
      if (!key || (key.userId !== caller.user.id && !caller.can('admin'))) throw notFound(`API key ${params.id}`);
      if (await deps.repos.apiKeys.revoke(key.id)) {
        await audit(request, { action: 'api_key.revoked', objectType: 'api_key', objectId: key.id });
      }
      return c.body(null, 204);
    },
  }),
];
