import { z } from 'zod';
import { normalizeTarget } from '../../core/credential-targets.ts';
import { ROLES } from '../../store/schema.ts';
import { audit } from '../audit.ts';
import { ApiError, notFound } from '../errors.ts';
import type { ApiDeps } from '../route.ts';
import { defineRoute } from '../route.ts';

/** Text that goes into a header: a CR or LF would split the request, so it could never be sent. */
const HeaderText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !/[\r\n\0]/.test(value), 'must not contain a line break (CR or LF) or NUL');

/** One place a credential may be sent, normalized (`HTTPS://Api.Example.com/v1/` → `https://api.example.com/v1`). */
const AllowedTarget = z
  .string()
  .max(2048)
  .transform((text, ctx) => {
    const normalized = normalizeTarget(text);
    if ('error' in normalized) {
      ctx.addIssue({ code: 'custom', message: normalized.error });
      return z.NEVER;
    }
    return normalized.target;
  })
  .describe('scheme://host[:port][/path prefix]');

const AllowedTargets = z
  .array(AllowedTarget)
  .max(100)
  .describe('Where the credential may be sent (scheme://host[:port][/path prefix]); empty: nowhere');

const UseRoles = z
  .array(z.enum(ROLES))
  .max(3)
  .describe('Roles whose members may use the credential (admins always may); with useUserIds both empty: every editor');
const UseUserIds = z.array(z.uuid()).max(1000).describe('Users who may use the credential, whatever their role');

/** The limits every credential has, whatever its type. */
const limits = {
  allowedTargets: AllowedTargets.default([]),
  useRoles: UseRoles.default([]),
  useUserIds: UseUserIds.default([]),
};

/** 400 naming the field when a listed user does not exist. */
async function checkUsers(repos: ApiDeps['repos'], ids: readonly string[] | undefined): Promise<void> {
  for (const [index, id] of (ids ?? []).entries()) {
    if (!(await repos.users.get(id))) {
      throw new ApiError(400, 'validation_failed', `useUserIds.${index}: no user ${id}`);
    }
  }
}

/** What each kind of credential holds. Secrets go in, never out: answers carry name and type only. */
const CredentialInput = z.discriminatedUnion('type', [
  z.strictObject({
    ...limits,
    name: z.string().trim().min(1).max(200),
    type: z.literal('hmac').describe('A shared secret for signed webhooks'),
    secret: z.strictObject({ secret: z.string().min(16, 'use at least 16 characters').max(4096) }),
  }),
  z.strictObject({
    ...limits,
    name: z.string().trim().min(1).max(200),
    type: z.literal('bearer'),
    secret: z.strictObject({ token: HeaderText(16_384).min(1) }),
  }),
  z.strictObject({
    ...limits,
    name: z.string().trim().min(1).max(200),
    type: z.literal('basic'),
    secret: z.strictObject({ username: z.string().min(1).max(1024), password: z.string().max(4096) }),
  }),
  z.strictObject({
    ...limits,
    name: z.string().trim().min(1).max(200),
    type: z.literal('header'),
    secret: z.strictObject({
      header: z
        .string()
        .min(1)
        .max(256)
        .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid HTTP header name'),
      value: HeaderText(16_384),
    }),
  }),
]);

export const Credential = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    allowedTargets: z.array(z.string()),
    useRoles: z.array(z.string()),
    useUserIds: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Credential' });

const CredentialPatch = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    allowedTargets: AllowedTargets.optional(),
    useRoles: UseRoles.optional(),
    useUserIds: UseUserIds.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'nothing to change' });

export const CredentialChoice = z
  .object({ id: z.string(), name: z.string(), type: z.string() })
  .meta({ id: 'CredentialChoice' });

const CredentialId = z.strictObject({ id: z.uuid() });

export const credentialRoutes = [
  defineRoute({
    method: 'get',
    path: '/credentials',
    operationId: 'listCredentials',
    summary: 'Credentials by name and type (their secrets are never sent back)',
    tag: 'Credentials',
    access: 'admin',
    responses: { 200: { description: 'Credentials', schema: z.object({ items: z.array(Credential) }) } },
    async handler({ deps, c }) {
      return c.json({ items: await deps.repos.credentials.list() });
    },
  }),
  // Analysts configure HTTP nodes and webhooks too, so they see what there is to pick from; the
  // full listing and everything else about credentials stay with admins.
  defineRoute({
    method: 'get',
    path: '/credential-choices',
    operationId: 'listCredentialChoices',
    summary: 'Credentials to pick in a node’s settings: id, name and type only',
    tag: 'Credentials',
    access: 'edit',
    responses: {
      200: { description: 'Credentials by name', schema: z.object({ items: z.array(CredentialChoice) }) },
    },
    async handler({ deps, c }) {
      return c.json({ items: await deps.repos.credentials.listChoices() });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/credentials',
    operationId: 'createCredential',
    summary: 'Store a secret, encrypted (AES-256-GCM) under the master key',
    tag: 'Credentials',
    access: 'admin',
    body: CredentialInput,
    responses: { 201: { description: 'Stored', schema: Credential } },
    async handler(request) {
      const { body, deps, c } = request;
      await checkUsers(deps.repos, body.useUserIds);
      const credential = await deps.repos.credentials.insert(deps.masterKey, body);
      await audit(request, {
        action: 'credential.created',
        objectType: 'credential',
        objectId: credential.id,
        details: {
          name: credential.name,
          type: credential.type,
          allowedTargets: credential.allowedTargets,
          useRoles: credential.useRoles,
          useUserIds: credential.useUserIds,
        },
      });
      return c.json(credential, 201);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/credentials/:id',
    operationId: 'updateCredential',
    summary: 'Rename a credential or change where it may be sent and who may use it (its secret stays as stored)',
    tag: 'Credentials',
    access: 'admin',
    params: CredentialId,
    body: CredentialPatch,
    responses: {
      200: { description: 'The credential', schema: Credential },
      404: { description: 'No such credential' },
    },
    async handler(request) {
      const { params, body, deps, c } = request;
      const before = await deps.repos.credentials.get(params.id);
      if (!before) throw notFound(`credential ${params.id}`);
      await checkUsers(deps.repos, body.useUserIds);
      const credential = await deps.repos.credentials.update(params.id, body);
      if (!credential) throw notFound(`credential ${params.id}`);
      const changed = Object.fromEntries(
        Object.keys(body).map((field) => [
          field,
          { from: before[field as keyof typeof body], to: credential[field as keyof typeof body] },
        ]),
      );
      await audit(request, {
        action: 'credential.updated',
        objectType: 'credential',
        objectId: credential.id,
        details: changed,
      });
      return c.json(credential);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/credentials/:id',
    operationId: 'deleteCredential',
    summary: 'Delete a credential',
    tag: 'Credentials',
    access: 'admin',
    params: CredentialId,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such credential' } },
    async handler(request) {
      const { params, deps, c } = request;
      if (!(await deps.repos.credentials.delete(params.id))) throw notFound(`credential ${params.id}`);
      await audit(request, { action: 'credential.deleted', objectType: 'credential', objectId: params.id });
      return c.body(null, 204);
    },
  }),
];
