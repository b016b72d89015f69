import { z } from 'zod';
import { credentialTypes, findCredentialType, packOfCredentialType } from '../../../nodes/credentials/catalogue.ts';
import { type CredentialDefinition, secretJsonSchema } from '../../../nodes/credentials/define.ts';
import { describeUrl, normalizeTarget } from '../../core/credential-targets.ts';
import { ConnectionTestResult, isTestable, testKind } from '../../credentials/connection-test.ts';
import { CALLBACK_PATH } from '../../credentials/oauth2-connect.ts';
import { CONNECTION_STATUSES, ROLES } from '../../store/schema.ts';
import { audit } from '../audit.ts';
import { ApiError, notFound } from '../errors.ts';
import { publicUrlOf } from '../public-url.ts';
import type { ApiDeps } from '../route.ts';
import { defineRoute } from '../route.ts';
import { PackShape } from './node-types.ts';

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

/**
 * What each type of credential holds, from the credential catalogue (nodes/credentials/): a
 * secret that does not fit its type is refused naming the field (`secret.token`). Secrets go in,
 * never out: answers carry name and type only.
 */
const credentialInput = (definition: CredentialDefinition) =>
  z.strictObject({
    ...limits,
    name: z.string().trim().min(1).max(200),
    type: z.literal(definition.type).describe(definition.title),
    secret: definition.secret,
  });
type CredentialInputOfType = ReturnType<typeof credentialInput>;
/**
 * Lazy: node packs' credential types join the catalogue at start, after this module may have been
 * imported; the union is built at the first request (or OpenAPI document), once they have.
 */
const CredentialInput = z.lazy(() =>
  z.discriminatedUnion(
    'type',
    credentialTypes().map(credentialInput) as [CredentialInputOfType, ...CredentialInputOfType[]],
  ),
);

export const Credential = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    allowedTargets: z.array(z.string()),
    useRoles: z.array(z.enum(ROLES)),
    useUserIds: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    connection: z
      .object({
        status: z.enum(CONNECTION_STATUSES),
        interactive: z
          .boolean()
          .describe('Connected by an admin in the browser (authorization code), else by the server'),
        scopes: z.array(z.string()).describe('Granted once connected; asked for before'),
        expiresAt: z.string().nullable().describe('When the access token expires'),
        problem: z.string().nullable().describe('Why it needs reconnecting'),
        connectedAt: z.string().nullable(),
      })
      .nullable()
      .describe('How a connecting credential (OAuth 2) stands, never its tokens; null for other types'),
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

export const CredentialTypeShape = z
  .object({
    type: z.string(),
    title: z.string(),
    description: z.string(),
    secretSchema: z
      .record(z.string(), z.unknown())
      .describe('JSON Schema of the secret, for form rendering; secret fields are `writeOnly`'),
    testable: z.boolean().describe('"Test connection" can try it'),
    testNeedsUrl: z
      .boolean()
      .describe('The test sends the credential with a GET to a URL the admin gives (HTTP-style types)'),
    usesTargets: z
      .boolean()
      .describe(
        'Sent in HTTP requests, so it keeps to its allowed targets; other types reach their own server (a database) or none',
      ),
    connects: z.boolean().describe('It is connected after it is stored (OAuth 2): see `connection` on each credential'),
    presets: z
      .array(z.object({ name: z.string(), title: z.string(), values: z.record(z.string(), z.unknown()) }))
      .describe('Well-known providers’ settings the form can start from'),
    redirectUri: z
      .string()
      .nullable()
      .describe('Connecting types: the callback to register with the provider (on PUBLIC_URL); null for others'),
    pack: PackShape.optional().describe('The node pack the type came from (NODE_PACKS); absent for built-in types'),
  })
  .meta({ id: 'CredentialType' });

/** The catalogue as served (but the redirect URI): computed at first use (after node packs joined it), then kept. */
let described: readonly Omit<z.output<typeof CredentialTypeShape>, 'redirectUri'>[] | undefined;
const describeCredentialTypes = () =>
  credentialTypes().map((definition) => {
    const pack = packOfCredentialType(definition.type);
    return {
      type: definition.type,
      title: definition.title,
      description: definition.description,
      secretSchema: secretJsonSchema(definition),
      testable: isTestable(definition.type),
      testNeedsUrl: testKind(definition.type) === 'url',
      connects: definition.connects !== undefined,
      usesTargets: definition.http !== undefined || definition.httpToken !== undefined,
      presets: (definition.presets ?? []).map((preset) => ({ ...preset, values: { ...preset.values } })),
      ...(pack ? { pack: { name: pack.name, version: pack.version } } : {}),
    };
  });

const isHttpUrl = (text: string) => {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

const ConnectionTestInput = z.strictObject({
  url: z
    .string()
    .max(2048)
    .refine(isHttpUrl, 'must be an http:// or https:// URL')
    .optional()
    .describe(
      'HTTP-style types: where the credential is sent with a GET; it must be among its allowed targets. Other types (OAuth 2, SMTP, databases) reach their server themselves',
    ),
});

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
  // Not secret, as node types are not: anyone signed in may read what kinds of credential exist.
  defineRoute({
    method: 'get',
    path: '/credential-types',
    operationId: 'listCredentialTypes',
    summary: 'The credential catalogue: each type with the JSON Schema of its secret',
    tag: 'Credentials',
    access: 'view',
    responses: {
      200: { description: 'Credential types', schema: z.object({ items: z.array(CredentialTypeShape) }) },
    },
    handler({ c, deps }) {
      described ??= describeCredentialTypes();
      const redirectUri = `${publicUrlOf(c, deps.config)}${CALLBACK_PATH}`;
      return c.json({ items: described.map((type) => ({ ...type, redirectUri: type.connects ? redirectUri : null })) });
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
      const definition = findCredentialType(body.type);
      const connecting = definition?.connects?.(definition.secret.parse(body.secret));
      const credential = await deps.repos.credentials.insert(deps.masterKey, { ...body, connecting });
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
    method: 'post',
    path: '/credentials/:id/test',
    operationId: 'testCredential',
    summary:
      'Test connection, in a worker: an HTTP-style credential is sent with a GET to the URL given; other types reach their server themselves (SMTP, a token request, a database)',
    tag: 'Credentials',
    access: 'admin',
    params: CredentialId,
    body: ConnectionTestInput,
    responses: {
      200: { description: 'What the test found (`ok`: a 2xx answer)', schema: ConnectionTestResult },
      404: { description: 'No such credential' },
      422: { description: 'Credentials of this type cannot be tested' },
      503: { description: 'The engine is not available' },
      504: { description: 'No worker answered in time' },
    },
    async handler(request) {
      const { params, body, deps, c, caller } = request;
      if (!caller) throw new ApiError(401, 'unauthenticated', 'sign in first');
      const credential = await deps.repos.credentials.get(params.id);
      if (!credential) throw notFound(`credential ${params.id}`);
      const kind = testKind(credential.type);
      if (!kind) {
        throw new ApiError(422, 'not_testable', `a ${credential.type} credential cannot be tested: it is never sent`);
      }
      if (kind === 'url' && !body.url) {
        throw new ApiError(
          400,
          'validation_failed',
          `url: a ${credential.type} credential is tested with a GET to a URL`,
          [{ field: 'url', message: 'required' }],
        );
      }
      if (!deps.connectionTests) throw new ApiError(503, 'engine_unavailable', 'the run engine is not available');
      // Use limits apply to the admin as to anyone (admins pass them), with the roles they call with.
      const roles = caller.via.kind === 'api_key' ? [caller.user.role, caller.via.role] : [caller.user.role];
      const url = kind === 'url' ? body.url : undefined;
      const result = await deps.connectionTests.test({
        credentialId: credential.id,
        ...(url ? { url } : {}),
        user: { id: caller.user.id, roles },
      });
      // Sending a secret somewhere is worth a line in the audit log, whatever came back.
      await audit(request, {
        action: 'credential.tested',
        objectType: 'credential',
        objectId: credential.id,
        details: {
          url: url ? describeUrl(new URL(url)) : null,
          ok: result?.ok ?? null,
          status: result?.status ?? null,
        },
      });
      if (!result) throw new ApiError(504, 'test_timed_out', 'no worker answered in time; is the engine running?');
      return c.json(result);
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
