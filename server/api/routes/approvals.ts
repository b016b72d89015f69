import { z } from 'zod';
import type { Caller } from '../../auth/caller.ts';
import type { ApprovalRow } from '../../store/approvals.ts';
import { APPROVAL_STATUSES, ROLES, type Role } from '../../store/schema.ts';
import { audit } from '../audit.ts';
import { ApiError, notFound } from '../errors.ts';
import { defineRoute } from '../route.ts';
import { runServiceOf } from '../run-service.ts';

/*
 * The approvals inbox: `flow.wait` steps in approval mode wait here for a person's decision.
 * Everyone signed in sees them; only the approval's role or a higher one decides (analyst <
 * operator < admin). A decision resumes the step through its guarded transition, so of two people
 * deciding at once exactly one wins and the other hears 409.
 */

export const Approval = z
  .object({
    id: z.string(),
    executionId: z.string(),
    workflowId: z.string(),
    workflowName: z.string(),
    nodeId: z.string(),
    scope: z.string(),
    role: z.enum(ROLES).describe('The least role that may decide'),
    title: z.string(),
    message: z.string(),
    status: z.enum(APPROVAL_STATUSES),
    expiresAt: z.string().nullable().describe('When it times out (leaves by `timeout`) if nobody decides'),
    decidedBy: z.object({ id: z.string(), email: z.string(), name: z.string() }).nullable(),
    decidedAt: z.string().nullable(),
    comment: z.string().nullable(),
    createdAt: z.string(),
    canDecide: z.boolean().describe('Whether the caller’s role may decide it (while pending)'),
  })
  .meta({ id: 'Approval' });

const ApprovalId = z.strictObject({ id: z.uuid() });
const Decision = z.strictObject({ comment: z.string().max(2000).optional() });

/** The role a caller acts with: its API key's, when it comes with one. */
const roleOf = (caller: Caller): Role => (caller.via.kind === 'api_key' ? caller.via.role : caller.user.role);
const rank = (role: Role) => ROLES.indexOf(role);
const mayDecide = (caller: Caller | undefined, approval: Pick<ApprovalRow, 'role'>) =>
  caller !== undefined && rank(roleOf(caller)) >= rank(approval.role);

/** Who holds a role or a higher one, in words for a refusal ("operators and admins"). */
const orHigher = (role: Role) =>
  ROLES.slice(rank(role))
    .map((each) => `${each}s`)
    .join(' and ');

const toApproval = (row: ApprovalRow, caller: Caller | undefined): z.output<typeof Approval> => {
  const { attempt: _attempt, ...shown } = row;
  return { ...shown, canDecide: row.status === 'pending' && mayDecide(caller, row) };
};

function decide(decision: 'approved' | 'rejected') {
  const verb = decision === 'approved' ? 'approve' : 'reject';
  return defineRoute({
    method: 'post',
    path: `/approvals/:id/${verb}`,
    operationId: `${verb}Approval`,
    summary: `${decision === 'approved' ? 'Approve' : 'Reject'} a pending approval: its run goes on by the \`${decision}\` port`,
    tag: 'Approvals',
    // Everyone may ask; the approval's own role decides (checked below, named in the 403).
    access: 'view',
    params: ApprovalId,
    body: Decision,
    responses: {
      200: { description: 'Decided', schema: Approval },
      403: { description: 'The caller’s role is below the approval’s' },
      404: { description: 'No such approval' },
      409: { description: 'Decided already (by someone else, a timeout, or its run was canceled)' },
    },
    async handler(request) {
      const { params, body, deps, c, caller } = request;
      const approval = await deps.repos.approvals.get(params.id);
      if (!approval) throw notFound(`approval ${params.id}`);
      if (!caller || !mayDecide(caller, approval)) {
        throw new ApiError(
          403,
          'forbidden',
          `this approval needs the ${approval.role} role or higher (${orHigher(approval.role)}), which your role (${caller ? roleOf(caller) : 'none'}) is not`,
          { needs: approval.role },
        );
      }
      if (approval.status !== 'pending') {
        throw new ApiError(409, 'already_decided', `this approval is ${approval.status} already`);
      }
      const comment = body.comment?.trim() || null;
      const step = { executionId: approval.executionId, nodeId: approval.nodeId, scope: approval.scope };
      const decidedAt = new Date().toISOString();
      const resumed = await runServiceOf(deps).resume(step, {
        attempt: approval.attempt,
        port: decision,
        accepts: (waiting) => waiting.wait.kind === 'approval',
        output: (waiting) => ({
          ...(waiting.output as object),
          decision,
          decidedBy: caller.user.email,
          decidedAt,
          comment,
        }),
        alongside: () =>
          deps.repos.approvals.deciderRecord({ ...step, attempt: approval.attempt }, caller.user.id, comment),
      });
      if (resumed !== 'resumed') {
        const now = await deps.repos.approvals.get(params.id);
        throw new ApiError(409, 'already_decided', `this approval is ${now?.status ?? 'gone'} already`);
      }
      await audit(request, {
        action: `approval.${decision}`,
        objectType: 'execution',
        objectId: approval.executionId,
        details: { approvalId: approval.id, workflowId: approval.workflowId, nodeId: approval.nodeId, comment },
      });
      const decided = (await deps.repos.approvals.get(params.id)) ?? approval;
      return c.json(toApproval(decided, caller));
    },
  });
}

export const approvalRoutes = [
  defineRoute({
    method: 'get',
    path: '/approvals',
    operationId: 'listApprovals',
    summary: 'Approvals, pending ones oldest first (the inbox), others newest first',
    tag: 'Approvals',
    access: 'view',
    query: z.object({
      status: z.enum(APPROVAL_STATUSES).optional(),
      executionId: z.uuid().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(100),
    }),
    responses: {
      200: {
        description: 'Approvals',
        schema: z.object({
          items: z.array(Approval),
          pending: z.number().int().describe('How many are pending in all'),
        }),
      },
    },
    async handler({ query, deps, c, caller }) {
      const rows = await deps.repos.approvals.list(query);
      return c.json({
        items: rows.map((row) => toApproval(row, caller)),
        pending: await deps.repos.approvals.countPending(),
      });
    },
  }),
  decide('approved'),
  decide('rejected'),
];
