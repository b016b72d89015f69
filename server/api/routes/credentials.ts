import { z } from 'zod';
import { audit } from '../audit.ts';
import { notFound } from '../errors.ts';
import { defineRoute } from '../route.ts';

/** Text that goes into a header: a CR or LF would split the request, so it could never be sent. */
const HeaderText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !/[\r\n\0]/.test(value), 'must not contain a line break (CR or LF) or NUL');

/** What each kind of credential holds. Secrets go in, never out: answers carry name and type only. */
const CredentialInput = z.discriminatedUnion('type', [
  z.strictObject({
    name: z.string().trim().min(1).max(200),
    type: z.literal('hmac').describe('A shared secret for signed webhooks'),
    secret: z.strictObject({ secret: z.string().min(16, 'use at least 16 characters').max(4096) }),
  }),
  z.strictObject({
    name: z.string().trim().min(1).max(200),
    type: z.literal('bearer'),
    secret: z.strictObject({ token: HeaderText(16_384).min(1) }),
  }),
  z.strictObject({
    name: z.string().trim().min(1).max(200),
    type: z.literal('basic'),
    secret: z.strictObject({ username: z.string().min(1).max(1024), password: z.string().max(4096) }),
  }),
  z.strictObject({
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
  .object({ id: z.string(), name: z.string(), type: z.string(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'Credential' });

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
      const credential = await deps.repos.credentials.insert(deps.masterKey, body);
      await audit(request, {
        action: 'credential.created',
        objectType: 'credential',
        objectId: credential.id,
        details: { name: credential.name, type: credential.type },
      });
      return c.json(credential, 201);
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
