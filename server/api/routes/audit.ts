import { z } from 'zod';
import { AUDIT_ACTOR_KINDS } from '../../store/schema.ts';
import { listAuditPage } from '../audit-listing.ts';
import { cursorParam, encodeCursor } from '../cursor.ts';
import { defineRoute } from '../route.ts';

export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.iso.datetime(),
    actorKind: z.enum(AUDIT_ACTOR_KINDS),
    actorId: z.string().nullable().describe('The user acting (also when through an API key)'),
    actorLabel: z.string(),
    apiKeyId: z.string().nullable(),
    action: z.string().describe('e.g. workflow.created, version.published, login.failed'),
    objectType: z.string(),
    objectId: z.string().nullable(),
    ip: z.string().nullable(),
    details: z.unknown(),
    objectLabel: z.string().nullable().describe('The object’s name now (a run: its workflow’s); null once it is gone'),
    count: z
      .number()
      .int()
      .min(1)
      .describe('Stored entries this one stands for: a user’s consecutive autosaves of one workflow are listed once'),
    firstAt: z.iso.datetime().describe('When the first of them was written (`at` is the last)'),
  })
  .meta({ id: 'AuditEntry' });

export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    summary: 'The audit log, newest first, with filters (it is append-only: nothing changes or removes entries)',
    tag: 'Audit',
    access: 'admin',
    query: z.object({
      actorId: z.string().max(100).optional(),
      action: z.string().max(100).optional(),
      objectType: z.string().max(100).optional(),
      objectId: z.string().max(100).optional(),
      from: z.iso.datetime().optional().describe('At or after'),
      to: z.iso.datetime().optional().describe('At or before'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      cursor: cursorParam({ id: z.coerce.number().int() }).optional().describe('nextCursor of the previous page'),
    }),
    responses: {
      200: {
        description: 'A page of entries',
        schema: z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() }),
      },
    },
    async handler({ query, deps, c }) {
      const { entries, more } = await listAuditPage(
        deps.repos.audit,
        {
          ...(query.actorId ? { actorId: query.actorId } : {}),
          ...(query.action ? { action: query.action } : {}),
          ...(query.objectType ? { objectType: query.objectType } : {}),
          ...(query.objectId ? { objectId: query.objectId } : {}),
          ...(query.from ? { from: new Date(query.from).toISOString() } : {}),
          ...(query.to ? { to: new Date(query.to).toISOString() } : {}),
          ...(query.cursor ? { beforeId: query.cursor.id } : {}),
        },
        query.limit,
      );
      const last = entries.at(-1);
      const nextCursor = more && last ? encodeCursor({ id: String(last.oldestId) }) : null;
      return c.json({ items: entries.map(({ oldestId, ...entry }) => entry), nextCursor });
    },
  }),
];
